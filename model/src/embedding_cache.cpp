#include "model/embedding_cache.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "model/safetensors_file.h"

namespace fs = std::filesystem;

namespace wanattn {
namespace {

std::string ids_string(const std::vector<int64_t>& ids) {
  std::string s;
  for (int64_t id : ids) s += std::to_string(id) + ",";
  return s;
}

uint64_t fnv1a(const std::string& s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace

EmbeddingCache::EmbeddingCache(std::string dir) : dir_(std::move(dir)) {}

std::string EmbeddingCache::default_dir() {
  if (const char* d = std::getenv("WANATTN_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return (fs::path(x) / "wanattn" / "embeddings").string();
  const char* home = std::getenv("HOME");
  return (fs::path(home ? home : ".") / ".cache" / "wanattn" / "embeddings").string();
}

std::string EmbeddingCache::path_of(const EmbeddingKey& key) const {
  const std::string all = key.model_identity + '\0' + key.cleaned_prompt + '\0' + ids_string(key.ids) + '\0' +
                          std::string(at::toString(key.dtype));
  // Two independent 64-bit hashes; the metadata check below settles any collision.
  return (fs::path(dir_) / fmt::format("{:016x}{:016x}.safetensors", fnv1a(all), fnv1a(all, 0x84222325cbf29ce4ull)))
      .string();
}

std::optional<at::Tensor> EmbeddingCache::get(const EmbeddingKey& key, int64_t length) const {
  const std::string path = path_of(key);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  try {
    const auto f = SafetensorsFile::open(path);
    const auto& m = f->metadata();
    auto meta = [&](const char* k) { return m.count(k) ? m.at(k) : std::string(); };
    if (meta("model") != key.model_identity || meta("prompt") != key.cleaned_prompt || meta("ids") != ids_string(key.ids))
      return std::nullopt;
    const at::Tensor rows = f->tensor("embedding");  // [T, d]
    if (rows.dim() != 2 || rows.size(0) != int64_t(key.ids.size()) || rows.scalar_type() != key.dtype ||
        rows.size(0) > length)
      return std::nullopt;
    at::Tensor out = at::zeros({length, rows.size(1)}, rows.options());
    out.narrow(0, 0, rows.size(0)).copy_(rows);
    return out;
  } catch (const std::exception&) {
    return std::nullopt;  // damaged entry: a miss, overwritten by the next put
  }
}

void EmbeddingCache::put(const EmbeddingKey& key, const at::Tensor& embedding) const {
  fs::create_directories(dir_);
  const std::string path = path_of(key);
  const std::string tmp = fmt::format("{}.{}.tmp", path, ::getpid());
  const at::Tensor rows = embedding.narrow(0, 0, int64_t(key.ids.size())).to(at::kCPU, key.dtype).contiguous();
  write_safetensors(tmp, {{"embedding", rows}},
                    {{"model", key.model_identity}, {"prompt", key.cleaned_prompt}, {"ids", ids_string(key.ids)}});
  fs::rename(tmp, path);
}

}  // namespace wanattn
