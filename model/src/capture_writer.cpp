#include "model/capture_writer.h"

#include <ATen/ATen.h>
#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>

namespace wanattn {

struct CaptureWriter::Slot {
  at::Tensor attention, padding;  // flat float16, pinned when the device is CUDA
  std::optional<at::cuda::CUDAEvent> copied;
  int store_step = 0, store_block = 0;
};

namespace {

using Clock = std::chrono::steady_clock;

std::vector<int> index_of(const std::vector<int>& kept) {
  std::vector<int> index;
  for (size_t i = 0; i < kept.size(); ++i) {
    if (kept[i] < 0) throw std::invalid_argument("capture selection has a negative index");
    if (size_t(kept[i]) >= index.size()) index.resize(size_t(kept[i]) + 1, -1);
    index[size_t(kept[i])] = int(i);
  }
  return index;
}

// The copy stream of one device, shared by every writer: copies of one run stay in order.
c10::cuda::CUDAStream copy_stream(at::Device device) {
  static std::mutex mutex;
  static std::vector<std::optional<c10::cuda::CUDAStream>> streams;
  std::lock_guard lock(mutex);
  const auto index = size_t(device.index() < 0 ? c10::cuda::current_device() : device.index());
  if (streams.size() <= index) streams.resize(index + 1);
  if (!streams[index]) streams[index] = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, c10::DeviceIndex(index));
  return *streams[index];
}

}  // namespace

CaptureWriter::CaptureWriter(RunWriter& store, at::Device device, int slots) : store_(store), device_(device) {
  const CaptureSelection& sel = store.manifest().capture;
  per_head_ = sel.head_mode != "mean";
  padding_ = sel.padding_mass;
  tokens_ = sel.tokens;
  step_index_ = index_of(sel.steps);
  block_index_ = index_of(sel.blocks);
  if (slots < 1) throw std::invalid_argument("the capture ring needs at least one slot");
  const int64_t map = store.manifest().grid.size();
  const auto options = at::TensorOptions().dtype(at::kHalf).pinned_memory(device.is_cuda());
  for (int i = 0; i < slots; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->attention = at::empty({int64_t(store.slice_elements())}, options);
    slot->padding = at::empty({int64_t(sel.heads) * map}, options);
    free_.push_back(slot.get());
    slots_.push_back(std::move(slot));
  }
  writer_ = std::thread([this] { writer_loop(); });
}

CaptureWriter::~CaptureWriter() {
  try {
    close();
  } catch (...) {  // the error was reported by close() to an owner who asked; never throw here
  }
}

bool CaptureWriter::wants(int step, int block) const {
  return step >= 0 && block >= 0 && size_t(step) < step_index_.size() && step_index_[size_t(step)] >= 0 &&
         size_t(block) < block_index_.size() && block_index_[size_t(block)] >= 0;
}

void CaptureWriter::rethrow_if_failed() const {
  if (first_error_) std::rethrow_exception(first_error_);  // e.g. StoreError(Io) for a full disk
}

void CaptureWriter::accept(int step, int block, const at::Tensor& probs, const at::Tensor& padding) {
  if (!wants(step, block)) return;
  const int heads = store_.manifest().capture.heads;
  if (probs.numel() != int64_t(store_.slice_elements()) || probs.size(0) != heads || probs.size(1) != tokens_)
    throw std::invalid_argument(fmt::format("captured maps of step {} block {} have shape {} but the store holds [{}, {}, {}]",
                                            step, block, fmt::join(probs.sizes(), "x"), heads, tokens_,
                                            store_.manifest().grid.size()));
  Slot* slot = nullptr;
  {
    std::unique_lock lock(mutex_);
    rethrow_if_failed();
    if (free_.empty()) {
      const auto t0 = Clock::now();
      ++stats_.waits;
      changed_.wait(lock, [&] { return !free_.empty() || !error_.empty(); });
      stats_.wait_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
      rethrow_if_failed();
    }
    slot = free_.front();
    free_.pop_front();
  }
  slot->store_step = step_index_[size_t(step)];
  slot->store_block = block_index_[size_t(block)];
  const at::Tensor p = probs.reshape({-1}), pad = padding.reshape({-1});
  if (probs.is_cuda()) {
    // Copy on the side stream, after the kernels that wrote the maps; tell the caching
    // allocator the maps are in use there, so their memory is not reused too early.
    const auto compute = c10::cuda::getCurrentCUDAStream(probs.device().index());
    const auto side = copy_stream(probs.device());
    at::cuda::CUDAEvent produced;
    produced.record(compute);
    produced.block(side);
    {
      c10::cuda::CUDAStreamGuard guard(side);
      slot->attention.copy_(p, /*non_blocking=*/true);
      if (padding_) slot->padding.copy_(pad, /*non_blocking=*/true);
    }
    p.record_stream(side);
    if (padding_) pad.record_stream(side);
    slot->copied.emplace();
    slot->copied->record(side);
  } else {
    slot->attention.copy_(p);
    if (padding_) slot->padding.copy_(pad);
    slot->copied.reset();
  }
  {
    std::lock_guard lock(mutex_);
    queued_.push_back(slot);
  }
  changed_.notify_all();
}

void CaptureWriter::writer_loop() {
  for (;;) {
    Slot* slot = nullptr;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return !queued_.empty() || closing_; });
      if (queued_.empty()) return;  // closing and drained
      slot = queued_.front();
      queued_.pop_front();
    }
    std::string failure;
    std::exception_ptr thrown;
    const auto t0 = Clock::now();
    try {
      if (slot->copied) slot->copied->synchronize();
      if (error_.empty())
        store_.write_slice(slot->store_step, slot->store_block, static_cast<const uint16_t*>(slot->attention.data_ptr()),
                           padding_ ? static_cast<const uint16_t*>(slot->padding.data_ptr()) : nullptr);
    } catch (const std::exception& e) {
      failure = e.what();
      thrown = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      stats_.write_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
      if (failure.empty() && error_.empty()) ++stats_.slices;
      if (!failure.empty() && error_.empty()) {
        error_ = failure;
        first_error_ = thrown;
      }
      free_.push_back(slot);
    }
    changed_.notify_all();
  }
}

void CaptureWriter::close() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  if (writer_.joinable()) writer_.join();
  std::lock_guard lock(mutex_);
  rethrow_if_failed();
}

std::string CaptureWriter::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

CaptureStats CaptureWriter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace wanattn
