// `wanattn bench ...`: benchmark programs. Results go to docs/benchmarks.md by hand, with
// the device, the commit and the exact command; tests never assert on timings.
#include "commands.h"

namespace wanattn::cli {

void add_bench_store(CLI::App& bench);
void add_bench_umt5(CLI::App& bench);
void add_bench_dit(CLI::App& bench);
void add_bench_vae(CLI::App& bench);

void add_bench_command(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Benchmark programs");
  bench->require_subcommand(1);
  add_bench_store(*bench);
  add_bench_umt5(*bench);
  add_bench_dit(*bench);
  add_bench_vae(*bench);
}

}  // namespace wanattn::cli
