#include <hdf5.h>

#include <cstring>
#include <filesystem>

#include "catch_compat.h"
#include "core/hdf5_export.h"
#include "core/run_reader.h"
#include "core/store_error.h"
#include "support/synthetic_run.h"
#include "support/temp_dir.h"

using namespace wanattn;

namespace {

std::vector<uint16_t> read_half_dataset(hid_t file, const char* name, std::vector<hsize_t>& dims) {
  const hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
  REQUIRE(ds >= 0);
  const hid_t type = H5Dget_type(ds);
  CHECK(H5Tget_class(type) == H5T_FLOAT);
  CHECK(H5Tget_size(type) == 2);
  const hid_t space = H5Dget_space(ds);
  dims.assign(size_t(H5Sget_simple_extent_ndims(space)), 0);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  size_t n = 1;
  for (auto d : dims) n *= d;
  std::vector<uint16_t> out(n);
  REQUIRE(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) >= 0);
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(ds);
  return out;
}

std::string read_string_attr(hid_t obj, const char* name) {
  const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  REQUIRE(attr >= 0);
  const hid_t type = H5Aget_type(attr);
  char* value = nullptr;
  REQUIRE(H5Aread(attr, type, &value) >= 0);
  std::string out = value ? value : "";
  H5free_memory(value);
  H5Tclose(type);
  H5Aclose(attr);
  return out;
}

}  // namespace

TEST_CASE("HDF5 export reads back equal to the store", "[fast]") {
  test::TempDir tmp("h5");
  test::write_synthetic_run(tmp.sub("run"), {});
  const RunReader run = RunReader::open(tmp.sub("run"));
  double last = 0;
  export_run_hdf5(run, tmp.sub("out.h5"), {}, [&](double f) {
    CHECK(f >= last);
    last = f;
    return true;
  });
  CHECK(last == 1.0);
  const hid_t file = H5Fopen(tmp.sub("out.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(file >= 0);
  std::vector<hsize_t> dims;
  const auto att = read_half_dataset(file, "attention", dims);
  CHECK(dims == std::vector<hsize_t>{3, 4, 2, 5, 3, 6, 8});
  // The store's attention.npy data is the same C-order array.
  CHECK(std::memcmp(att.data(), run.map(0, 0, 0, 0).data, att.size() * 2) == 0);
  const auto hm = read_half_dataset(file, "head_mean", dims);
  CHECK(dims == std::vector<hsize_t>{3, 4, 5, 3, 6, 8});
  CHECK(std::memcmp(hm.data() + 5 * 144, run.head_mean(0, 1, 0).data, 144 * 2) == 0);
  read_half_dataset(file, "padding", dims);
  CHECK(dims == std::vector<hsize_t>{3, 4, 2, 3, 6, 8});
  CHECK(read_string_attr(file, "prompt") == "a red circle moves left");
  CHECK(read_string_attr(file, "status") == "complete");
  CHECK(nlohmann::json::parse(read_string_attr(file, "manifest"))["generation"]["seed"] == 58);
  CHECK(H5Lexists(file, "frames", H5P_DEFAULT) > 0);
  H5Fclose(file);
}

TEST_CASE("HDF5 export of a selection and of a partial run", "[fast]") {
  test::TempDir tmp("h5sel");
  test::write_synthetic_run(tmp.sub("run"), {}, RunState::Cancelled, [](int s, int b) { return s == 0 || b == 0; });
  const RunReader run = RunReader::open(tmp.sub("run"));
  Hdf5Selection sel;
  sel.steps = {1};
  sel.blocks = {0, 2};
  sel.tokens = {3};
  sel.include_frames = false;
  export_run_hdf5(run, tmp.sub("sel.h5"), sel);
  const hid_t file = H5Fopen(tmp.sub("sel.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(file >= 0);
  std::vector<hsize_t> dims;
  const auto att = read_half_dataset(file, "attention", dims);
  CHECK(dims == std::vector<hsize_t>{1, 2, 2, 1, 3, 6, 8});
  const size_t L = 144;
  CHECK(std::memcmp(att.data(), run.map(1, 0, 0, 3).data, L * 2) == 0);        // written: block 0
  CHECK(std::memcmp(att.data() + L, run.map(1, 0, 1, 3).data, L * 2) == 0);    // head 1
  for (size_t i = 2 * L; i < att.size(); ++i) REQUIRE(att[i] == 0);           // block 2 of step 1: never written
  CHECK(H5Lexists(file, "frames", H5P_DEFAULT) == 0);
  H5Fclose(file);
  CHECK_FALSE(std::filesystem::exists(tmp.sub("sel.h5.partial")));

  sel.tokens = {9};
  CHECK_THROWS_AS(export_run_hdf5(run, tmp.sub("bad.h5"), sel), StoreError);
}

TEST_CASE("a cancelled HDF5 export leaves no file behind", "[fast]") {
  test::TempDir tmp("h5cancel");
  test::write_synthetic_run(tmp.sub("run"), {});
  const RunReader run = RunReader::open(tmp.sub("run"));
  CHECK_THROWS_AS(export_run_hdf5(run, tmp.sub("c.h5"), {}, [](double f) { return f < 0.3; }), StoreError);
  CHECK_FALSE(std::filesystem::exists(tmp.sub("c.h5")));
  CHECK_FALSE(std::filesystem::exists(tmp.sub("c.h5.partial")));
}
