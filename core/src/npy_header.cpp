#include "core/npy_header.h"

#include <fmt/format.h>

#include <cctype>
#include <cstring>
#include <limits>
#include <string_view>

#include "core/store_error.h"

namespace wanattn {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kMaxHeaderLen = 1u << 20;  // NumPy itself refuses far smaller ones
constexpr size_t kMaxDims = 32;             // NumPy's own limit is 64; ours need 7

[[noreturn]] void bad_header(const std::string& where, const std::string& what) {
  throw StoreError(StoreErrorKind::BadHeader, fmt::format("{}: {}", where, what));
}

// A tiny scanner for the Python dict literal NumPy writes, e.g.
// {'descr': '<f2', 'fortran_order': False, 'shape': (25, 30, 12), }
class DictScanner {
 public:
  DictScanner(std::string_view text, const std::string& where) : s_(text), where_(where) {}

  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool peek(char c) {
    skip_space();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  void expect(char c) {
    if (!peek(c)) bad_header(where_, fmt::format("expected '{}' at offset {} of the header dict", c, pos_));
    ++pos_;
  }
  std::string quoted() {
    skip_space();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) bad_header(where_, "expected a quoted string");
    const char q = s_[pos_++];
    const size_t end = s_.find(q, pos_);
    if (end == std::string_view::npos) bad_header(where_, "unterminated string");
    std::string out(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return out;
  }
  std::string word() {
    skip_space();
    size_t start = pos_;
    while (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }
  uint64_t integer() {
    skip_space();
    if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_])))
      bad_header(where_, "expected a non-negative integer in the shape");
    uint64_t v = 0;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      const uint64_t d = uint64_t(s_[pos_++] - '0');
      if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) bad_header(where_, "shape value overflows");
      v = v * 10 + d;
    }
    if (pos_ < s_.size() && s_[pos_] == 'L') ++pos_;  // Python 2 long suffix
    return v;
  }
  std::vector<uint64_t> tuple() {
    expect('(');
    std::vector<uint64_t> dims;
    while (!peek(')')) {
      if (dims.size() >= kMaxDims) bad_header(where_, "too many dimensions");
      dims.push_back(integer());
      if (peek(',')) ++pos_;
      else if (!peek(')')) bad_header(where_, "expected ',' or ')' in the shape");
    }
    ++pos_;
    return dims;
  }
  bool at_end() {
    skip_space();
    return pos_ == s_.size();
  }

 private:
  std::string_view s_;
  const std::string& where_;
  size_t pos_ = 0;
};

DType dtype_from_descr(const std::string& descr, const std::string& where) {
  static const struct { const char* d; DType t; } table[] = {
      {"<f2", DType::F16}, {"<f4", DType::F32}, {"<f8", DType::F64}, {"|u1", DType::U8},
      {"<u1", DType::U8},  {"<u2", DType::U16}, {"<i4", DType::I32}, {"<i8", DType::I64},
      {"|b1", DType::Bool}};
  for (const auto& e : table)
    if (descr == e.d) return e.t;
  bad_header(where, fmt::format("unsupported dtype '{}' (expected little-endian float16/32/64, uint8/16, int32/64 or bool)", descr));
}

}  // namespace

size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::F16: case DType::U16: return 2;
    case DType::F32: case DType::I32: return 4;
    case DType::F64: case DType::I64: return 8;
    case DType::U8: case DType::Bool: return 1;
  }
  return 1;
}

const char* dtype_descr(DType dtype) {
  switch (dtype) {
    case DType::F16: return "<f2";
    case DType::F32: return "<f4";
    case DType::F64: return "<f8";
    case DType::U8: return "|u1";
    case DType::U16: return "<u2";
    case DType::I32: return "<i4";
    case DType::I64: return "<i8";
    case DType::Bool: return "|b1";
  }
  return "?";
}

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::F16: return "float16";
    case DType::F32: return "float32";
    case DType::F64: return "float64";
    case DType::U8: return "uint8";
    case DType::U16: return "uint16";
    case DType::I32: return "int32";
    case DType::I64: return "int64";
    case DType::Bool: return "bool";
  }
  return "?";
}

