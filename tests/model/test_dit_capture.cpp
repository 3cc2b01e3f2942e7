// Capture correctness: what lands in the run store is the model's own cross-attention
// softmax. The test recomputes softmax(q k^T / sqrt(d)) over all 512 text positions from
// the block's own q and k (in float64, independently of the capture code) and compares it
// with the maps read back from the store; plus selection, head-mean, and a writer failure.
#include <torch/torch.h>

#include <cerrno>
#include <filesystem>
#include <numeric>

#include "core/run_reader.h"
#include "core/store_error.h"
#include "model/capture_writer.h"
#include "model/rope.h"
#include "model/sinusoidal_embedding.h"
#include "model/wan_loader.h"
#include "support/model_checks.h"
#include "support/synthetic_run.h"
#include "support/temp_dir.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {

const fs::path kMulti = fs::path(WANATTN_DIT_FIXTURES) / "multi";

struct TinyRun {
  WanModel model{nullptr};
  at::Tensor latents, timesteps, context;
  std::array<int64_t, 3> grid{};
};

TinyRun tiny_run() {
  TinyRun r;
  r.model = load_wan_model((kMulti / "official").string(), at::kCPU);
  const auto io = SafetensorsFile::open((kMulti / "io.safetensors").string());
  r.latents = io->tensor("latents").narrow(0, 0, 1).clone();
  r.timesteps = io->tensor("timesteps").narrow(0, 0, 1).clone();
  r.context = io->tensor("context").narrow(0, 0, 1).narrow(1, 0, 7).clone();  // prompt 0 has 7 real rows
  r.grid = {r.latents.size(2), r.latents.size(3) / 2, r.latents.size(4) / 2};
  return r;
}

RunManifest manifest_for(const TinyRun& r, std::vector<int> steps, std::vector<int> blocks, const std::string& head_mode) {
  test::SyntheticSpec spec;
  spec.steps = int(steps.size());
  spec.blocks = int(blocks.size());
  spec.heads = head_mode == "mean" ? 1 : r.model->config().num_heads;
  spec.tokens = int(r.context.size(1));
  spec.frames = int(r.grid[0]);
  spec.height = int(r.grid[1]);
  spec.width = int(r.grid[2]);
  spec.head_mode = head_mode;
  RunManifest m = test::synthetic_manifest(spec);
  m.capture.steps = std::move(steps);
  m.capture.blocks = std::move(blocks);
  m.capture.model_heads = r.model->config().num_heads;
  return m;
}

using test::map_as_double;

// The block's cross-attention probabilities rebuilt from its weights: x after the
// self-attention residual -> q over the video tokens, k over all 512 text slots (as the
// block projected them); softmax in float64. [n, 512, L]
at::Tensor reference_probs(WanModel& model, int block, const at::Tensor& x_before_cross, const WanText& text) {
  auto b = model->blocks[size_t(block)]->as<WanAttentionBlock>();
  const auto& ca = b->cross_attn;
  const int64_t n = ca->heads, L = x_before_cross.size(1), dim = x_before_cross.size(2), d = dim / n;
  const at::Tensor h = b->norm3->forward(x_before_cross);
  const at::Tensor q = ca->norm_q->forward(ca->q->forward(h)).view({L, n, d}).transpose(0, 1).to(at::kDouble);
  const at::Tensor k = text.blocks[size_t(block)].k[0].to(at::kDouble);  // [n, 512, d], after norm_k
  return at::softmax(at::matmul(k, q.transpose(1, 2)) / std::sqrt(double(d)), 1);  // [n, 512, L]
}

}  // namespace

TEST_CASE("maps in the store equal softmax(q k^T / sqrt(d)) recomputed from the block's q and k", "[parity]") {
  if (!fs::exists(kMulti / "official")) WANATTN_SKIP("no DiT reference fixtures");
  torch::InferenceMode guard;
  TinyRun r = tiny_run();
  const int layers = r.model->config().num_layers;
  test::TempDir dir("dit-capture");
  std::vector<int> all_blocks(static_cast<size_t>(layers), 0);
  std::iota(all_blocks.begin(), all_blocks.end(), 0);
  auto writer = RunWriter::create(dir.sub("run"), manifest_for(r, {4}, all_blocks, "per_head"));
  const WanText text = r.model->prepare_text(r.context);
  {
    CaptureWriter capture(*writer, at::kCPU, /*slots=*/2);
    r.model->forward(r.latents, r.timesteps, text, {&capture, 4});
    capture.close();
    CHECK(capture.stats().slices == layers);
  }
  writer->finish(RunState::Complete);

  // Run the blocks by hand to get each block's x before its cross-attention.
  auto& m = r.model;
  const at::Tensor pe = at::conv3d(r.latents, m->patch_weight, m->patch_bias, {1, 2, 2});
  at::Tensor x = pe.flatten(2).transpose(1, 2);
  const at::Tensor e = m->time_out->forward(at::silu(m->time_in->forward(sinusoidal_embedding(r.timesteps, 256))));
  const at::Tensor e0 = m->time_proj->forward(at::silu(e)).unflatten(1, {6, m->config().dim});
  const RopeTable rope = make_rope_table(r.grid, m->config().head_dim(), 10000.0, 1024, at::kCPU);

  const RunReader reader = RunReader::open(dir.sub("run"));
  REQUIRE(reader.ready_count() == layers);
  const int T = reader.tokens(), H = reader.heads();
  for (int block = 0; block < layers; ++block) {
    INFO("block " << block);
    auto b = m->blocks[size_t(block)]->as<WanAttentionBlock>();
    const auto mod = (b->modulation + e0).chunk(6, 1);
    const at::Tensor x_sa = x + b->self_attn->forward(b->norm1->forward(x) * (1 + mod[1]) + mod[0], rope) * mod[2];
    const at::Tensor want = reference_probs(m, block, x_sa, text);  // [n, 512, L]
    for (int head = 0; head < H; ++head)
      for (int token = 0; token < T; ++token) {
        const MapView view = reader.map(0, block, head, token);
        const at::Tensor got = map_as_double(view);
        const at::Tensor w = want[head][token];
        CHECK((got - w).abs().max().item<double>() <= 1e-3 * w.abs().max().item<double>() + 1e-8);
      }
    // Padding mass: everything past the real tokens, as the model weighed it.
    const at::Tensor pad_want = want.narrow(1, T, 512 - T).sum(1);  // [n, L]
    for (int head = 0; head < H; ++head) {
      const at::Tensor got = map_as_double(reader.padding(0, block, head));
      CHECK((got - pad_want[head]).abs().max().item<double>() <= 1e-3);
    }
    x = b->forward(x, e0, rope, text.blocks[size_t(block)]);
  }
}

