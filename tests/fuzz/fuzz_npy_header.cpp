// libFuzzer target: wanattn::parse_npy_header on arbitrary bytes (docs/fuzzing.md).
// Expected: a header, or StoreError(BadHeader) naming the file. Anything else (another
// exception, a crash, a sanitizer report, a violated invariant below) is a finding.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "core/npy_header.h"
#include "core/store_error.h"
#include "fuzz_check.h"

using namespace wanattn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string where = "fuzz.npy";
  NpyHeader h;
  try {
    h = parse_npy_header(reinterpret_cast<const char*>(data), size, where);
  } catch (const StoreError& e) {
    FUZZ_CHECK(e.kind() == StoreErrorKind::BadHeader);
    FUZZ_CHECK(names_file(e.what(), where));
    return 0;
  }

  // The header lies inside the input: magic, version, length field, then the dict.
  FUZZ_CHECK(h.data_offset >= 10);
  FUZZ_CHECK(h.data_offset <= size);
  FUZZ_CHECK(h.shape.size() <= 32);
  const size_t item = dtype_size(h.dtype);
  FUZZ_CHECK(item == 1 || item == 2 || item == 4 || item == 8);
  FUZZ_CHECK(std::string(dtype_descr(h.dtype)) != "?");
  FUZZ_CHECK(std::string(dtype_name(h.dtype)) != "?");

  // The byte size the reader will map fits in int64 (the parser promises no overflow).
  unsigned __int128 total = item;
  bool zero = false;
  for (uint64_t d : h.shape) {
    zero = zero || d == 0;
    total = zero ? 0 : total * d;
    FUZZ_CHECK(total <= (unsigned __int128)std::numeric_limits<int64_t>::max());
  }
  FUZZ_CHECK(h.data_bytes() == uint64_t(total));

  // What we write for this dtype and shape parses back to the same, 64-byte aligned.
  const std::string out = format_npy_header(h.dtype, h.shape);
  FUZZ_CHECK(out.size() % 64 == 0);
  NpyHeader back;
  try {
    back = parse_npy_header(out.data(), out.size(), "formatted");
  } catch (const StoreError& e) {
    std::fprintf(stderr, "format_npy_header wrote a header parse_npy_header rejects: %s\n", e.what());
    FUZZ_CHECK(false);
  }
  FUZZ_CHECK(back.dtype == h.dtype);
  FUZZ_CHECK(back.shape == h.shape);
  FUZZ_CHECK(back.data_offset == out.size());
  FUZZ_CHECK(shape_to_string(back.shape) == shape_to_string(h.shape));
  return 0;
}
