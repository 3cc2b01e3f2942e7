// What training the demo model relies on (docs/demo-model.md): autograd reaches every
// parameter of the DiT, the UMT5 and the VAE decoder through the inference code (fused
// kernels and in-place residual adds step aside while autograd records), AdamW learns, and a
// folder written from memory loads back through the ordinary loaders to the same model.
#include <torch/torch.h>

#include <filesystem>

#include "model/adamw.h"
#include "model/demo_latent_encoder.h"
#include "model/demo_model.h"
#include "model/demo_render.h"
#include "model/demo_tokenizer.h"
#include "model/t5_tokenizer.h"
#include "model/umt5_encoder.h"
#include "model/demo_scene.h"
#include "model/umt5_loader.h"
#include "model/wan_block_growth.h"
#include "model/wan_checkpoint.h"
#include "model/wan_folder_writer.h"
#include "model/wan_loader.h"
#include "model/wan_model_folder.h"
#include "model/wan_random_init.h"
#include "model/wan_train_init.h"
#include "model/wan_vae_loader.h"
#include "model/wan_vae_sequence.h"
#include "support/model_checks.h"
#include "support/temp_dir.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;

namespace {

demo::ModelSizes tiny_sizes() {
  demo::ModelSizes s;
  s.dim = 32, s.ffn_dim = 48, s.heads = 2, s.layers = 2;
  s.text_dim = 16, s.text_kv = 8, s.text_heads = 2, s.text_ff = 24, s.text_layers = 2;
  s.vae_base = 4, s.vae_res_blocks = 0;
  return s;
}

struct Tiny {
  WanModel dit{nullptr};
  UMT5EncoderModel text{nullptr};
  WanVae vae{nullptr};
};

Tiny make_tiny(int vocab) {
  const auto s = tiny_sizes();
  Tiny t;
  t.dit = WanModel(demo::dit_config(s), ModuleOptions{});
  wan_random_init(*t.dit, 1);
  t.text = UMT5EncoderModel(demo::text_encoder_config(s, vocab), UMT5Options{});
  t.text->random_init(2);
  WanVaeConfig vc = demo::vae_config(s);
  vc.latents_mean.assign(16, 0.1);
  vc.latents_std.assign(16, 0.5);
  t.vae = WanVae(vc, at::TensorOptions().dtype(at::kFloat));
  wan_random_init(*t.vae, 3);
  return t;
}

// A rendered batch, its latents and a caption's ids.
struct Inputs {
  at::Tensor clips, latents, ids, mask;
};

Inputs make_inputs() {
  demo::Rng rng(11);
  demo::SceneOptions so;
  so.frames = 9;
  std::vector<demo::Scene> scenes{demo::sample_scene(rng, so), demo::sample_scene(rng, so)};
  Inputs in;
  in.clips = demo::render_clips(scenes, 9, 64, 64, at::kCPU);
  in.latents = demo::encode_latents(in.clips);
  in.ids = at::tensor({3, 7, 5, 1, 0, 0, 4, 9, 6, 8, 1, 0}, at::kLong).view({2, 6});
  in.mask = (at::arange(6).view({1, 6}) < at::tensor({4, 5}, at::kLong).view({2, 1})).to(at::kLong);
  return in;
}

at::Tensor dit_loss(Tiny& t, const Inputs& in, const at::Tensor& eps, const at::Tensor& sigma) {
  const at::Tensor s = sigma.view({-1, 1, 1, 1, 1});
  const at::Tensor xt = (1 - s) * in.latents + s * eps;
  const WanText txt = t.dit->prepare_text(t.text->forward(in.ids, in.mask));
  return at::mse_loss(t.dit->forward(xt, sigma * 1000, txt), eps - in.latents);
}

}  // namespace

