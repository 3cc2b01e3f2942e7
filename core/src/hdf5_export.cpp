#include "core/hdf5_export.h"

#include <fmt/format.h>
#include <hdf5.h>

#include <cstring>
#include <filesystem>
#include <numeric>

#include "core/run_files.h"
#include "core/store_error.h"

namespace wanattn {
namespace {

// Owns one HDF5 identifier and closes it with the matching H5*close.
class H5Id {
 public:
  H5Id(hid_t id, herr_t (*closer)(hid_t), const std::string& what) : id_(id), closer_(closer) {
    if (id < 0) throw StoreError(StoreErrorKind::Io, "HDF5: cannot " + what);
  }
  ~H5Id() {
    if (id_ >= 0) closer_(id_);
  }
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
  herr_t (*closer_)(hid_t);
};

void check(herr_t rc, const std::string& what) {
  if (rc < 0) throw StoreError(StoreErrorKind::Io, "HDF5: cannot " + what);
}

// IEEE binary16, which h5py reads as numpy float16 (HDF5 1.10 has no predefined one).
hid_t make_half_type() {
  hid_t t = H5Tcopy(H5T_IEEE_F32LE);
  check(H5Tset_fields(t, 15, 10, 5, 0, 10), "define float16 fields");
  check(H5Tset_size(t, 2), "size float16");
  check(H5Tset_ebias(t, 15), "bias float16");
  return t;
}

std::vector<hsize_t> dims_of(const std::vector<uint64_t>& v) { return {v.begin(), v.end()}; }

// A chunked, gzip-compressed dataset; one chunk holds one map [F, h, w].
hid_t create_dataset(hid_t file, const char* name, hid_t type, const std::vector<uint64_t>& shape, size_t map_rank,
                     int gzip) {
  const auto dims = dims_of(shape);
  H5Id space(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose, "create a dataspace");
  H5Id plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create a property list");
  std::vector<hsize_t> chunk(dims.size(), 1);
  bool empty = false;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i + map_rank >= dims.size()) chunk[i] = dims[i];
    if (dims[i] == 0) empty = true;
  }
  if (!empty && !dims.empty()) {
    check(H5Pset_chunk(plist, int(chunk.size()), chunk.data()), fmt::format("chunk '{}'", name));
    if (gzip > 0) check(H5Pset_deflate(plist, unsigned(gzip)), fmt::format("compress '{}'", name));
  }
  const hid_t ds = H5Dcreate2(file, name, type, space, H5P_DEFAULT, plist, H5P_DEFAULT);
  if (ds < 0) throw StoreError(StoreErrorKind::Io, fmt::format("HDF5: cannot create dataset '{}'", name));
  return ds;
}

// Writes `data` into the block of `ds` that starts at `start` and spans `count`.
void write_block(hid_t ds, hid_t type, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                 const void* data, const std::string& what) {
  H5Id file_space(H5Dget_space(ds), H5Sclose, "get a dataspace");
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), "select " + what);
  H5Id mem_space(H5Screate_simple(int(count.size()), count.data(), nullptr), H5Sclose, "create a dataspace");
  check(H5Dwrite(ds, type, mem_space, file_space, H5P_DEFAULT, data), "write " + what);
}

void write_whole(hid_t file, const char* name, hid_t type, const std::vector<uint64_t>& shape, const void* data,
                 size_t map_rank, int gzip) {
  H5Id ds(create_dataset(file, name, type, shape, map_rank, gzip), H5Dclose, "create dataset");
  bool empty = false;
  for (auto d : shape) empty |= d == 0;
  if (!empty) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), fmt::format("write '{}'", name));
}

void attr_string(hid_t obj, const char* name, const std::string& value) {
  H5Id type(H5Tcopy(H5T_C_S1), H5Tclose, "copy a string type");
  check(H5Tset_size(type, H5T_VARIABLE), "make a string type");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "make a UTF-8 type");
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose, "create a scalar space");
  H5Id attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, fmt::format("create attribute '{}'", name));
  const char* p = value.c_str();
  check(H5Awrite(attr, type, &p), fmt::format("write attribute '{}'", name));
}

