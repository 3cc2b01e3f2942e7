// The NumPy .npy header (format versions 1.0, 2.0 and 3.0): parsing and writing.
// Pure functions on bytes, so the parser can be fuzzed without touching files.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace wanattn {

enum class DType { F16, F32, F64, U8, U16, I32, I64, Bool };

size_t dtype_size(DType dtype);
const char* dtype_descr(DType dtype);  // little-endian NumPy descr, e.g. "<f2"
const char* dtype_name(DType dtype);   // "float16", ...

struct NpyHeader {
  DType dtype = DType::F32;
  std::vector<uint64_t> shape;
  size_t data_offset = 0;  // bytes from the start of the file to the first element

  uint64_t element_count() const;
  uint64_t data_bytes() const { return element_count() * dtype_size(dtype); }
};

// Parses the header at the start of `bytes` (which may be longer than the header).
// Throws StoreError(BadHeader) naming `where` for anything that is not a C-order,
// little-endian array of a supported dtype with a sane shape.
NpyHeader parse_npy_header(const char* bytes, size_t size, const std::string& where);

// The complete header (magic .. newline) for a C-order array; its length is a
// multiple of 64 so the data that follows is aligned for mmap views.
std::string format_npy_header(DType dtype, const std::vector<uint64_t>& shape);

std::string shape_to_string(const std::vector<uint64_t>& shape);

}  // namespace wanattn
