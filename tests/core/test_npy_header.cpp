#include <string>

#include "catch_compat.h"
#include "core/npy_header.h"
#include "core/store_error.h"

using namespace wanattn;

namespace {
std::string v1(const std::string& dict) {
  std::string s = "\x93NUMPY";
  s += '\x01';
  s += '\x00';
  s += char(dict.size() & 0xff);
  s += char(dict.size() >> 8);
  return s + dict;
}
StoreErrorKind kind_of(const std::string& bytes) {
  try {
    parse_npy_header(bytes.data(), bytes.size(), "x.npy");
  } catch (const StoreError& e) {
    return e.kind();
  }
  FAIL("no error for a bad header");
  return StoreErrorKind::Io;
}
}  // namespace

TEST_CASE("npy header round trip, 64-byte aligned", "[fast]") {
  for (auto shape : {std::vector<uint64_t>{}, {5}, {3, 4}, {25, 30, 12, 30, 16, 30, 52}}) {
    const std::string h = format_npy_header(DType::F16, shape);
    CHECK(h.size() % 64 == 0);
    CHECK(h.back() == '\n');
    const NpyHeader p = parse_npy_header(h.data(), h.size(), "t.npy");
    CHECK(p.dtype == DType::F16);
    CHECK(p.shape == shape);
    CHECK(p.data_offset == h.size());
  }
  const std::string one = format_npy_header(DType::U8, {5});
  CHECK(one.find("'shape': (5,)") != std::string::npos);
}

TEST_CASE("npy header parses what numpy writes", "[fast]") {
  // Exactly numpy 1.26's header for np.zeros((2,3), '<f4'), and a version-2 header.
  const std::string np1 = v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }                                                          \n");
  auto h = parse_npy_header(np1.data(), np1.size(), "np.npy");
  CHECK(h.dtype == DType::F32);
  CHECK(h.shape == std::vector<uint64_t>{2, 3});
  std::string v2 = "\x93NUMPY";
  v2 += '\x02';
  v2 += '\x00';
  const std::string dict = "{\"descr\": \"|u1\", \"shape\": (7,), \"fortran_order\": False}\n";
  v2 += char(dict.size());
  v2 += std::string(3, '\0');
  v2 += dict;
  h = parse_npy_header(v2.data(), v2.size(), "v2.npy");
  CHECK(h.dtype == DType::U8);
  CHECK(h.shape == std::vector<uint64_t>{7});
}

TEST_CASE("npy header rejects hostile or unsupported headers with named errors", "[fast]") {
  CHECK(kind_of("") == StoreErrorKind::BadHeader);
  CHECK(kind_of("\x93NUMPZ\x01\x00") == StoreErrorKind::BadHeader);
  CHECK(kind_of(std::string("\x93NUMPY\x09\x00", 8)) == StoreErrorKind::BadHeader);
  CHECK(kind_of(v1("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }")) == StoreErrorKind::BadHeader);
  CHECK(kind_of(v1("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }")) == StoreErrorKind::BadHeader);
  CHECK(kind_of(v1("{'descr': '<f4', 'shape': (2,), }")) == StoreErrorKind::BadHeader);
  CHECK(kind_of(v1("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999, 99999999), }")) ==
        StoreErrorKind::BadHeader);
  CHECK(kind_of(v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } junk")) == StoreErrorKind::BadHeader);
  CHECK(kind_of(v1("{'descr': 'O', 'fortran_order': False, 'shape': (2,), }")) == StoreErrorKind::BadHeader);
  std::string cut = format_npy_header(DType::F32, {2});
  cut.resize(20);
  CHECK(kind_of(cut) == StoreErrorKind::BadHeader);
  try {
    const std::string bad = v1("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }");
    parse_npy_header(bad.data(), bad.size(), "runs/a/attention.npy");
  } catch (const StoreError& e) {
    CHECK_THAT(std::string(e.what()), ContainsSubstring("runs/a/attention.npy"));
    CHECK_THAT(std::string(e.what()), ContainsSubstring("<c8"));
  }
}
