// `wanattn export RUN --mp4 video|overlay|evolution -o out.mp4` and
// `wanattn export RUN --h5 -o out.h5`: the video exports and the maps as HDF5, with a
// progress line. Every file is written to a temporary name and moved into place when
// complete, so an interrupted export never leaves half a file or destroys an earlier one.
#include <fmt/format.h>

#include <memory>

#include "command_render_args.h"
#include "commands.h"
#include "core/render/h5_export.h"
#include "core/render/render_error.h"

namespace wanattn::cli {
namespace {

struct ExportArgs {
  std::string run, out, mp4;
  bool h5 = false, no_frames = false, no_captions = false;
  std::string token;
  AxisArgs axes;
  LookArgs look;
  render::Mp4Options video;
  int frames_per_step = 4, frame = 0, gzip = 4;
  std::vector<int> h5_tokens;
};

void export_h5(const RunReader& run, const ExportArgs& a) {
  Hdf5Selection sel;
  const auto& m = run.manifest();
  // Default all steps and blocks for HDF5 (the axis defaults of the videos do not apply).
  const bool default_steps = a.axes.steps == std::vector<std::string>{"last"};
  const bool default_blocks = a.axes.blocks == std::vector<std::string>{"mean"};
  sel.steps = default_steps ? std::vector<int>{} : parse_steps(m, a.axes.steps);
  sel.blocks = default_blocks ? std::vector<int>{} : parse_blocks(m, a.axes.blocks);
  sel.tokens = a.h5_tokens;
  if (!a.token.empty()) sel.tokens = render::resolve_token(m, a.token, run.has_padding()).tokens;
  sel.include_frames = !a.no_frames;
  sel.gzip_level = a.gzip;
  render::export_h5(run, a.out, sel, progress_line("exporting HDF5"));
  fmt::print("wrote {}\n", a.out);
}

void export_mp4(const RunReader& run, const ExportArgs& a) {
  const auto& m = run.manifest();
  const render::Look look = a.look.look();
  render::VideoResult r;
  if (a.mp4 == "video") {
    r = render::export_generated_mp4(run, a.out, a.video, progress_line("encoding the video"));
  } else {
    if (a.token.empty())
      throw render::RenderError(render::RenderErrorKind::BadSelection, fmt::format("--mp4 {} needs --token WORD", a.mp4));
    const render::TokenSet token = render::resolve_token(m, a.token, run.has_padding());
    const auto blocks = parse_blocks(m, a.axes.blocks);
    const auto heads = parse_heads(run, a.axes.heads);
    if (a.mp4 == "overlay") {
      r = render::export_overlay_mp4(run, {token, parse_steps(m, a.axes.steps), blocks, heads}, look, a.out, a.video,
                                     !a.no_captions, progress_line("encoding the overlay"));
    } else if (a.mp4 == "evolution") {
      render::EvolutionOptions evo{a.frame, a.frames_per_step, blocks, heads, !a.no_captions};
      r = render::export_evolution_mp4(run, token, evo, look, a.out, a.video, progress_line("encoding the evolution"));
    } else {
      throw render::RenderError(render::RenderErrorKind::BadSelection,
                                fmt::format("unknown --mp4 kind '{}' (video, overlay, evolution)", a.mp4));
    }
  }
  warn_missing(run, r.missing);
  fmt::print("wrote {} ({} frames, {}, {} fps)\n", a.out, r.frames, r.codec, a.video.fps);
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("export", "Export a run as MP4 (video, token overlay, evolution) or HDF5 (docs/render.md)");
  auto a = std::make_shared<ExportArgs>();
  cmd->add_option("run", a->run, "Run directory")->required();
  cmd->add_option("-o,--out", a->out, "Output file (.mp4 or .h5)")->required();
  cmd->add_option("--mp4", a->mp4, "video (the generated frames), overlay (a token over every frame), "
                                   "evolution (a token's map over the diffusion steps, then across the frames)");
  cmd->add_flag("--h5", a->h5, "The selected maps, aggregates and frames as one HDF5 file");
  cmd->add_option("--token", a->token, "Word (pieces summed), #N, piece:TEXT, eos, padding");
  add_axis_options(cmd, a->axes, "Overlay step(s): model step numbers, first, mid, last, or mean (default last); HDF5: steps to export");
  add_look_options(cmd, a->look);
  cmd->add_option("--fps", a->video.fps, "Frames per second")->capture_default_str();
  cmd->add_option("--crf", a->video.crf, "H.264 quality, 0 (best) .. 51")->check(CLI::Range(0, 51))->capture_default_str();
  cmd->add_option("--codec", a->video.codec, "h264 or mpeg4 (default: h264 when available)");
  cmd->add_option("--frames-per-step", a->frames_per_step, "Evolution: video frames each diffusion step is shown")
      ->capture_default_str();
  cmd->add_option("--frame", a->frame, "Evolution: the video frame the steps are shown on")->capture_default_str();
  cmd->add_flag("--no-captions", a->no_captions, "Leave out the token/step/frame captions");
  cmd->add_option("--tokens", a->h5_tokens, "HDF5: stored token indices to export (default all)")->delimiter(',');
  cmd->add_option("--gzip", a->gzip, "HDF5: gzip level 0-9")->check(CLI::Range(0, 9));
  cmd->add_flag("--no-frames", a->no_frames, "HDF5: leave out the frames and previews");
  cmd->callback([a] {
    if (a->h5 == !a->mp4.empty())
      throw render::RenderError(render::RenderErrorKind::BadSelection, "choose one of --mp4 KIND or --h5");
    const RunReader run = RunReader::open(a->run);
    if (a->h5)
      export_h5(run, *a);
    else
      export_mp4(run, *a);
  });
}

}  // namespace wanattn::cli
