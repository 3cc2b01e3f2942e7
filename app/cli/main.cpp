// `wanattn`: the command-line front of wanattn (generate, info, render, export, bench).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <exception>

#include "commands.h"
#include "core/store_error.h"
#include "model/torch_runtime.h"

#ifndef WANATTN_VERSION
#define WANATTN_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  CLI::App app{"wanattn: explore what Wan2.1 attends to while it generates"};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "Print the version and the torch/CUDA runtime");
  wanattn::cli::add_info_command(app);
  wanattn::cli::add_export_h5_command(app);
  wanattn::cli::add_bench_command(app);
#ifdef WANATTN_HAVE_PIPELINE
  wanattn::cli::add_generate_command(app);
  wanattn::cli::add_generate_bench(app);
  wanattn::cli::add_bend_bench(app);
#endif
#ifdef WANATTN_HAVE_RENDER
  wanattn::cli::add_render_command(app);
  wanattn::cli::add_export_command(app);
  wanattn::cli::add_render_bench(app);
#ifdef WANATTN_HAVE_PIPELINE
  wanattn::cli::add_sweep_command(app);
#endif
#endif
  try {
    app.parse(argc, argv);
    if (version) {
      fmt::print("wanattn {}\n{}\n", WANATTN_VERSION, wanattn::describe(wanattn::torch_runtime()));
      return 0;
    }
    if (app.get_subcommands().empty()) {
      fmt::print("{}", app.help());
      return 0;
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const wanattn::StoreError& e) {
    fmt::print(stderr, "wanattn: {} ({})\n", e.what(), wanattn::to_string(e.kind()));
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "wanattn: {}\n", e.what());
    return 1;
  }
  return 0;
}
