// Growing a trained Wan DiT by whole blocks (the demo model's training, docs/demo-model-stages.md
// "Growing the DiT"): a deeper model starts from a shallower one's weights and computes
// exactly what it computed. Each block only adds to the residual stream (self-attention's
// and the FFN's outputs through their gates, cross-attention's directly), so a block whose
// three output projections are zero passes its input through unchanged; its other weights
// keep their fresh initialisation, so the gradients reaching those projections are not zero
// from the first step (the block's other weights follow once the projections have moved).
#pragma once
#include "model/wan_model.h"

namespace wanattn {

// Copies every parameter of `from` into `into`, whose config must differ from `from`'s only
// in having more blocks (checked setting by setting): `from`'s blocks 0..at-1 stay where they are, the rest move up by
// the difference, and the blocks inserted at `at` get zero output projections (self_attn.o,
// cross_attn.o, ffn.2). Throws, naming the parameter or setting, when the shapes do not fit
// or `at` is outside 0..from's blocks. Returns the number of blocks inserted.
int grow_wan_blocks(WanModel& into, const WanModel& from, int at);

}  // namespace wanattn