TEST_CASE("demo training: gradients reach every parameter of the DiT, UMT5 and VAE decoder", "[fast]") {
  Tiny t = make_tiny(12);
  for (torch::nn::Module* m : {(torch::nn::Module*)t.dit.ptr().get(), (torch::nn::Module*)t.text.ptr().get(),
                               (torch::nn::Module*)t.vae.ptr().get()})
    for (auto& p : m->parameters()) p.set_requires_grad(true);
  const Inputs in = make_inputs();
  at::manual_seed(0);
  const at::Tensor loss = dit_loss(t, in, at::randn(in.latents.sizes()), at::tensor({0.3f, 0.8f}));
  const at::Tensor rec = t.vae->decode_unclamped(in.latents);
  REQUIRE(rec.sizes() == in.clips.sizes());
  (loss + (rec - in.clips).abs().mean()).backward();
  int checked = 0;
  auto check_all = [&](torch::nn::Module& m, const char* what) {
    for (const auto& p : m.named_parameters(true)) {
      INFO(what << " " << p.key());
      REQUIRE(p.value().grad().defined());
      CHECK(p.value().grad().abs().sum().item<double>() > 0);
      ++checked;
    }
  };
  check_all(*t.dit, "DiT");
  check_all(*t.text, "UMT5");
  check_all(*t.vae, "VAE");
  CHECK(checked > 100);
}

TEST_CASE("demo training: AdamW (fused, clipped, EMA) fits a batch", "[fast]") {
  Tiny t = make_tiny(12);
  wan_training_init(t.dit, 4);  // the real start: zero head, so the first steps move the head
  AdamW opt;
  std::vector<at::Tensor> params;
  for (auto& p : t.dit->parameters()) params.push_back(p);
  for (auto& p : t.text->parameters()) params.push_back(p);
  opt.add_group(params, 0.01);
  const Inputs in = make_inputs();
  at::manual_seed(1);
  const at::Tensor eps = at::randn(in.latents.sizes()), sigma = at::tensor({0.4f, 0.7f});
  const double first = dit_loss(t, in, eps, sigma).item<double>();
  double last = first;
  for (int i = 0; i < 40; ++i) {
    const at::Tensor loss = dit_loss(t, in, eps, sigma);
    loss.backward();
    const double g = opt.step(2e-3).item<double>();
    CHECK(std::isfinite(g));
    last = loss.item<double>();
  }
  CHECK(last < 0.6 * first);
  CHECK(opt.steps() == 40);
  // The EMA trails the weights.
  const auto ema = opt.ema();
  REQUIRE(ema.size() == params.size());
  CHECK(!at::equal(ema[0], params[0]));
}

TEST_CASE("demo training: AdamW's device-only step (tensor rate, for CUDA graphs) equals the plain one", "[fast]") {
  // Two copies of some weights, one stepped with a double rate, the other with a 0-d tensor
  // rate, both fed the same gradients (drawn, not from a loss: through a loss the two
  // would drift apart from the first rounding on, as any two trainings do).
  at::manual_seed(3);
  std::vector<at::Tensor> wa{at::randn({8, 5}), at::randn({5}), at::randn({3, 4, 2})}, wb;
  for (const auto& w : wa) wb.push_back(w.clone());
  const at::Tensor start = wa[0].clone();
  AdamW oa, ob;
  oa.add_group(wa, 0.01);
  ob.add_group(wb, 0.01);
  const at::Tensor lr = at::zeros({}, at::kDouble);
  for (int i = 0; i < 30; ++i) {  // through the EMA's warm-up
    const double rate = 1e-2 * (1 + i % 3);
    for (size_t k = 0; k < wa.size(); ++k) {
      const at::Tensor g = at::randn(wa[k].sizes()) * (k + 1);
      wa[k].mutable_grad() = g.clone();
      wb[k].mutable_grad() = g.clone();
    }
    const at::Tensor ga = oa.step(rate);
    lr.fill_(rate);
    const at::Tensor gb = ob.step(lr);
    CHECK(ga.item<double>() == Approx(gb.item<double>()).epsilon(1e-6));
  }
  const auto pa = oa.params(), pb = ob.params(), ea = oa.ema(), eb = ob.ema();
  for (size_t i = 0; i < pa.size(); ++i) {
    CHECK(test::max_relative_error(pb[i], pa[i]) <= 1e-6);
    CHECK(test::max_relative_error(eb[i], ea[i]) <= 1e-6);
  }
  CHECK(!at::allclose(pa[0], start));  // the weights moved
  CHECK(!at::allclose(ea[0], pa[0]));  // and the EMA trails them
}

