#include "demo_batches.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <nlohmann/json.hpp>

#include "model/demo_latent_encoder.h"
#include "model/demo_render.h"
#include "model/small_tensor.h"

namespace wanattn::train {

demo::SceneOptions scene_options(const TrainOptions& o) {
  demo::SceneOptions so;
  so.frames = o.frames;
  so.aspect = double(o.width) / o.height;
  return so;
}

demo::SceneOptions folder_world(const std::string& root, int frames, int width, int height) {
  demo::SceneOptions so;
  so.frames = frames;
  so.aspect = double(width) / height;
  const std::filesystem::path path = std::filesystem::path(root) / "wanattn.json";
  nlohmann::json world = nlohmann::json::object();
  if (std::ifstream in(path); in) {
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw std::runtime_error(path.string() + ": not valid JSON");
    world = j.value(nlohmann::json::json_pointer("/demo/world"), nlohmann::json::object());
  }
  so.same_colour = world.value("same_colour", 0.0);
  so.unnamed_colour = world.value("unnamed_colour", 0.0);
  so.shading = world.value("shading", 0.0);
  return so;
}

Batch DemoBatches::next(int n, const at::Tensor& mean, const at::Tensor& std, PhaseTimer& timer) {
  Batch b;
  const demo::SceneOptions so = scene_options(o_);
  for (int i = 0; i < n; ++i) b.scenes.push_back(demo::sample_scene(rng_, so));
  timer.mark("data: scenes drawn (host)");
  const auto& s = b.scenes;
  // Only the even frames: all the encoder reads (half the drawing).
  b.latents = (demo::encode_latents_of_even_frames(demo::render_clips(s, o_.frames, o_.height, o_.width, o_.device, 2)) - mean) / std;
  timer.mark("data: clips rendered + encoded (device)");
  std::vector<int64_t> ids(size_t(n) * kCaptionLength), mask(ids.size(), 0);
  for (int i = 0; i < n; ++i) {
    const bool drop = rng_.chance(o_.caption_dropout);
    const TokenizedPrompt t = tok_.encode(drop ? "" : s[size_t(i)].caption(), kCaptionLength);
    std::copy(t.ids.begin(), t.ids.end(), ids.begin() + i * kCaptionLength);
    std::fill_n(mask.begin() + i * kCaptionLength, t.real_tokens(), 1);
  }
  b.ids = to_device(at::tensor(ids, at::kLong).view({n, kCaptionLength}), o_.device);
  b.mask = to_device(at::tensor(mask, at::kLong).view({n, kCaptionLength}), o_.device);
  timer.mark("data: captions tokenized + uploaded");
  return b;
}

std::pair<at::Tensor, at::Tensor> latent_statistics(const TrainOptions& o, uint64_t seed) {
  demo::Rng rng(seed);
  const demo::SceneOptions so = scene_options(o);
  std::vector<at::Tensor> z;
  for (int chunk = 0; chunk < 8; ++chunk) {
    std::vector<demo::Scene> s;
    for (int i = 0; i < 32; ++i) s.push_back(demo::sample_scene(rng, so));
    z.push_back(demo::encode_latents(demo::render_clips(s, o.frames, o.height, o.width, o.device)).to(at::kDouble));
  }
  const at::Tensor all = at::cat(z).transpose(0, 1).flatten(1);  // [16, N]
  const at::Tensor mean = all.mean(1);
  const at::Tensor std = (all - mean.unsqueeze(1)).pow(2).mean(1).sqrt().clamp_min(1e-3);
  return {mean.to(at::kCPU), std.to(at::kCPU)};
}

}  // namespace wanattn::train
