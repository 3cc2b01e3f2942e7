// Prompt -> the DiT's text context (reference: WanT2V's text step / diffusers
// WanPipeline.encode_prompt): tokenize, look the embedding up in the on-disk cache, else load
// the UMT5 encoder (once), encode all cache misses in one batch and store them. After
// encoding, the encoder is released (11 GB in bf16 on the GPU) unless keep_loaded is set.
// Runs on the inference worker thread.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/embedding_cache.h"
#include "model/t5_tokenizer.h"
#include "model/umt5_loader.h"

namespace wanattn {

struct PromptEncoderOptions {
  std::string encoder_path;               // anything find_umt5_weights takes
  at::Device device = at::kCPU;           // fp32 on the CPU, bf16 on CUDA
  bool keep_loaded = false;               // keep the encoder after encoding
  std::optional<std::string> cache_dir;   // no cache when empty
};

struct EncodedPrompt {
  TokenizedPrompt tokens;
  at::Tensor context;  // [512, d] on the options' device, rows >= T zero
  bool from_cache = false;
};

class PromptEncoder {
 public:
  // Without a tokenizer only encode_tokenized() works (benchmarks on random weights).
  PromptEncoder(std::optional<T5Tokenizer> tokenizer, PromptEncoderOptions options);

  std::vector<EncodedPrompt> encode(const std::vector<std::string>& prompts);
  std::vector<EncodedPrompt> encode_tokenized(std::vector<TokenizedPrompt> prompts);
  void release();  // frees the encoder's memory (and the CUDA cache it held)
  // An encoder built elsewhere (random weights); used like a loaded one, released after use
  // unless keep_loaded.
  void install(LoadedUMT5 encoder);

  bool loaded() const { return bool(encoder_.model); }
  int encoder_runs() const { return runs_; }
  const LoadedUMT5& encoder() const { return encoder_; }
  const std::string& identity();  // of the encoder's files, without loading them

 private:
  std::optional<T5Tokenizer> tokenizer_;
  PromptEncoderOptions options_;
  LoadedUMT5 encoder_;
  std::string identity_;
  int runs_ = 0;
};

}  // namespace wanattn