TEST_CASE("demo training: a DiT grown by blocks computes what the shallower one did, then learns in them", "[fast]") {
  Tiny t = make_tiny(12);
  demo::ModelSizes deeper = tiny_sizes();
  deeper.layers = 4;
  WanModel grown(demo::dit_config(deeper), ModuleOptions{});
  wan_training_init(grown, 9);
  CHECK(grow_wan_blocks(grown, t.dit, 1) == 2);  // old block 0, new 1 and 2, old block 1 as 3
  const auto old_p = t.dit->named_parameters(true);
  const auto new_p = grown->named_parameters(true);
  CHECK(at::equal(new_p["blocks.0.self_attn.q.weight"], old_p["blocks.0.self_attn.q.weight"]));
  CHECK(at::equal(new_p["blocks.3.ffn.2.weight"], old_p["blocks.1.ffn.2.weight"]));
  CHECK(at::equal(new_p["head.head.weight"], old_p["head.head.weight"]));
  for (const char* k : {"blocks.1.self_attn.o.weight", "blocks.2.cross_attn.o.bias", "blocks.2.ffn.2.weight"})
    CHECK(new_p[k].abs().max().item<float>() == 0.0f);
  CHECK(new_p["blocks.1.self_attn.q.weight"].abs().max().item<float>() > 0.0f);  // fresh, not zero

  const Inputs in = make_inputs();
  at::manual_seed(0);
  const at::Tensor eps = at::randn(in.latents.sizes()), sigma = at::tensor({0.3f, 0.8f});
  const at::Tensor xt = (1 - sigma.view({-1, 1, 1, 1, 1})) * in.latents + sigma.view({-1, 1, 1, 1, 1}) * eps;
  const at::Tensor ctx = t.text->forward(in.ids, in.mask);
  {
    torch::NoGradGuard no_grad;  // both through the same kernels: the same function, exactly
    CHECK(at::equal(grown->forward(xt, sigma * 1000, grown->prepare_text(ctx)),
                    t.dit->forward(xt, sigma * 1000, t.dit->prepare_text(ctx))));
  }
  for (auto& p : grown->parameters()) p.set_requires_grad(true);
  const at::Tensor after = grown->forward(xt, sigma * 1000, grown->prepare_text(ctx));
  at::mse_loss(after, eps - in.latents).backward();
  for (const char* k : {"blocks.1.self_attn.o.weight", "blocks.2.cross_attn.o.weight", "blocks.2.ffn.2.weight"})
    CHECK(new_p[k].grad().abs().sum().item<double>() > 0);  // the new blocks learn from the first step

  // What does not fit is refused, by name.
  CHECK_THROWS_WITH(grow_wan_blocks(grown, t.dit, 3), ContainsSubstring("0..2"));
  CHECK_THROWS_WITH(grow_wan_blocks(t.dit, grown, 0), ContainsSubstring("not more than the 4"));
  CHECK_THROWS_WITH(grow_wan_blocks(t.dit, t.dit, 0), ContainsSubstring("not more than the 2"));
  demo::ModelSizes wider = deeper;
  wider.dim = 64;
  WanModel other(demo::dit_config(wider), ModuleOptions{});
  CHECK_THROWS_WITH(grow_wan_blocks(other, t.dit, 1), ContainsSubstring("not dim 64 vs 32"));
  demo::ModelSizes more_heads = deeper;
  more_heads.heads = 4;  // same shapes, another function
  WanModel heads(demo::dit_config(more_heads), ModuleOptions{});
  CHECK_THROWS_WITH(grow_wan_blocks(heads, t.dit, 1), ContainsSubstring("num_heads 4 vs 2"));
}

TEST_CASE("demo training: the VAE decode over the whole sequence equals the chunked decode", "[fast]") {
  torch::NoGradGuard no_grad;
  Tiny t = make_tiny(12);
  at::manual_seed(5);
  for (int64_t frames : {1, 2, 4}) {
    const at::Tensor z = at::randn({2, 16, frames, 4, 6});
    const at::Tensor whole = decode_whole_sequence(t.vae, z), chunked = t.vae->decode_unclamped(z);
    REQUIRE(whole.sizes() == chunked.sizes());
    CHECK(whole.size(2) == 1 + 4 * (frames - 1));
    CHECK(test::max_relative_error(whole, chunked) <= 1e-5);
  }
}

TEST_CASE("demo training: compact text (one padding row for all) is the same attention as 512 rows", "[fast]") {
  torch::NoGradGuard no_grad;
  Tiny t = make_tiny(12);
  const Inputs in = make_inputs();
  at::manual_seed(2);
  const at::Tensor x = at::randn(in.latents.sizes()), ts = at::tensor({900.f, 40.f});
  const at::Tensor ctx = t.text->forward(in.ids, in.mask);
  const WanText full = t.dit->prepare_text(ctx), compact = t.dit->prepare_text(ctx, /*compact=*/true);
  CHECK(full.blocks[0].k.size(2) == 512);
  CHECK(compact.blocks[0].k.size(2) == 7);
  CHECK(test::max_relative_error(t.dit->forward(x, ts, compact), t.dit->forward(x, ts, full)) <= 1e-5);
  test::MemorySink sink(3);
  CHECK_THROWS_WITH(t.dit->forward(x, ts, compact, WanForwardOptions{&sink, 0}), ContainsSubstring("full 512-slot"));
}

