// `wanattn-studio --bench [RUN]`: the studio's own speed at the reference run's shape
// (480 x 832, 61 frames): a token click until the new overlay is painted, and scrubbing
// frames (a frame change until it is painted), in the real window. Results go to
// docs/benchmarks.md by hand.
#pragma once
#include <QString>

namespace wanattn {

int run_studio_bench(const QString& run_dir, int repeats);

}  // namespace wanattn
