#include "graphed_update.h"

#include <ATen/cuda/CUDAGraph.h>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <stdexcept>

namespace wanattn::train {

GraphedUpdate::GraphedUpdate(std::function<void()> update, int eager_runs)
    : update_(std::move(update)), eager_left_(eager_runs) {}

GraphedUpdate::~GraphedUpdate() = default;

void GraphedUpdate::run(std::ostream& log) {
  if (graph_) {
    graph_->replay();
    return;
  }
  if (failed_ || eager_left_ > 0) {
    --eager_left_;
    update_();
    return;
  }
  // Capture records the kernels without running them: the captured update then runs as the
  // graph's first replay.
  auto graph = std::make_unique<at::cuda::CUDAGraph>();
  try {
    graph->capture_begin();
    try {
      update_();
    } catch (...) {
      try {
        graph->capture_end();  // leave capture mode; the partial graph is dropped
      } catch (...) {
      }
      throw;
    }
    graph->capture_end();
  } catch (const std::exception& e) {
    failed_ = true;
    fmt::print(log, "CUDA graph capture failed, training on without it: {}\n", e.what());
    update_();
    return;
  }
  fmt::print(log, "training update captured as a CUDA graph\n");
  graph_ = std::move(graph);
  graph_->replay();
}

}  // namespace wanattn::train