#if WANATTN_HAVE_TOKENIZER
TEST_CASE("demo folder: written from memory, found and loaded by the ordinary loaders, same model", "[fast]") {
  torch::NoGradGuard no_grad;
  test::TempDir tmp("demo-folder");
  demo::train_tokenizer(tmp.sub("tok"), 1);
  const int vocab = T5Tokenizer::from_folder(tmp.sub("tok")).piece_count();
  Tiny t = make_tiny(vocab);
  for (at::ScalarType dtype : {at::kFloat, at::kHalf}) {
    INFO((dtype == at::kFloat ? "fp32" : "fp16"));
    const std::string dir = tmp.sub(dtype == at::kFloat ? "model32" : "model16");
    WanFolderParts parts;
    parts.dit = t.dit;
    parts.text_encoder = t.text;
    parts.vae = t.vae;
    parts.tokenizer_dir = tmp.sub("tok");
    parts.flow_shift = 2.0;
    parts.dtype = dtype;
    parts.extra = {{"defaults", {{"width", 64}, {"height", 48}, {"frames", 9}, {"steps", 12}, {"guidance", 3.5},
                                 {"prompt", demo::example_prompt()}}}};
    write_wan_diffusers_folder(dir, parts);
    CHECK_THROWS_WITH(write_wan_diffusers_folder(dir, parts), ContainsSubstring("exists already"));

    const WanModelFolder f = find_wan_model_folder(dir);
    CHECK(f.diffusers);
    CHECK(f.defaults.sampler == "unipc");
    CHECK(f.defaults.shift == 2.0);
    CHECK(f.defaults.width == 64);
    CHECK(f.defaults.height == 48);
    CHECK(f.defaults.frames == 9);
    CHECK(f.defaults.steps == 12);
    CHECK(f.defaults.guidance == 3.5);
    CHECK(f.defaults.own_size);
    CHECK(f.defaults.example_prompt == demo::example_prompt());

    const WanCheckpoint ck = WanCheckpoint::open(f.parts.transformer);
    CHECK(ck.config().variant == "custom");
    CHECK(ck.config().dim == 32);
    CHECK(ck.config().num_heads == 2);
    WanModel dit = load_wan_model(ck, ModuleOptions{});
    LoadedUMT5 text = load_umt5_encoder(f.parts.text_encoder, UMT5Options{});
    const LoadedVae vae = load_wan_vae(f.parts.vae, at::kCPU);
    CHECK(vae.diffusers);
    CHECK(vae.model->config().latents_std == t.vae->config().latents_std);

    const Inputs in = make_inputs();
    const double tol = dtype == at::kFloat ? 0 : 2e-2;
    const at::Tensor ctx_want = t.text->forward(in.ids, in.mask), ctx_got = text.model->forward(in.ids, in.mask);
    CHECK(test::max_relative_error(ctx_got, ctx_want) <= tol);
    at::manual_seed(3);
    const at::Tensor x = at::randn(in.latents.sizes()), ts = at::tensor({500.f, 20.f});
    const at::Tensor v_want = t.dit->forward(x, ts, t.dit->prepare_text(ctx_want));
    const at::Tensor v_got = dit->forward(x, ts, dit->prepare_text(ctx_want));
    CHECK(test::max_relative_error(v_got, v_want) <= tol);
    CHECK(test::max_relative_error(vae.model->decode(in.latents), t.vae->decode(in.latents)) == 0);  // stored fp32
  }
  // Without wanattn.json a folder is a Wan2.1 one: its size is the request's or 832 x 480.
  std::filesystem::remove(std::filesystem::path(tmp.sub("model32")) / "wanattn.json");
  const WanModelFolder plain = find_wan_model_folder(tmp.sub("model32"));
  CHECK_FALSE(plain.defaults.own_size);
  CHECK(plain.defaults.example_prompt.empty());
  CHECK(plain.defaults.width == 832);
}
#endif
