// HDF5 export through the render layer's safe output: read back with the HDF5 C API.
#include <hdf5.h>

#include <filesystem>
#include <fstream>

#include "core/half.h"
#include "core/render/h5_export.h"
#include "render/render_fixture.h"
#include "support/temp_dir.h"
#include "catch_compat.h"

using namespace wanattn;

namespace {

std::vector<uint16_t> read_f16(hid_t file, const char* name, std::vector<hsize_t>& dims) {
  const hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
  REQUIRE(ds >= 0);
  const hid_t space = H5Dget_space(ds);
  dims.resize(size_t(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  hsize_t n = 1;
  for (auto d : dims) n *= d;
  std::vector<uint16_t> out(n);
  // Read the raw 16-bit floats (the file's type is IEEE half, little-endian).
  const hid_t type = H5Dget_type(ds);
  REQUIRE(H5Tget_size(type) == 2);
  REQUIRE(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) >= 0);
  H5Tclose(type);
  H5Sclose(space);
  H5Dclose(ds);
  return out;
}

}  // namespace

TEST_CASE("HDF5 export reads back equal to the store, and a cancel keeps the old file", "[fast][render][h5]") {
  test::TempDir dir("render-h5");
  test::RenderFixture fx;
  test::write_render_run(dir.sub("run"), fx);
  const RunReader run = RunReader::open(dir.sub("run"));
  const std::string path = dir.sub("maps.h5");
  render::export_h5(run, path, {{1, 2}, {0, 3}, {2}, true, 4});

  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(file >= 0);
  std::vector<hsize_t> dims;
  const auto att = read_f16(file, "attention", dims);
  const auto& g = run.grid();
  REQUIRE(dims == std::vector<hsize_t>{2, 2, hsize_t(run.heads()), 1, hsize_t(g.frames), hsize_t(g.height), hsize_t(g.width)});
  const size_t L = size_t(g.size());
  for (int si = 0; si < 2; ++si)
    for (int bi = 0; bi < 2; ++bi)
      for (int h = 0; h < run.heads(); ++h) {
        const MapView v = run.map(si + 1, bi == 0 ? 0 : 3, h, 2);
        const uint16_t* got = att.data() + ((size_t(si) * 2 + bi) * run.heads() + h) * L;
        CHECK(std::equal(v.data, v.data + L, got));
      }
  CHECK(H5Lexists(file, "frames", H5P_DEFAULT) > 0);
  H5Fclose(file);

  // A second export into the same name that is cancelled halfway: the first file stays.
  const auto before = std::filesystem::file_size(path);
  CHECK_THROWS(render::export_h5(run, path, {}, [](double f) { return f < 0.3; }));
  CHECK(std::filesystem::file_size(path) == before);
  CHECK(H5Fis_hdf5(path.c_str()) > 0);
  for (const auto& e : std::filesystem::directory_iterator(dir.str()))
    CHECK(e.path().filename().string().find(".part") == std::string::npos);
}
