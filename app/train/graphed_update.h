// One training update replayed as a CUDA graph. At the demo model's size a step is a few
// thousand small kernels, and the host's cost of launching them (libtorch's dispatch and
// autograd per operation) is as large as the GPU's work; a graph launches the whole forward,
// backward and optimiser step at once. The update must read and write only tensors that
// outlive this object (static inputs the caller refills before each run, outputs it reads
// after), do no host synchronisation, and run on a non-default stream for the whole loop;
// what it caches (the DiT's RoPE table of the one clip grid) must not be rebuilt between
// replays, since the graph keeps the addresses.
// It runs eagerly for the first calls (allocations, RoPE tables, kernel choices settle), is
// then captured once, and replayed from then on; a failed capture throws (saying why).
#pragma once
#include <functional>
#include <memory>
#include <ostream>

namespace at::cuda {
struct CUDAGraph;
}

namespace wanattn::train {

class GraphedUpdate {
 public:
  GraphedUpdate(std::function<void()> update, int eager_runs);
  ~GraphedUpdate();
  GraphedUpdate(const GraphedUpdate&) = delete;
  GraphedUpdate& operator=(const GraphedUpdate&) = delete;

  void run(std::ostream& log);

 private:
  std::function<void()> update_;
  int eager_left_;
  std::unique_ptr<at::cuda::CUDAGraph> graph_;
};

}  // namespace wanattn::train
