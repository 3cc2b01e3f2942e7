// The Wan2.1 VAE decoder against diffusers' AutoencoderKLWan (tests/reference/vae_reference.py):
// tiny random configs, every layout, fp32 on the CPU, max relative error <= 1e-5; broken and
// unconverted checkpoints get named errors.
#include <torch/torch.h>

#include <filesystem>

#include "model/fused_ops.h"
#include "model/safetensors_file.h"
#include "model/wan_vae_loader.h"
#include "model/weight_error.h"
#include "support/temp_dir.h"
#include "support/model_checks.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(WANATTN_VAE_FIXTURES);

using test::max_relative_error;

std::string load_error(const std::string& path) {
  try {
    load_wan_vae(path, at::kCPU);
  } catch (const WeightError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("VAE decoder equals diffusers in fp32 for every layout", "[parity]") {
  if (!fs::exists(kFixtures / "wider" / "io.safetensors")) WANATTN_SKIP("no VAE reference fixtures (fixture vae_reference did not run)");
  torch::InferenceMode guard;
  for (const char* config : {"spec7", "wider"}) {
    const fs::path dir = kFixtures / config;
    const auto io = SafetensorsFile::open((dir / "io.safetensors").string());
    const at::Tensor z = io->tensor("z"), want = io->tensor("video");
    for (const fs::path& layout : {dir / "diffusers", dir / "diffusers" / "vae", dir / "official",
                                   dir / "official" / "Wan2.1_VAE.safetensors"}) {
      INFO(config << " layout " << layout.string());
      LoadedVae vae = load_wan_vae(layout.string(), at::kCPU);
      CHECK(vae.diffusers == (layout.string().find("diffusers") != std::string::npos));
      CHECK(!vae.report.dropped.empty());  // the encoder's tensors, skipped on purpose
      const at::Tensor got = vae.model->decode(z);
      REQUIRE(got.sizes() == want.sizes());
      CHECK(max_relative_error(got, want) <= 1e-5);
    }
  }
}

TEST_CASE("decoded frames: 1 + 4(F'-1) frames, 8x the latent size, uint8 in RGB order", "[parity]") {
  if (!fs::exists(kFixtures / "spec7" / "io.safetensors")) WANATTN_SKIP("no VAE reference fixtures");
  torch::InferenceMode guard;
  LoadedVae vae = load_wan_vae((kFixtures / "spec7" / "diffusers").string(), at::kCPU);
  const at::Tensor video = vae.model->decode(at::randn({1, 16, 5, 2, 3}));
  CHECK(video.sizes() == at::IntArrayRef({1, 3, 17, 16, 24}));
  CHECK(video.min().item<float>() >= -1.0f);
  CHECK(video.max().item<float>() <= 1.0f);
  const at::Tensor frames = video_to_uint8(video);
  CHECK(frames.sizes() == at::IntArrayRef({1, 17, 16, 24, 3}));
  CHECK(frames.scalar_type() == at::kByte);
  const float v = video[0][1][3][4][5].item<float>();
  CHECK(frames[0][3][4][5][1].item<int>() == int(std::lround((v / 2 + 0.5) * 255)));
}

TEST_CASE("a VAE .pth without its converted file says how to convert it", "[fast]") {
  if (!fs::exists(kFixtures / "spec7" / "official_pth")) WANATTN_SKIP("no VAE reference fixtures");
  const std::string pth = (kFixtures / "spec7" / "official_pth" / "Wan2.1_VAE.pth").string();
  for (const std::string& path : {pth, (kFixtures / "spec7" / "official_pth").string()}) {
    const std::string msg = load_error(path);
    CHECK_THAT(msg, ContainsSubstring("tools/convert_pth.py " + pth));
  }
}

TEST_CASE("broken VAE checkpoints name the tensor, the shapes and the file", "[fast]") {
  if (!fs::exists(kFixtures / "spec7" / "official")) WANATTN_SKIP("no VAE reference fixtures");
  test::TempDir dir("vae-broken");
  const auto src = SafetensorsFile::open((kFixtures / "spec7" / "official" / "Wan2.1_VAE.safetensors").string());
  std::vector<std::pair<std::string, at::Tensor>> t;
  for (const auto& [name, e] : src->entries()) {
    if (name == "decoder.middle.1.proj.bias") continue;
    t.emplace_back(name, name == "decoder.head.2.weight" ? at::zeros({3, 3, 3, 3, 2}) : src->tensor(name).clone());
  }
  t.emplace_back("decoder.head.3.weight", at::zeros({2}));
  fs::create_directories(dir.sub("vae"));
  fs::copy_file(kFixtures / "spec7" / "official" / "config.json", dir.sub("vae/config.json"));
  const std::string file = dir.sub("vae/Wan2.1_VAE.safetensors");
  write_safetensors(file, t);
  const std::string msg = load_error(dir.sub("vae"));
  INFO(msg);
  CHECK_THAT(msg, ContainsSubstring("missing: 'decoder.middle.1.proj.bias' (expected shape [3])"));
  CHECK_THAT(msg, ContainsSubstring("wrong shape: 'decoder.head.2.weight' expects [3, 3, 3, 3, 3]"));
  CHECK_THAT(msg, ContainsSubstring("unexpected: 'decoder.head.3.weight' [2]"));
  CHECK_THAT(msg, ContainsSubstring(file));
  // Truncated, not a VAE, nothing there.
  const std::string cut = dir.sub("cut.safetensors");
  fs::copy_file(kFixtures / "spec7" / "official" / "Wan2.1_VAE.safetensors", cut);
  fs::resize_file(cut, fs::file_size(cut) - 64);
  CHECK_THAT(load_error(cut), ContainsSubstring(cut));
  const std::string other = dir.sub("dit.safetensors");
  write_safetensors(other, {{"patch_embedding.weight", at::zeros({4, 4})}});
  CHECK_THAT(load_error(other), ContainsSubstring("does not look like a Wan2.1 VAE"));
  fs::create_directories(dir.sub("empty"));
  CHECK_THAT(load_error(dir.sub("empty")), ContainsSubstring("no VAE here"));
}

TEST_CASE("VAE RMS norm + SiLU: the fused CUDA kernel equals the libtorch ops, channels-last, fp32 and bf16", "[gpu]") {
  if (!torch::cuda::is_available()) WANATTN_SKIP("no CUDA device");
  if (!fused_ops_available()) WANATTN_SKIP("built without the CUDA kernels");
  torch::InferenceMode guard;
  for (const auto dtype : {at::kFloat, at::kBFloat16}) {
    for (const int64_t C : {96, 384, 3}) {
      for (const bool silu : {false, true}) {
        const auto o = at::TensorOptions().device(at::kCUDA).dtype(dtype);
        const at::Tensor x = (at::randn({2, C, 3, 10, 12}, o) * 3).contiguous(at::MemoryFormat::ChannelsLast3d);
        const at::Tensor gamma = (1 + 0.2 * at::randn({C, 1, 1, 1}, o));
        set_fused_ops_enabled(false);
        const at::Tensor want = vae_rms_norm(x, gamma, silu);
        set_fused_ops_enabled(true);
        const at::Tensor got = vae_rms_norm(x, gamma, silu);
        INFO("dtype " << dtype << " C " << C << " silu " << silu);
        CHECK(got.is_contiguous(at::MemoryFormat::ChannelsLast3d));
        // fp32: reduction order only; bf16: at most one rounding step of a value
        const double tol = dtype == at::kFloat ? 1e-5 : 8e-3;
        CHECK(test::max_relative_error(got.to(at::kFloat), want.to(at::kFloat)) <= tol);
      }
    }
  }
}