void attr_strings(hid_t obj, const char* name, const std::vector<std::string>& values) {
  H5Id type(H5Tcopy(H5T_C_S1), H5Tclose, "copy a string type");
  check(H5Tset_size(type, H5T_VARIABLE), "make a string type");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "make a UTF-8 type");
  const hsize_t n = values.size();
  H5Id space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create a space");
  H5Id attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, fmt::format("create attribute '{}'", name));
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n) check(H5Awrite(attr, type, ptrs.data()), fmt::format("write attribute '{}'", name));
}

template <class T>
void attr_numbers(hid_t obj, const char* name, hid_t type, const std::vector<T>& values) {
  const hsize_t n = values.size();
  H5Id space(values.size() == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose, "create a space");
  H5Id attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, fmt::format("create attribute '{}'", name));
  if (n) check(H5Awrite(attr, type, values.data()), fmt::format("write attribute '{}'", name));
}

// Scalars of the `generation` object become attributes of their own (seed, steps, ...).
void attr_json_scalars(hid_t obj, const nlohmann::json& j, const std::string& prefix) {
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string key = prefix + it.key();
    const auto& v = it.value();
    if (v.is_string()) attr_string(obj, key.c_str(), v.get<std::string>());
    else if (v.is_boolean()) attr_numbers<int32_t>(obj, key.c_str(), H5T_NATIVE_INT32, {v.get<bool>() ? 1 : 0});
    else if (v.is_number_integer()) attr_numbers<int64_t>(obj, key.c_str(), H5T_NATIVE_INT64, {v.get<int64_t>()});
    else if (v.is_number()) attr_numbers<double>(obj, key.c_str(), H5T_NATIVE_DOUBLE, {v.get<double>()});
  }
}

std::vector<int> all_or(const std::vector<int>& sel, int n, const char* what, const std::string& dir) {
  if (sel.empty()) {
    std::vector<int> v(static_cast<size_t>(n));
    std::iota(v.begin(), v.end(), 0);
    return v;
  }
  for (int i : sel)
    if (i < 0 || i >= n)
      throw StoreError(StoreErrorKind::OutOfRange, fmt::format("{} index {} is outside '{}' (it has {})", what, i, dir, n));
  return sel;
}

}  // namespace