TEST_CASE("capture keeps only the selected steps and blocks, per head or as the head mean", "[fast]") {
  if (!fs::exists(kMulti / "official")) WANATTN_SKIP("no DiT reference fixtures");
  torch::InferenceMode guard;
  TinyRun r = tiny_run();
  const WanText text = r.model->prepare_text(r.context);
  test::TempDir dir("dit-select");
  auto per_head = RunWriter::create(dir.sub("heads"), manifest_for(r, {1, 3}, {0, 2}, "per_head"));
  auto mean = RunWriter::create(dir.sub("mean"), manifest_for(r, {1, 3}, {0, 2}, "mean"));
  {
    CaptureWriter a(*per_head, at::kCPU), b(*mean, at::kCPU);
    CHECK_FALSE(a.wants(0, 0));
    CHECK_FALSE(a.wants(1, 1));
    CHECK(a.wants(3, 2));
    CHECK_FALSE(b.per_head());
    for (int step = 0; step < 4; ++step) {
      r.model->forward(r.latents, r.timesteps, text, {&a, step});
      r.model->forward(r.latents, r.timesteps, text, {&b, step});
    }
    a.close();
    b.close();
    CHECK(a.stats().slices == 4);
    CHECK(b.stats().slices == 4);
  }
  per_head->finish(RunState::Complete);
  mean->finish(RunState::Complete);
  const RunReader rh = RunReader::open(dir.sub("heads")), rm = RunReader::open(dir.sub("mean"));
  CHECK(rh.ready_count() == 4);
  CHECK(rm.heads() == 1);
  // The stored head mean equals the mean of the stored heads (to float16 rounding).
  for (int token = 0; token < rh.tokens(); ++token) {
    const MapView hm = rm.map(1, 1, 0, token);
    at::Tensor sum = at::zeros({int64_t(hm.size())}, at::kDouble);
    for (int head = 0; head < rh.heads(); ++head) {
      sum += map_as_double(rh.map(1, 1, head, token));
    }
    const at::Tensor got = map_as_double(hm);
    CHECK((got - sum / rh.heads()).abs().max().item<double>() <= 2e-3 * got.abs().max().item<double>());
  }
}

TEST_CASE("a full disk during capture stops the run with the store's error, and earlier slices stay readable", "[fast]") {
  if (!fs::exists(kMulti / "official")) WANATTN_SKIP("no DiT reference fixtures");
  torch::InferenceMode guard;
  TinyRun r = tiny_run();
  const WanText text = r.model->prepare_text(r.context);
  test::TempDir dir("dit-enospc");
  auto writer = RunWriter::create(dir.sub("run"), manifest_for(r, {0, 1, 2}, {0, 1, 2}, "per_head"));
  std::string message;
  {
    CaptureWriter capture(*writer, at::kCPU, 1);
    testing::inject_write_failure(ENOSPC, 6);
    try {
      for (int step = 0; step < 3; ++step) r.model->forward(r.latents, r.timesteps, text, {&capture, step});
      capture.close();
    } catch (const StoreError& e) {
      message = e.what();
    }
    testing::inject_write_failure(0, 0);
    CHECK(!capture.error().empty());
  }
  CHECK_THAT(message, ContainsSubstring(dir.sub("run")));
  writer->finish(RunState::Failed, message);
  const RunReader reader = RunReader::open(dir.sub("run"));
  CHECK(reader.ready_count() >= 1);
  CHECK(reader.ready_count() < 9);
  CHECK(reader.manifest().status.state == RunState::Failed);
  CHECK(reader.ready(0, 0));
  // The slice written before the failure is whole: tokens + padding make the full softmax.
  at::Tensor total = map_as_double(reader.padding(0, 0, 0));
  for (int token = 0; token < reader.tokens(); ++token) total += map_as_double(reader.map(0, 0, 0, token));
  CHECK((total - 1).abs().max().item<double>() <= 5e-3);
}
