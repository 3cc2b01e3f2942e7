#include "core/render/h5_export.h"

#include "core/render/output_file.h"

namespace wanattn::render {

void export_h5(const RunReader& run, const std::string& path, const Hdf5Selection& sel,
               const std::function<bool(double)>& progress) {
  OutputFile out(path);
  // HDF5 re-creates the temporary file by name (O_TRUNC keeps the inode, so our descriptor
  // still syncs it); on any exception OutputFile removes it.
  export_run_hdf5(run, out.temp_path(), sel, progress);
  out.commit();
}

}  // namespace wanattn::render
