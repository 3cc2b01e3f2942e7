// The Wan2.1 DiT against diffusers' WanTransformer3DModel (tests/reference/dit_reference.py):
// tiny random configs, every weight layout, fp32 on the CPU, max relative error <= 1e-5,
// and the captured cross-attention maps against probabilities recomputed from diffusers'
// own q and k.
#include <torch/torch.h>

#include <filesystem>
#include <map>

#include "model/safetensors_file.h"
#include "model/wan_loader.h"
#include "model/wan_random_init.h"
#include "support/model_checks.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(WANATTN_DIT_FIXTURES);

using test::max_relative_error;

using test::MemorySink;

struct Fixture {
  std::shared_ptr<SafetensorsFile> io;
  at::Tensor latents, timesteps, context, velocity;
  std::vector<int64_t> lengths;
};

Fixture read_fixture(const std::string& config) {
  Fixture f;
  f.io = SafetensorsFile::open((kFixtures / config / "io.safetensors").string());
  f.latents = f.io->tensor("latents");
  f.timesteps = f.io->tensor("timesteps");
  f.context = f.io->tensor("context");
  f.velocity = f.io->tensor("velocity");
  const at::Tensor lengths = f.io->tensor("lengths");
  for (int64_t i = 0; i < lengths.size(0); ++i) f.lengths.push_back(lengths[i].item<int64_t>());
  return f;
}

bool have_fixtures() { return fs::exists(kFixtures / "multi" / "io.safetensors"); }

}  // namespace

TEST_CASE("Wan DiT equals diffusers in fp32 for every layout", "[parity]") {
  if (!have_fixtures()) WANATTN_SKIP("no DiT reference fixtures (fixture dit_reference did not run)");
  torch::InferenceMode guard;
  for (const char* config : {"spec7", "multi"}) {
    const Fixture f = read_fixture(config);
    const fs::path dir = kFixtures / config;
    const std::pair<fs::path, WanLayout> layouts[] = {
        {dir / "official", WanLayout::Official},
        {dir / "official" / "diffusion_pytorch_model.safetensors", WanLayout::Official},
        {dir / "diffusers", WanLayout::Diffusers},
        {dir / "diffusers" / "transformer", WanLayout::Diffusers},
        {dir / "comfy" / "wan_tiny_fp16.safetensors", WanLayout::Comfy},
    };
    for (const auto& [path, layout] : layouts) {
      INFO(config << " layout " << path.string());
      const WanCheckpoint ckpt = WanCheckpoint::open(path.string());
      CHECK(ckpt.layout() == layout);
      LoadReport report;
      WanModel model = load_wan_model(ckpt, default_module_options(at::kCPU), &report);
      CHECK(report.loaded == size_t(model->config().num_layers * 27 + 15));
      // Each prompt is prepared at its own real length, as the pipeline does.
      std::vector<at::Tensor> outs;
      for (int64_t b = 0; b < f.latents.size(0); ++b) {
        const WanText text = model->prepare_text(f.context.narrow(0, b, 1).narrow(1, 0, f.lengths[size_t(b)]));
        outs.push_back(model->forward(f.latents.narrow(0, b, 1), f.timesteps.narrow(0, b, 1), text));
      }
      const at::Tensor got = at::cat(outs);
      REQUIRE(got.sizes() == f.velocity.sizes());
      CHECK(max_relative_error(got, f.velocity) <= 1e-5);
      // The batch as one forward (all prompts padded to the longest) gives the same.
      const WanText batch_text = model->prepare_text(f.context);
      CHECK(max_relative_error(model->forward(f.latents, f.timesteps, batch_text), f.velocity) <= 1e-5);
    }
  }
}

TEST_CASE("the DiT config comes from the checkpoint's shapes", "[parity]") {
  if (!have_fixtures()) WANATTN_SKIP("no DiT reference fixtures");
  const WanConfig c = WanCheckpoint::open((kFixtures / "multi" / "diffusers").string()).config();
  CHECK(c.variant == "custom");
  CHECK(c.dim == 48);
  CHECK(c.num_heads == 3);
  CHECK(c.num_layers == 3);
  CHECK(c.ffn_dim == 80);
  CHECK(c.in_dim == 16);
  CHECK(c.text_dim == 32);
}

TEST_CASE("captured cross-attention equals diffusers' own softmax over all 512 positions", "[parity]") {
  if (!have_fixtures()) WANATTN_SKIP("no DiT reference fixtures");
  torch::InferenceMode guard;
  const Fixture f = read_fixture("multi");
  WanModel model = load_wan_model((kFixtures / "multi" / "official").string(), at::kCPU);
  const int64_t S = f.context.size(1);  // the fixture padded every prompt to the longest
  const WanText text = model->prepare_text(f.context.narrow(0, 0, 1).narrow(1, 0, S));
  MemorySink sink{int(S)};
  model->forward(f.latents.narrow(0, 0, 1), f.timesteps.narrow(0, 0, 1), text, {&sink, 7});
  REQUIRE(sink.maps.size() == size_t(model->config().num_layers));
  for (int block = 0; block < model->config().num_layers; ++block) {
    INFO("block " << block);
    const auto& [probs, padding] = sink.maps.at({7, block});
    const at::Tensor want = f.io->tensor("probs." + std::to_string(block))[0];       // [H, S, L]
    const at::Tensor want_pad = f.io->tensor("pad_mass." + std::to_string(block))[0];  // [H, L]
    REQUIRE(probs.sizes() == want.sizes());
    // float16 storage: half an ulp is 2^-11 relative.
    CHECK((probs - want).abs().max().item<double>() <= 1e-3 * want.abs().max().item<double>() + 1e-7);
    CHECK((padding - want_pad).abs().max().item<double>() <= 1e-3);
    // Real tokens plus padding make the whole softmax: nothing re-normalised.
    CHECK((probs.sum(1) + padding - 1).abs().max().item<double>() <= 2e-3);
  }
}

TEST_CASE("the patch embedding as one GEMM equals the checkpoint's Conv3d for any patch size", "[fast]") {
  // The inference path never runs the Conv3d (docs/dit.md); this is the check that the
  // patches and the weight are laid out the way the convolution reads them.
  torch::NoGradGuard no_grad;
  for (const std::array<int, 3> patch : {std::array<int, 3>{1, 2, 2}, {2, 3, 1}, {3, 1, 2}}) {
    WanConfig c;
    c.variant = "custom";
    c.dim = 24, c.ffn_dim = 32, c.freq_dim = 16, c.text_dim = 8, c.in_dim = 5, c.out_dim = 5;
    c.num_heads = 2, c.num_layers = 1, c.patch = patch;
    WanModel m(c, ModuleOptions{});
    wan_random_init(*m, 3);
    // Batch 3, and not contiguous (W and H swapped back from a transposed tensor).
    const at::Tensor latents = at::randn({3, c.in_dim, 6, 4 * patch[2], 2 * patch[1]}).transpose(3, 4);
    std::array<int64_t, 3> grid{};
    const at::Tensor got = m->patch_embed(latents, grid);
    const at::Tensor want = at::conv3d(latents, m->patch_weight, m->patch_bias, {patch[0], patch[1], patch[2]});
    CHECK(grid == std::array<int64_t, 3>{want.size(2), want.size(3), want.size(4)});
    CHECK(max_relative_error(got, want.flatten(2).transpose(1, 2)) <= 1e-6);
  }
}
