// CaptureWriter: the CaptureSink that streams captured maps into a run store without
// making the denoising loop wait on the disk.
//
// accept() (inference thread) takes a free slot of a ring of pinned host buffers, queues an
// asynchronous device-to-host copy on a side CUDA stream (ordered after the kernels that
// produced the maps, overlapping the next block's compute) and returns. A writer thread
// waits for each copy to land and hands the slice to the RunWriter. The inference thread
// only waits when every slot is still in flight (the disk is persistently slower than the
// GPU); stats() says how often and how long. On the CPU the copy is synchronous.
#pragma once
#include <ATen/core/Tensor.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/run_writer.h"
#include "model/capture_sink.h"

namespace wanattn {

struct CaptureStats {
  int slices = 0;              // slices handed to the store
  int waits = 0;               // accept() calls that found the ring full
  double wait_seconds = 0;     // time the inference thread spent waiting for a slot
  double write_seconds = 0;    // writer-thread time inside RunWriter::write_slice
};

class CaptureWriter : public CaptureSink {
 public:
  // The store's manifest decides what is captured (capture.steps / blocks are model
  // indices; head_mode; tokens; padding_mass). `slots` pinned buffers of one slice each.
  CaptureWriter(RunWriter& store, at::Device device, int slots = 6);
  ~CaptureWriter() override;  // drains (close()) if the owner did not
  CaptureWriter(const CaptureWriter&) = delete;
  CaptureWriter& operator=(const CaptureWriter&) = delete;

  bool wants(int step, int block) const override;
  bool per_head() const override { return per_head_; }
  int tokens() const override { return tokens_; }
  void accept(int step, int block, const at::Tensor& probs, const at::Tensor& padding) override;

  // Waits until every queued slice is in the store, then stops the writer thread.
  // Rethrows the first error the writer thread met (e.g. StoreError for a full disk).
  void close();
  // The first error the writer thread met, "" while none (accept() also rethrows it).
  std::string error() const;
  CaptureStats stats() const;

 private:
  struct Slot;
  void writer_loop();
  void rethrow_if_failed() const;

  RunWriter& store_;
  at::Device device_;
  bool per_head_ = true, padding_ = true;
  int tokens_ = 0;
  std::vector<int> step_index_, block_index_;  // model index -> store index, -1 if not kept

  std::vector<std::unique_ptr<Slot>> slots_;
  std::deque<Slot*> free_, queued_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool closing_ = false;
  std::string error_;
  std::exception_ptr first_error_;
  CaptureStats stats_;
  std::thread writer_;
};

}  // namespace wanattn
