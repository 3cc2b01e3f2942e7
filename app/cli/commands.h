// Subcommands of the `wanattn` CLI. Each registers itself on the CLI11 app and runs when
// chosen; errors are exceptions, turned into a message and exit code 1 by main().
#pragma once
#include <CLI/CLI.hpp>

namespace wanattn::cli {

void add_info_command(CLI::App& app);
void add_export_h5_command(CLI::App& app);
void add_bench_command(CLI::App& app);
// generate and bench generate (built with the tokenizer, WANATTN_HAVE_PIPELINE).
void add_generate_command(CLI::App& app);
void add_generate_bench(CLI::App& app);  // adds `bench generate`; after add_bench_command
// Render/export (built when wanattn_render is, i.e. not with WANATTN_GPU_ONLY).
void add_render_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_render_bench(CLI::App& app);  // adds `bench render`; after add_bench_command
// Bending: `bench bend` (with the pipeline), `sweep` (with the pipeline and the render layer).
void add_bend_bench(CLI::App& app);  // adds `bench bend`; after add_bench_command
void add_sweep_command(CLI::App& app);

}  // namespace wanattn::cli
