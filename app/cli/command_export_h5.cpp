// `wanattn export-h5 RUN OUT.h5`: the run (or a selection) as one HDF5 file for h5py.
#include <fmt/format.h>

#include <cstdio>

#include "commands.h"
#include "core/hdf5_export.h"

namespace wanattn::cli {

void add_export_h5_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("export-h5", "Export a run's maps, aggregates and frames to HDF5");
  struct Args {
    std::string run, out;
    Hdf5Selection sel;
    bool no_frames = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("run", a->run, "Run directory")->required();
  cmd->add_option("out", a->out, "Output .h5 file")->required();
  cmd->add_option("--steps", a->sel.steps, "Store step indices to export (default all)")->delimiter(',');
  cmd->add_option("--blocks", a->sel.blocks, "Store block indices to export (default all)")->delimiter(',');
  cmd->add_option("--tokens", a->sel.tokens, "Token indices to export (default all)")->delimiter(',');
  cmd->add_option("--gzip", a->sel.gzip_level, "gzip level 0-9 (0 = uncompressed)")->check(CLI::Range(0, 9));
  cmd->add_flag("--no-frames", a->no_frames, "Leave out the decoded frames and previews");
  cmd->callback([a] {
    a->sel.include_frames = !a->no_frames;
    const RunReader run = RunReader::open(a->run);
    int last = -1;
    export_run_hdf5(run, a->out, a->sel, [&](double f) {
      const int pct = int(f * 100);
      if (pct != last) {
        fmt::print(stderr, "\rexporting {:3d}%", pct);
        last = pct;
      }
      return true;
    });
    fmt::print(stderr, "\n");
    fmt::print("wrote {}\n", a->out);
  });
}

}  // namespace wanattn::cli