uint64_t NpyHeader::element_count() const {
  uint64_t n = 1;
  for (uint64_t d : shape) n *= d;  // overflow already excluded by the parser
  return n;
}

std::string shape_to_string(const std::vector<uint64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

NpyHeader parse_npy_header(const char* bytes, size_t size, const std::string& where) {
  if (size < kMagicLen + 2 || std::memcmp(bytes, kMagic, kMagicLen) != 0)
    bad_header(where, "not a NumPy .npy file (magic \\x93NUMPY missing)");
  const auto major = static_cast<unsigned char>(bytes[6]);
  size_t len_bytes = 0;
  if (major == 1) len_bytes = 2;
  else if (major == 2 || major == 3) len_bytes = 4;
  else bad_header(where, fmt::format("unsupported .npy format version {}.{}", major, static_cast<unsigned char>(bytes[7])));
  const size_t prefix = kMagicLen + 2 + len_bytes;
  if (size < prefix) bad_header(where, "file ends inside the .npy header");
  size_t header_len = 0;
  for (size_t i = 0; i < len_bytes; ++i)
    header_len |= size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
  if (header_len > kMaxHeaderLen) bad_header(where, fmt::format("header length {} is implausibly large", header_len));
  if (size < prefix + header_len) bad_header(where, "file ends inside the .npy header");

  std::string_view text(bytes + prefix, header_len);
  DictScanner sc(text, where);
  bool have_descr = false, have_order = false, have_shape = false;
  NpyHeader h;
  sc.expect('{');
  while (!sc.peek('}')) {
    const std::string key = sc.quoted();
    sc.expect(':');
    if (key == "descr") {
      h.dtype = dtype_from_descr(sc.quoted(), where);
      have_descr = true;
    } else if (key == "fortran_order") {
      const std::string w = sc.word();
      if (w == "True") bad_header(where, "Fortran-order arrays are not supported");
      if (w != "False") bad_header(where, "fortran_order must be True or False");
      have_order = true;
    } else if (key == "shape") {
      h.shape = sc.tuple();
      have_shape = true;
    } else {
      bad_header(where, fmt::format("unexpected key '{}' in the header dict", key));
    }
    if (sc.peek(',')) sc.expect(',');
    else if (!sc.peek('}')) bad_header(where, "expected ',' or '}' in the header dict");
  }
  sc.expect('}');
  if (!sc.at_end()) bad_header(where, "trailing characters after the header dict");
  if (!have_descr || !have_order || !have_shape) bad_header(where, "header dict lacks descr, fortran_order or shape");

  // Reject shapes whose byte size overflows 63 bits (no file can hold them).
  unsigned __int128 bytes_total = dtype_size(h.dtype);
  for (uint64_t d : h.shape) {
    bytes_total *= d;
    if (bytes_total > (unsigned __int128)std::numeric_limits<int64_t>::max())
      bad_header(where, fmt::format("shape {} is too large", shape_to_string(h.shape)));
  }
  h.data_offset = prefix + header_len;
  return h;
}

std::string format_npy_header(DType dtype, const std::vector<uint64_t>& shape) {
  std::string dims;
  for (uint64_t d : shape) dims += std::to_string(d) + ", ";
  if (shape.size() > 1) dims.resize(dims.size() - 2);  // "(3, 4)" but "(5,)"
  else if (shape.size() == 1) dims.resize(dims.size() - 1);
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", dtype_descr(dtype), dims);
  const size_t unpadded = kMagicLen + 2 + 2 + dict.size() + 1;  // + newline
  const size_t total = (unpadded + 63) / 64 * 64;
  dict.append(total - unpadded, ' ');
  dict.push_back('\n');
  std::string out(kMagic, kMagicLen);
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(char(dict.size() & 0xff));
  out.push_back(char((dict.size() >> 8) & 0xff));
  return out + dict;
}

}  // namespace wanattn
