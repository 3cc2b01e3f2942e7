// What the Generate panel says about a model folder before anything loads: the layout it
// found, the DiT's size (from the checkpoint header), what is missing (named, with where it
// was looked for), whether this machine can run it, and a tokenizer to count the prompt's
// tokens while the user types (for the store-size estimate). Cheap: headers only.
#pragma once
#include <QString>
#include <memory>

namespace wanattn {

class T5Tokenizer;

struct ModelProbe {
  bool ok = false;
  QString summary;  // "diffusers folder · 1.3B DiT (30 blocks, 12 heads)"
  QString problem;  // why it cannot be used (missing parts, unreadable header)
  bool full_size = false;  // a real Wan2.1 (1.3B/14B): hours on a CPU
  int blocks = 0, heads = 0;
  int patch_t = 1, patch_h = 2, patch_w = 2;
  int default_steps = 50;
  double default_guidance = 5, default_shift = 5;
  QString default_sampler;
  // A model made at its own size (the demo model's wanattn.json): the size and frames it
  // was trained for, which the Generate panel takes when the folder is chosen.
  bool own_size = false;
  int default_width = 832, default_height = 480, default_frames = 81;
  QString example_prompt;  // the folder's suggestion for a first prompt ("" if none)
  std::shared_ptr<const T5Tokenizer> tokenizer;
  // Real tokens (EOS included) of `prompt`, or -1 without a tokenizer or when the prompt
  // cannot be tokenized (malformed `(word:1.5)` syntax: `error` says where).
  int count_tokens(const QString& prompt, QString* error = nullptr) const;
};

ModelProbe probe_model_folder(const QString& dir);

// Whether this process can run on a CUDA GPU, and a one-line description of the device.
bool cuda_available();
QString describe_compute_device();

// Bytes the run store will take, and the free bytes where it goes.
quint64 estimate_store_bytes(const ModelProbe& p, int steps, int frames, int width, int height, int tokens,
                             const QString& capture, QString* error = nullptr);
quint64 free_bytes_at(const QString& path);

}  // namespace wanattn
