// The decoder's per-conv memory of earlier frames when decoding one latent frame at a
// time (WAN21_SPEC 4.4): each causal 3-tap conv keeps the last two frames of its input so
// that chunked decoding equals a causal conv over the whole sequence. Slots are visited in
// module order each chunk; the upsample3d time conv starts with a "skip" marker (frame 0 of
// the video never enters it).
#pragma once
#include <ATen/core/Tensor.h>

#include <vector>

namespace wanattn {

struct VaeCacheSlot {
  enum class State { Empty, SkipFirst, Frames } state = State::Empty;
  at::Tensor frames;  // [B, C, <=2, H, W]
};

struct VaeFeatureCache {
  std::vector<VaeCacheSlot> slots;
  size_t next = 0;  // reset to 0 at the start of every chunk
  VaeCacheSlot& take() {
    if (next >= slots.size()) slots.resize(next + 1);
    return slots[next++];
  }
};

// The last two frames of `x` to remember, padded with the previous slot's last frame when
// the chunk had only one.
at::Tensor vae_cache_frames(const at::Tensor& x, const VaeCacheSlot& slot);

}  // namespace wanattn
