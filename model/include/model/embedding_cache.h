// Prompt embeddings cached on disk, keyed by (text-encoder identity, cleaned prompt, token
// ids, dtype): re-running a prompt skips the 11 GB encoder. One safetensors file per entry
// holding the T real rows [T, d] (the zero padding is added back on read) and the key in
// its metadata, which a read checks. Files are written to a temp name and renamed, so
// concurrent writers and killed runs leave no half entries; a damaged entry reads as a miss.
#pragma once
#include <ATen/ATen.h>

#include <optional>
#include <string>
#include <vector>

namespace wanattn {

struct EmbeddingKey {
  std::string model_identity;  // LoadedUMT5::identity / umt5_identity()
  std::string cleaned_prompt;
  std::vector<int64_t> ids;    // the real ids (EOS included): guards against tokenizer changes
  at::ScalarType dtype = at::kFloat;
};

class EmbeddingCache {
 public:
  explicit EmbeddingCache(std::string dir);
  // $WANATTN_CACHE_DIR, else $XDG_CACHE_HOME/wanattn/embeddings, else ~/.cache/wanattn/embeddings.
  static std::string default_dir();

  // [length, d] CPU tensor with rows >= T zero, or nothing.
  std::optional<at::Tensor> get(const EmbeddingKey& key, int64_t length) const;
  // `embedding`: [L, d] (any device); only its first key.ids.size() rows are stored.
  void put(const EmbeddingKey& key, const at::Tensor& embedding) const;

  std::string path_of(const EmbeddingKey& key) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace wanattn