void export_run_hdf5(const RunReader& run, const std::string& out_path, const Hdf5Selection& sel,
                     const std::function<bool(double)>& progress) {
  const auto& m = run.manifest();
  const auto steps = all_or(sel.steps, run.steps(), "step", run.dir());
  const auto blocks = all_or(sel.blocks, run.blocks(), "block", run.dir());
  const auto tokens = all_or(sel.tokens, run.tokens(), "token", run.dir());
  const auto& g = run.grid();
  const uint64_t S = steps.size(), B = blocks.size(), H = uint64_t(run.heads()), T = tokens.size();
  const uint64_t F = uint64_t(g.frames), h = uint64_t(g.height), w = uint64_t(g.width);
  const size_t L = size_t(g.size());

  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // our messages replace HDF5's stack dumps
  const std::string tmp = out_path + ".partial";
  bool ok = false;
  try {
    H5Id file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
              fmt::format("create '{}'", tmp));
    H5Id half(make_half_type(), H5Tclose, "make float16");

    // Root attributes: the whole manifest as JSON, plus the fields people filter by.
    attr_string(file, "manifest", to_json(m).dump());
    attr_string(file, "format", "wanattn-run");
    attr_numbers<int32_t>(file, "format_version", H5T_NATIVE_INT32, {m.format_version});
    attr_string(file, "prompt", m.prompt);
    attr_string(file, "negative_prompt", m.negative_prompt);
    attr_string(file, "status", to_string(m.status.state));
    attr_json_scalars(file, m.generation, "");
    attr_json_scalars(file, m.model, "model_");
    std::vector<std::string> pieces;
    for (int t : tokens) pieces.push_back(size_t(t) < m.tokens.size() ? m.tokens[size_t(t)].piece : "");
    attr_strings(file, "token_pieces", pieces);

    std::vector<int32_t> model_steps, model_blocks, token_ids;
    for (int s : steps) model_steps.push_back(m.capture.steps[size_t(s)]);
    for (int b : blocks) model_blocks.push_back(m.capture.blocks[size_t(b)]);
    for (int t : tokens) token_ids.push_back(t);
    write_whole(file, "steps", H5T_NATIVE_INT32, {S}, model_steps.data(), 0, 0);
    write_whole(file, "blocks", H5T_NATIVE_INT32, {B}, model_blocks.data(), 0, 0);
    write_whole(file, "tokens", H5T_NATIVE_INT32, {T}, token_ids.data(), 0, 0);

    H5Id att(create_dataset(file, "attention", half, {S, B, H, T, F, h, w}, 3, sel.gzip_level), H5Dclose, "create");
    std::unique_ptr<H5Id> hmean, pad;
    if (H > 1) hmean = std::make_unique<H5Id>(create_dataset(file, "head_mean", half, {S, B, T, F, h, w}, 3, sel.gzip_level), H5Dclose, "create");
    if (run.has_padding()) pad = std::make_unique<H5Id>(create_dataset(file, "padding", half, {S, B, H, F, h, w}, 3, sel.gzip_level), H5Dclose, "create");

    std::vector<uint8_t> flags;
    std::vector<std::string> missing;
    std::vector<uint16_t> buf(size_t(H * T) * L);
    const std::vector<uint16_t> zeros(L, 0);
    for (uint64_t si = 0; si < S; ++si) {
      for (uint64_t bi = 0; bi < B; ++bi) {
        const int s = steps[si], b = blocks[bi];
        const bool ready = run.ready(s, b);
        flags.push_back(ready ? 1 : 0);
        if (!ready) {
          missing.push_back(fmt::format("step {} block {}", m.capture.steps[size_t(s)], m.capture.blocks[size_t(b)]));
          continue;  // unwritten chunks read back as the fill value 0
        }
        for (uint64_t hd = 0; hd < H; ++hd)
          for (uint64_t ti = 0; ti < T; ++ti)
            std::memcpy(buf.data() + (hd * T + ti) * L, run.map(s, b, int(hd), tokens[ti]).data, L * 2);
        write_block(att, half, {si, bi, 0, 0, 0, 0, 0}, {1, 1, H, T, F, h, w}, buf.data(), "attention");
        if (hmean) {
          for (uint64_t ti = 0; ti < T; ++ti)
            std::memcpy(buf.data() + ti * L, run.head_mean(s, b, tokens[ti]).data, L * 2);
          write_block(*hmean, half, {si, bi, 0, 0, 0, 0}, {1, 1, T, F, h, w}, buf.data(), "head_mean");
        }
        if (pad) {
          for (uint64_t hd = 0; hd < H; ++hd)
            std::memcpy(buf.data() + hd * L, run.padding(s, b, int(hd)).data, L * 2);
          write_block(*pad, half, {si, bi, 0, 0, 0, 0}, {1, 1, H, F, h, w}, buf.data(), "padding");
        }
        if (progress && !progress(double(si * B + bi + 1) / double(S * B)))
          throw StoreError(StoreErrorKind::Io, fmt::format("export to '{}' was cancelled", out_path));
      }
    }
    write_whole(file, "progress", H5T_NATIVE_UINT8, {S, B}, flags.data(), 0, 0);
    attr_strings(file, "missing_slices", missing);

    std::vector<float> tm(size_t(T) * L);
    for (uint64_t ti = 0; ti < T; ++ti) {
      auto v = run.token_mean(tokens[ti]);
      std::copy(v.begin(), v.end(), tm.begin() + ti * L);
    }
    write_whole(file, "token_mean", H5T_NATIVE_FLOAT, {T, F, h, w}, tm.data(), 3, sel.gzip_level);

    if (sel.include_frames) {
      for (const char* name : {run_files::kFrames, run_files::kPreviews}) {
        auto arr = run.open_array(name);
        if (!arr || arr->header().dtype != DType::U8) continue;
        const std::string ds = std::filesystem::path(name).stem().string();
        write_whole(file, ds.c_str(), H5T_NATIVE_UINT8, arr->header().shape, arr->data(),
                    arr->header().shape.size() > 1 ? arr->header().shape.size() - 1 : 0, sel.gzip_level);
      }
    }
    ok = true;
  } catch (...) {
    std::filesystem::remove(tmp);
    throw;
  }
  if (ok) {
    std::error_code ec;
    std::filesystem::rename(tmp, out_path, ec);
    if (ec) throw StoreError(StoreErrorKind::Io, fmt::format("cannot rename '{}' to '{}': {}", tmp, out_path, ec.message()));
  }
  if (progress) progress(1.0);
}

}  // namespace wanattn
