#include "graphed_update.h"

#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <stdexcept>

namespace wanattn::train {

GraphedUpdate::GraphedUpdate(std::function<void()> update, int eager_runs)
    : update_(std::move(update)), eager_left_(eager_runs) {
  // Lazily made state (RoPE tables, cuBLAS handles and workspaces of this thread and of the
  // autograd thread) must exist before capture: at least one eager run.
  if (eager_runs < 1) throw std::invalid_argument("a graphed update needs at least one eager run before the capture");
}

GraphedUpdate::~GraphedUpdate() = default;

void GraphedUpdate::run(std::ostream& log) {
  if (graph_) {
    graph_->replay();
    return;
  }
  if (eager_left_ > 0) {
    --eager_left_;
    update_();
    return;
  }
  // As torch.cuda.graph does: give the eager runs' cached blocks back first, so the graph's
  // private pool does not double the memory.
  c10::cuda::device_synchronize();
  c10::cuda::CUDACachingAllocator::emptyCache();
  // Capture records the kernels without running them: the captured update then runs as the
  // graph's first replay. A failed capture is fatal: libtorch 2.11 leaves the allocator routing
  // to the failed graph's pool (capture_end throws before releasing it), so training on
  // eagerly in this process is not safe; run again without --graph.
  auto graph = std::make_unique<at::cuda::CUDAGraph>();
  try {
    graph->capture_begin();
    try {
      update_();
    } catch (...) {
      try {
        graph->capture_end();  // leaves capture mode
      } catch (...) {
      }
      throw;
    }
    graph->capture_end();
  } catch (const std::exception& e) {
    graph.release();  // the allocator may still refer to it: never destroyed
    throw std::runtime_error(fmt::format("--graph: capturing the training update failed (run without --graph): {}", e.what()));
  }
  fmt::print(log, "training update captured as a CUDA graph\n");
  graph_ = std::move(graph);
  graph_->replay();
}

}  // namespace wanattn::train
