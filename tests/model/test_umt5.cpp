// UMT5 encoder against transformers' UMT5EncoderModel (tests/reference/umt5_reference.py):
// tiny random configs, every weight layout, fp32 on the CPU, max relative error <= 1e-5.
#include <torch/torch.h>

#include <filesystem>

#include "model/safetensors_file.h"
#include "model/umt5_attention.h"
#include "model/umt5_loader.h"
#include "support/model_checks.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(WANATTN_TEXT_FIXTURES) / "umt5";

using test::max_relative_error;

}  // namespace

TEST_CASE("relative position buckets match the spec's table", "[fast]") {
  // 32 buckets, max distance 128: |rel| 0-7 exact, 8-11 -> 8, ..., >= 91 -> 15 (spec 2.2).
  const at::Tensor b = umt5_relative_buckets(1, 300, 32, 128, at::kCPU).squeeze(0);  // rel = j
  const std::pair<int, int> table[] = {{0, 0}, {7, 7}, {8, 8}, {11, 8}, {12, 9}, {15, 9}, {16, 10}, {22, 10},
                                       {23, 11}, {31, 11}, {32, 12}, {45, 12}, {46, 13}, {63, 13}, {64, 14},
                                       {90, 14}, {91, 15}, {299, 15}};
  for (auto [n, off] : table) {
    INFO("distance " << n);
    CHECK(b[n].item<int64_t>() == 16 + off - (n == 0 ? 16 : 0));  // keys after the query: upper half
  }
  const at::Tensor back = umt5_relative_buckets(300, 1, 32, 128, at::kCPU).squeeze(1);  // rel = -i
  CHECK(back[5].item<int64_t>() == 5);
  CHECK(back[100].item<int64_t>() == 15);
}

TEST_CASE("UMT5 encoder equals transformers in fp32 for every layout", "[parity]") {
  if (!fs::exists(kFixtures / "small" / "expected.safetensors"))
    WANATTN_SKIP("no UMT5 reference fixtures (fixture umt5_reference did not run)");
  torch::InferenceMode guard;
  int single_files = 0;
  for (const char* config : {"small", "wide_inner", "deep"}) {
    const fs::path dir = kFixtures / config;
    const auto expected = SafetensorsFile::open((dir / "expected.safetensors").string());
    const at::Tensor ids = expected->tensor("ids"), mask = expected->tensor("mask"), want = expected->tensor("hidden");
    for (const fs::path& layout : {dir / "diffusers", dir / "diffusers" / "text_encoder", dir / "comfy_fp16.safetensors",
                                   dir / "official.safetensors", dir / "official.pth"}) {
      INFO("layout " << layout.string());
      if (!fs::exists(layout) && layout.string().find("diffusers") == std::string::npos) continue;  // see the script
      if (layout.extension() == ".pth") {  // the converted file beside it is used
        CHECK(find_umt5_weights(layout.string()).weights == (dir / "official.safetensors").string());
        ++single_files;
        continue;
      }
      LoadedUMT5 enc = load_umt5_encoder(layout.string(), UMT5Options::for_device(at::kCPU));
      CHECK(enc.report.loaded == size_t(enc.model->config().num_layers * 10 + 2));
      const at::Tensor got = enc.model->forward(ids, mask);
      REQUIRE(got.sizes() == want.sizes());
      CHECK(max_relative_error(got, want) <= 1e-5);
      // Padding rows are exactly zero.
      CHECK(got.masked_select((mask == 0).unsqueeze(-1).expand_as(got)).abs().max().item<float>() == 0.0f);
    }
  }
  CHECK(single_files == 2);  // small and wide_inner have the single-file layouts
}

TEST_CASE("the encoder's config comes from the checkpoint's shapes", "[parity]") {
  if (!fs::exists(kFixtures / "wide_inner" / "comfy_fp16.safetensors")) WANATTN_SKIP("no UMT5 reference fixtures");
  const LoadedUMT5 enc =
      load_umt5_encoder((kFixtures / "wide_inner" / "comfy_fp16.safetensors").string(), UMT5Options::for_device(at::kCPU));
  const UMT5Config& c = enc.model->config();
  CHECK(c.d_model == 48);
  CHECK(c.num_heads == 6);
  CHECK(c.d_kv == 16);
  CHECK(c.d_ff == 64);
  CHECK(c.num_layers == 2);
  CHECK(c.num_buckets == 32);
  CHECK(enc.keys.prefix == "text_encoders.umt5xxl.transformer.");
  CHECK(enc.model->parameters().front().scalar_type() == at::kFloat);  // fp16 file, fp32 on the CPU
}

TEST_CASE("UMT5 with bf16 weights: an fp32 residual stream is closer to fp32 than the references' bf16 one", "[fast]") {
  if (!fs::exists(kFixtures / "small" / "expected.safetensors")) WANATTN_SKIP("no UMT5 reference fixtures");
  torch::InferenceMode guard;
  const fs::path dir = kFixtures / "wide_inner";
  const auto expected = SafetensorsFile::open((dir / "expected.safetensors").string());
  double err[2] = {0, 0};
  for (int fp32_stream = 0; fp32_stream < 2; ++fp32_stream) {
    UMT5Options o{at::kCPU, at::kBFloat16};
    o.fp32_residual = fp32_stream == 1;
    LoadedUMT5 enc = load_umt5_encoder((dir / "official.safetensors").string(), o);
    const at::Tensor got = enc.model->forward(expected->tensor("ids"), expected->tensor("mask"));
    CHECK(got.scalar_type() == at::kBFloat16);  // the output keeps the weights' dtype either way
    err[fp32_stream] = max_relative_error(got.to(at::kFloat), expected->tensor("hidden"));
  }
  CHECK(err[0] <= 3e-2);
  CHECK(err[1] <= err[0]);
  CHECK(err[1] <= 1.5e-2);
}

TEST_CASE("UMT5 in bf16 on CUDA stays within bf16 rounding of fp32", "[gpu]") {
  if (!torch::cuda::is_available()) WANATTN_SKIP("no CUDA device");
  if (!fs::exists(kFixtures / "small" / "expected.safetensors")) WANATTN_SKIP("no UMT5 reference fixtures");
  torch::InferenceMode guard;
  const fs::path dir = kFixtures / "wide_inner";
  const auto expected = SafetensorsFile::open((dir / "expected.safetensors").string());
  LoadedUMT5 enc = load_umt5_encoder((dir / "official.safetensors").string(), UMT5Options::for_device(at::kCUDA));
  CHECK(enc.model->parameters().front().scalar_type() == at::kBFloat16);
  const at::Tensor got = enc.model->forward(expected->tensor("ids"), expected->tensor("mask")).cpu();
  CHECK(max_relative_error(got, expected->tensor("hidden")) <= 3e-2);  // bf16 weights and matmuls vs fp32
}
