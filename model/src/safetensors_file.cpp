#include "model/safetensors_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "model/weight_error.h"

namespace wanattn {
namespace {

constexpr uint64_t kMaxHeader = 100ull << 20;  // the reference implementation's own limit

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw WeightError(fmt::format("{}: {}", path, what));
}

}  // namespace

at::ScalarType safetensors_scalar_type(const std::string& dtype, const std::string& where) {
  if (dtype == "F32") return at::kFloat;
  if (dtype == "F16") return at::kHalf;
  if (dtype == "BF16") return at::kBFloat16;
  if (dtype == "F64") return at::kDouble;
  if (dtype == "F8_E4M3") return at::kFloat8_e4m3fn;
  if (dtype == "F8_E5M2") return at::kFloat8_e5m2;
  if (dtype == "I64") return at::kLong;
  if (dtype == "I32") return at::kInt;
  if (dtype == "I16") return at::kShort;
  if (dtype == "I8") return at::kChar;
  if (dtype == "U8") return at::kByte;
  if (dtype == "BOOL") return at::kBool;
  bad(where, fmt::format("unsupported dtype '{}'", dtype));
}

size_t safetensors_dtype_size(const std::string& dtype, const std::string& where) {
  return at::elementSize(safetensors_scalar_type(dtype, where));
}

std::string safetensors_dtype_name(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "F32";
    case at::kHalf: return "F16";
    case at::kBFloat16: return "BF16";
    case at::kDouble: return "F64";
    case at::kFloat8_e4m3fn: return "F8_E4M3";
    case at::kFloat8_e5m2: return "F8_E5M2";
    case at::kLong: return "I64";
    case at::kInt: return "I32";
    case at::kShort: return "I16";
    case at::kChar: return "I8";
    case at::kByte: return "U8";
    case at::kBool: return "BOOL";
    default: throw WeightError(fmt::format("cannot store dtype {} in safetensors", c10::toString(t)));
  }
}

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) bad(path, errno == ENOENT ? "file not found" : std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    bad(path, std::strerror(errno));
  }
  std::shared_ptr<SafetensorsFile> f(new SafetensorsFile());
  f->path_ = path;
  f->size_ = size_t(st.st_size);
  if (f->size_ < 8) {
    ::close(fd);
    bad(path, fmt::format("only {} bytes: not a safetensors file (truncated?)", f->size_));
  }
  void* m = ::mmap(nullptr, f->size_, PROT_READ, MAP_SHARED, fd, 0);
  const int map_err = errno;
  ::close(fd);
  if (m == MAP_FAILED) bad(path, fmt::format("cannot map: {}", std::strerror(map_err)));
  f->base_ = static_cast<const uint8_t*>(m);
  f->self_ = f;

  uint64_t header_len = 0;
  std::memcpy(&header_len, f->base_, 8);  // little-endian on every platform we build for
  if (header_len > kMaxHeader) bad(path, fmt::format("header length {} is implausible (corrupt file?)", header_len));
  if (8 + header_len > f->size_)
    bad(path, fmt::format("file ends inside its {}-byte header (truncated?)", header_len));
  f->data_start_ = size_t(8 + header_len);
  const char* hp = reinterpret_cast<const char*>(f->base_ + 8);
  const auto header = nlohmann::json::parse(hp, hp + header_len, nullptr, false);
  if (header.is_discarded() || !header.is_object()) bad(path, "header is not a JSON object (corrupt file?)");

  const uint64_t data_size = f->size_ - f->data_start_;
  std::vector<std::pair<uint64_t, const std::string*>> spans;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it.value().is_object()) bad(path, "__metadata__ is not an object");
      for (auto m2 = it.value().begin(); m2 != it.value().end(); ++m2)
        if (m2.value().is_string()) f->metadata_[m2.key()] = m2.value().get<std::string>();
      continue;
    }
    const std::string& name = it.key();
    const auto& v = it.value();
    const std::string where = fmt::format("{}: tensor '{}'", path, name);
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
      throw WeightError(where + ": header entry lacks dtype, shape or data_offsets");
    SafetensorsEntry e;
    try {
      e.dtype = v["dtype"].get<std::string>();
      e.shape = v["shape"].get<std::vector<int64_t>>();
      const auto off = v["data_offsets"].get<std::vector<uint64_t>>();
      if (off.size() != 2) throw WeightError(where + ": data_offsets must be [begin, end]");
      e.begin = off[0];
      e.end = off[1];
    } catch (const nlohmann::json::exception&) {
      throw WeightError(where + ": header entry has the wrong types");
    }
    const size_t esize = safetensors_dtype_size(e.dtype, where);
    unsigned __int128 bytes = esize;
    for (int64_t d : e.shape) {
      if (d < 0) throw WeightError(where + ": negative dimension");
      bytes *= uint64_t(d);
      if (bytes > std::numeric_limits<uint64_t>::max()) throw WeightError(where + ": shape too large");
    }
    if (e.begin > e.end) throw WeightError(where + ": data_offsets begin after end");
    if (e.end > data_size)
      throw WeightError(fmt::format("{}: data [{}, {}) lies past the end of the file ({} data bytes): truncated file",
                                    where, e.begin, e.end, data_size));
    if (uint64_t(bytes) != e.end - e.begin)
      throw WeightError(fmt::format("{}: {} x {} needs {} bytes but data_offsets span {}", where, e.dtype,
                                    fmt::join(e.shape, "x"), uint64_t(bytes), e.end - e.begin));
    auto [pos, inserted] = f->entries_.emplace(name, std::move(e));
    spans.push_back({pos->second.begin, &pos->first});
  }
  // No two tensors may share bytes.
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i) {
    const auto& prev = f->entries_.at(*spans[i - 1].second);
    if (spans[i].first < prev.end && prev.end > prev.begin)
      bad(path, fmt::format("tensors '{}' and '{}' overlap", *spans[i - 1].second, *spans[i].second));
  }
  return f;
}

