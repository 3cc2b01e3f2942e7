// Export of a run (or a selection of it) to one HDF5 file that h5py reads directly:
// float16 datasets (h5py maps HDF5's 16-bit IEEE float to numpy float16), chunked and
// gzip-compressed, manifest fields as attributes. Runs on an export job thread.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/run_reader.h"

namespace wanattn {

struct Hdf5Selection {
  std::vector<int> steps;   // store step indices; empty = all
  std::vector<int> blocks;  // store block indices; empty = all
  std::vector<int> tokens;  // store token indices; empty = all
  bool include_frames = true;
  int gzip_level = 4;
};

// progress(fraction in 0..1) is called as slices are written; returning false cancels
// (the partial file is removed). Slices whose progress flag is not set are written as
// zeros and listed in the `missing_slices` attribute, so a partial run exports too.
void export_run_hdf5(const RunReader& run, const std::string& out_path, const Hdf5Selection& sel = {},
                     const std::function<bool(double)>& progress = {});

}  // namespace wanattn
