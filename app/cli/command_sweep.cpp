// `wanattn sweep SWEEP.json`: a grid of bends x values x seeds (sweep_spec.h). Every cell is
// a run store OUT/runs/rowR_seedS (with video.mp4); OUT/contact_sheet.png shows one frame of
// every run (rows: baseline and each bend value, columns: seeds), OUT/contact_sheet.mp4 the
// same grid playing, OUT/sweep_index.json where everything is. One pipeline for all runs:
// the DiT, VAE and prompt embedding are loaded once. Built with the render layer.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgproc.hpp>

#include "commands.h"
#include "core/render/grid.h"
#include "core/render/mp4_writer.h"
#include "core/render/png_export.h"
#include "core/render/video_export.h"
#include "core/run_files.h"
#include "core/run_reader.h"
#include "generate_args.h"
#include "model/bend_json.h"
#include "model/wan_pipeline.h"
#include "sweep_spec.h"

namespace fs = std::filesystem;

namespace wanattn::cli {
namespace {

struct SweepArgs {
  std::string file, model, out, device;
  bool dry_run = false;
};

// A run's frames.npy, mapped (a sweep's videos need not fit in memory together).
struct RunFrames {
  MappedNpy npy;
  int frames = 0, height = 0, width = 0;
};

RunFrames open_frames(const std::string& run_dir) {
  auto npy = RunReader::open(run_dir).open_array(run_files::kFrames);
  if (!npy) throw std::runtime_error(fmt::format("{}: the run wrote no frames.npy", run_dir));
  const std::vector<uint64_t> sh = npy->header().shape;  // a copy: *npy is moved from below
  if (sh.size() != 4 || sh[3] != 3) throw std::runtime_error(fmt::format("{}: frames.npy is not [F, H, W, 3]", run_dir));
  return {std::move(*npy), int(sh[0]), int(sh[1]), int(sh[2])};
}

// uint8 [F, H, W, 3] RGB -> BGR frame f scaled to `width` pixels wide.
cv::Mat frame_cell(const RunFrames& v, int f, int width) {
  const int H = v.height, W = v.width;
  const cv::Mat rgb(H, W, CV_8UC3, const_cast<uint8_t*>(v.npy.data()) + size_t(f) * H * W * 3);
  cv::Mat bgr, out;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  const int height = std::max(1, int(std::lround(double(width) * H / W)));
  cv::resize(bgr, out, {width, height}, 0, 0, cv::INTER_AREA);
  return out;
}

render::GridSpec sheet(const SweepSpec& s, const std::string& title, const std::vector<std::vector<RunFrames>>& frames, int f) {
  render::GridSpec g;
  g.title = title;
  g.subtitle = fmt::format("frame {} | rows: bend and value | columns: seed", f);
  g.rows = int(s.rows.size());
  g.cols = int(s.seeds.size());
  for (const auto& r : s.rows) g.row_labels.push_back(r.label);
  for (uint64_t seed : s.seeds) g.col_labels.push_back(fmt::format("seed {}", seed));
  for (const auto& row : frames)
    for (const RunFrames& v : row) g.cells.push_back({frame_cell(v, std::min(f, v.frames - 1), s.cell_width), false});
  return g;
}

void run_sweep(const SweepArgs& a) {
  SweepSpec s = load_sweep(a.file);
  if (!a.model.empty()) s.gen.model = a.model;
  if (!a.out.empty()) s.gen.out = a.out;
  if (!a.device.empty()) s.gen.device = a.device;
  if (s.gen.out.empty()) throw std::invalid_argument(fmt::format("{}: say where the sweep goes (\"out\" or --out)", a.file));
  const size_t runs = s.rows.size() * s.seeds.size();
  fmt::print("sweep {}: {} rows x {} seeds = {} runs into {}\n", a.file, s.rows.size(), s.seeds.size(), runs, s.gen.out);
  for (size_t r = 0; r < s.rows.size(); ++r) {
    fmt::print("  row {}: {}\n", r, s.rows[r].label);
    for (const auto& b : s.rows[r].bends.bends) fmt::print("      {}\n", bend_summary(b));
  }
  if (a.dry_run) return;
  if (fs::exists(s.gen.out) && !fs::is_empty(s.gen.out))
    throw std::invalid_argument(fmt::format("{} exists and is not empty; choose another \"out\"", s.gen.out));
  fs::create_directories(fs::path(s.gen.out) / "runs");

  PipelineOptions options = pipeline_options(s.gen);
  options.keep_text_encoder = true;  // one prompt for every run: encode once
  WanPipeline pipeline(find_wan_model_folder(s.gen.model, s.gen.parts), options);
  nlohmann::json index = {{"sweep", fs::absolute(a.file).string()}, {"rows", nlohmann::json::array()}, {"seeds", s.seeds}};
  std::vector<std::vector<RunFrames>> frames(s.rows.size());
  size_t done = 0;
  for (size_t r = 0; r < s.rows.size(); ++r) {
    nlohmann::json row = {{"label", s.rows[r].label}, {"bends", bend_set_to_json(s.rows[r].bends)["bends"]}, {"runs", nlohmann::json::array()}};
    for (uint64_t seed : s.seeds) {
      GenerateArgs g = s.gen;
      g.seed = seed;
      g.out = (fs::path(s.gen.out) / "runs" / fmt::format("row{}_seed{}", r, seed)).string();
      GenerateRequest rq = generate_request(g, pipeline.defaults());
      rq.bends = constant_bends(s.rows[r].bends);
      const GenerateResult res = pipeline.generate(rq);
      frames[r].push_back(open_frames(g.out));
      std::string mp4;
      if (s.mp4) {
        mp4 = g.out + "/video.mp4";
        render::export_generated_mp4(RunReader::open(g.out), mp4, render::Mp4Options{});
      }
      row["runs"].push_back({{"seed", seed}, {"run", g.out}, {"mp4", mp4}});
      fmt::print("  [{}/{}] {} seed {}: {:.1f} s\n", ++done, runs, s.rows[r].label, seed, res.timings.at("total"));
    }
    index["rows"].push_back(row);
  }

  const int F = frames[0][0].frames;
  const int f = sweep_frame_index(s.frame, F);
  const std::string title = fmt::format("wanattn sweep: {}", fs::path(a.file).filename().string());
  const std::string png = (fs::path(s.gen.out) / "contact_sheet.png").string();
  render::write_png(png, render::compose_grid(sheet(s, title, frames, f)).image);
  index["contact_sheet"] = png;
  fmt::print("wrote {}\n", png);
  if (s.mp4) {
    const std::string mp4 = (fs::path(s.gen.out) / "contact_sheet.mp4").string();
    std::unique_ptr<render::Mp4Writer> writer;
    for (int k = 0; k < F; ++k) {
      const cv::Mat img = render::compose_grid(sheet(s, title, frames, k)).image;
      if (!writer) writer = std::make_unique<render::Mp4Writer>(mp4, img.size(), render::Mp4Options{});
      writer->add(img);
    }
    writer->finish();
    index["contact_sheet_mp4"] = mp4;
    fmt::print("wrote {}\n", mp4);
  }
  std::ofstream(fs::path(s.gen.out) / "sweep_index.json") << index.dump(2) << "\n";
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand("sweep", "Run a grid of bends x values x seeds; write a contact sheet and MP4s");
  cmd->add_option("sweep", a->file, "Sweep file (JSON, docs/bending.md)")->required();
  cmd->add_option("--model", a->model, "Model folder (overrides the file's \"model\")");
  cmd->add_option("--out", a->out, "Output directory (overrides the file's \"out\")");
  cmd->add_option("--device", a->device, "auto, cuda, cuda:N or cpu (overrides generate.device)");
  cmd->add_flag("--dry-run", a->dry_run, "Only read the file and list the runs");
  cmd->callback([a] { run_sweep(*a); });
}

}  // namespace wanattn::cli