SafetensorsFile::~SafetensorsFile() {
  if (base_) ::munmap(const_cast<uint8_t*>(base_), size_);
}

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) throw WeightError(fmt::format("{}: no tensor '{}'", path_, name));
  return it->second;
}

at::Tensor SafetensorsFile::tensor(const std::string& name) const {
  const SafetensorsEntry& e = entry(name);
  const auto type = safetensors_scalar_type(e.dtype, path_);
  auto keep = self_.lock();  // the tensor keeps the mapping alive
  void* data = const_cast<uint8_t*>(base_ + data_start_ + e.begin);
  const size_t esize = at::elementSize(type);
  if (reinterpret_cast<uintptr_t>(data) % esize != 0) {
    // Unaligned data (legal in the format, rare in practice): copy rather than misalign.
    at::Tensor out = at::empty(e.shape, at::TensorOptions().dtype(type));
    std::memcpy(out.data_ptr(), data, e.end - e.begin);
    return out;
  }
  return at::from_blob(data, e.shape, [keep](void*) {}, at::TensorOptions().dtype(type));
}

void write_safetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  std::vector<at::Tensor> data;
  for (const auto& [name, t] : tensors) {
    at::Tensor c = t.detach().to(at::kCPU).contiguous();
    const uint64_t bytes = uint64_t(c.numel()) * c.element_size();
    header[name] = {{"dtype", safetensors_dtype_name(c.scalar_type())},
                    {"shape", c.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    data.push_back(c);
  }
  std::string h = header.dump();
  h.append((8 - h.size() % 8) % 8, ' ');  // keep the data section 8-byte aligned
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw WeightError(fmt::format("cannot create '{}'", path));
  const uint64_t n = h.size();
  out.write(reinterpret_cast<const char*>(&n), 8);
  out.write(h.data(), std::streamsize(h.size()));
  for (const auto& c : data) out.write(static_cast<const char*>(c.data_ptr()), std::streamsize(c.numel() * c.element_size()));
  if (!out) throw WeightError(fmt::format("cannot write '{}' (disk full?)", path));
}

}  // namespace wanattn
