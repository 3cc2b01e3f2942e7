#include "demo_diagnose.h"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <torch/torch.h>

#include <fstream>

#include "demo_batches.h"
#include "model/demo_latent_encoder.h"
#include "model/demo_render.h"
#include "model/demo_scene.h"
#include "model/prompt_encoder.h"
#include "model/wan_checkpoint.h"
#include "model/wan_loader.h"
#include "model/wan_model_folder.h"
#include "model/wan_vae_loader.h"

namespace wanattn::train {

void diagnose_demo(const std::string& model_dir, const std::string& ppm, int n, uint64_t seed, at::Device device,
                   std::ostream& log) {
  torch::InferenceMode guard;
  const WanModelFolder f = find_wan_model_folder(model_dir);
  WanModel dit = load_wan_model(WanCheckpoint::open(f.parts.transformer), default_module_options(device));
  WanVae vae = load_wan_vae(f.parts.vae, device).model;
  PromptEncoderOptions eo;
  eo.encoder_path = f.parts.text_encoder;
  eo.device = device;
  eo.keep_loaded = true;
  PromptEncoder encoder(T5Tokenizer::from_folder(f.parts.tokenizer), eo);
  const int H = f.defaults.height, W = f.defaults.width, F = f.defaults.frames;
  const auto& cfg = vae->config();
  const auto opts = at::TensorOptions().device(device).dtype(at::kFloat);
  const at::Tensor mean = at::tensor(cfg.latents_mean, at::kDouble).to(opts).view({1, -1, 1, 1, 1});
  const at::Tensor std = at::tensor(cfg.latents_std, at::kDouble).to(opts).view({1, -1, 1, 1, 1});
  demo::Rng rng(seed);
  const demo::SceneOptions so = folder_world(f.root, F, W, H);  // the world it was trained in
  at::Generator gen = at::detail::createCPUGenerator(seed);
  std::vector<at::Tensor> rows;
  for (int i = 0; i < n; ++i) {
    const demo::Scene s = demo::sample_scene(rng, so);
    const at::Tensor clip = demo::render_clips({s}, F, H, W, device);
    const at::Tensor z = (demo::encode_latents(clip) - mean) / std;
    std::vector<at::Tensor> videos{clip, vae->decode(z)};
    const auto text = encoder.encode({s.caption()});
    const WanText txt = dit->prepare_text(text[0].context.unsqueeze(0));
    std::string errors = fmt::format("decoder L1 {:.3f}", (videos[1] - clip).abs().mean().item<double>());
    for (double sigma : {0.3, 0.6, 0.9}) {
      const at::Tensor eps = at::randn(z.sizes(), gen, at::kFloat).to(device);
      const at::Tensor xt = (1 - sigma) * z + sigma * eps;
      const at::Tensor v = dit->forward(xt, at::full({1}, sigma * 1000, opts), txt);
      const at::Tensor x0 = xt - sigma * v;
      errors += fmt::format(", x0 MSE at sigma {:.1f}: {:.3f}", sigma, (x0 - z).pow(2).mean().item<double>());
      videos.push_back(vae->decode(x0));
    }
    fmt::print(log, "{:>2}: {}\n    {}\n", i, s.caption(), errors);
    std::vector<at::Tensor> cols;
    for (const auto& v : videos) {
      const at::Tensor u8 = video_to_uint8(v)[0].to(at::kCPU);  // [F, H, W, 3]
      for (int c = 0; c < 5; ++c) cols.push_back(u8[c * (F - 1) / 4]);
    }
    rows.push_back(at::cat(cols, 1));
  }
  const at::Tensor sheet = at::cat(rows, 0).contiguous();
  std::ofstream out(ppm, std::ios::binary);
  out << "P6\n" << sheet.size(1) << " " << sheet.size(0) << "\n255\n";
  out.write(reinterpret_cast<const char*>(sheet.data_ptr<uint8_t>()), std::streamsize(sheet.numel()));
  fmt::print(log, "wrote {} (columns: truth, decoded latents, x0 at sigma 0.3, 0.6, 0.9; five frames each)\n", ppm);
}

}  // namespace wanattn::train
