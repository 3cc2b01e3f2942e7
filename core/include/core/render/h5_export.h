// HDF5 export (core/hdf5_export.h) written like every other export: into a temporary
// file that replaces the target only when complete, so a failure, a full disk or a cancel
// leaves an earlier file of the same name intact.
#pragma once
#include <string>

#include "core/hdf5_export.h"

namespace wanattn::render {

void export_h5(const RunReader& run, const std::string& path, const Hdf5Selection& sel = {},
               const std::function<bool(double)>& progress = {});

}  // namespace wanattn::render
