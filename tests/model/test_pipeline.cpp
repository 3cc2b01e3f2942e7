// `wanattn generate`'s pipeline end to end against diffusers' WanPipeline
// (tests/reference/pipeline_reference.py: tiny random UMT5 + tokenizer + DiT + VAE saved as a
// diffusers folder, run on the CPU with a CPU generator): final latents <= 1e-4 relative,
// frames equal up to rounding; the run store it writes; cancel; bad requests and folders.
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/run_files.h"
#include "core/run_reader.h"
#include "model/gpu_memory.h"
#include "model/safetensors_file.h"
#include "model/wan_pipeline.h"
#include "model/wan_vae_loader.h"
#include "model/weight_error.h"
#include "support/model_checks.h"
#include "support/pipeline_fixtures.h"
#include "support/temp_dir.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(WANATTN_PIPELINE_FIXTURES);

bool have_fixtures() { return fs::exists(kFixtures / "euler_nocfg" / "expected.safetensors"); }

PipelineOptions cpu_options() {
  PipelineOptions o;
  o.noise_on_cpu = true;  // the fixtures use torch.Generator("cpu")
  return o;
}

WanPipeline pipeline_for(const std::string& scenario, PipelineOptions o = cpu_options()) {
  return WanPipeline(find_wan_model_folder((kFixtures / scenario / "model").string()), o);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("generate equals diffusers' WanPipeline: latents, frames, timesteps", "[parity]") {
  if (!have_fixtures()) WANATTN_SKIP("no pipeline fixtures (fixture pipeline_reference did not run)");
  torch::set_num_threads(1);
  for (const char* scenario : {"unipc_cfg", "euler_nocfg"}) {
    INFO(scenario);
    test::TempDir tmp("pipeline");
    const auto expected = SafetensorsFile::open((kFixtures / scenario / "expected.safetensors").string());
    WanPipeline pipe = pipeline_for(scenario);
    const GenerateResult res = pipe.generate(test::pipeline_request(scenario, tmp.sub("run")));
    REQUIRE(res.state == RunState::Complete);

    const at::Tensor want_latents = expected->tensor("latents");
    REQUIRE(res.latents.sizes() == want_latents.sizes());
    CHECK(test::max_relative_error(res.latents, want_latents) <= 1e-4);
    // diffusers returns (x / 2 + 0.5).clamp(0, 1) as floats; we round that to uint8.
    const at::Tensor want_frames = expected->tensor("frames").mul(255).to(at::kDouble);  // [F, H, W, 3]
    REQUIRE(res.frames.sizes() == want_frames.sizes());
    CHECK((res.frames.to(at::kDouble) - want_frames).abs().max().item<double>() <= 0.5 + 1e-3);

    // The store: complete, every slice written, the same numbers on disk.
    const RunReader run = RunReader::open(tmp.sub("run"));
    const RunManifest& m = run.manifest();
    CHECK(m.status.state == RunState::Complete);
    CHECK(run.ready_count() == run.steps() * run.blocks());
    CHECK(run.steps() == int(test::pipeline_request_json(scenario)["steps"]));
    CHECK(m.generation["sampler"] == test::pipeline_request_json(scenario)["scheduler"]);
    CHECK(m.generation["sigma_grid"] == "diffusers");  // a diffusers folder
    CHECK(m.generation["shift"] == test::pipeline_request_json(scenario)["shift"]);
    const at::Tensor want_t = expected->tensor("timesteps");
    const auto got_t = m.generation["timesteps"].get<std::vector<double>>();
    REQUIRE(int64_t(got_t.size()) == want_t.size(0));
    for (size_t i = 0; i < got_t.size(); ++i) CHECK(float(got_t[i]) == want_t[int64_t(i)].item<float>());
    CHECK(m.tokens.size() == size_t(res.prompt_tokens.real_tokens()));
    CHECK(m.tokens.back().piece == "</s>");
    auto frames = run.open_array(run_files::kFrames);
    REQUIRE(frames);
    CHECK(std::memcmp(frames->data(), res.frames.data_ptr(), res.frames.numel()) == 0);
    auto latents = run.open_array(run_files::kLatents);
    REQUIRE(latents);
    CHECK(latents->header().shape == std::vector<uint64_t>(want_latents.sizes().begin(), want_latents.sizes().end()));
    auto previews = run.open_array(run_files::kPreviews);
    REQUIRE(previews);
    CHECK(previews->header().shape[0] == uint64_t(run.steps()));
    CHECK(previews->header().shape[1] == uint64_t(want_latents.size(2)));

    // The maps are the model's softmax over all 512 positions: real tokens + padding = 1.
    at::Tensor total = test::map_as_double(run.padding(run.steps() - 1, 0, 0));
    for (int t = 0; t < run.tokens(); ++t) total = total + test::map_as_double(run.map(run.steps() - 1, 0, 0, t));
    CHECK((total - 1).abs().max().item<double>() <= 2e-3);  // float16 storage
  }
}

TEST_CASE("generate: prompt embeddings come from the cache the second time, same video", "[parity]") {
  if (!have_fixtures()) WANATTN_SKIP("no pipeline fixtures");
  test::TempDir tmp("pipeline-cache");
  PipelineOptions o = cpu_options();
  o.cache_dir = tmp.sub("cache");
  WanPipeline pipe = pipeline_for("unipc_cfg", o);
  const GenerateResult a = pipe.generate(test::pipeline_request("unipc_cfg", tmp.sub("a")));
  CHECK(a.timings.count("load_text_encoder") == 1);
  const GenerateResult b = pipe.generate(test::pipeline_request("unipc_cfg", tmp.sub("b")));
  CHECK(b.timings.count("load_text_encoder") == 0);  // both prompts were cached
  CHECK(at::equal(a.latents, b.latents));
  CHECK(at::equal(a.frames, b.frames));
}

TEST_CASE("generate: cancel stops after the current pass, the run is marked cancelled and stays readable", "[fast]") {
  if (!have_fixtures()) WANATTN_SKIP("no pipeline fixtures");
  test::TempDir tmp("pipeline-cancel");
  WanPipeline pipe = pipeline_for("unipc_cfg");
  GenerateRequest rq = test::pipeline_request("unipc_cfg", tmp.sub("run"));
  std::atomic<bool> cancel{false};
  rq.cancel = &cancel;
  PipelineCallbacks cb;
  int reports = 0;
  cb.on_step = [&](const StepReport& r) {
    ++reports;
    CHECK(r.preview.dim() == 4);
    if (r.step == 1) cancel = true;
  };
  const GenerateResult res = pipe.generate(rq, cb);
  CHECK(res.state == RunState::Cancelled);
  CHECK(reports == 2);
  CHECK(!res.frames.defined());
  const RunReader run = RunReader::open(tmp.sub("run"));
  CHECK(run.manifest().status.state == RunState::Cancelled);
  CHECK(run.manifest().status.message.find("2 of 4") != std::string::npos);
  CHECK(run.ready_count() == 2 * run.blocks());  // steps 0 and 1, every block
  CHECK(run.ready(1, 1));
  CHECK(!run.ready(2, 0));
  CHECK(!run.open_array(run_files::kFrames));
  auto previews = run.open_array(run_files::kPreviews);
  REQUIRE(previews);
  CHECK(previews->header().shape[0] == 2);
  CHECK(run.open_array(run_files::kLatents));
  CHECK(run.manifest().timings.count("denoise") == 1);
}

TEST_CASE("generate: bad requests get a message naming the value, nothing is written", "[fast]") {
  if (!have_fixtures()) WANATTN_SKIP("no pipeline fixtures");
  test::TempDir tmp("pipeline-bad");
  WanPipeline pipe = pipeline_for("euler_nocfg");
  auto bad = [&](const std::function<void(GenerateRequest&)>& edit) {
    GenerateRequest rq = test::pipeline_request("euler_nocfg", tmp.sub("run"));
    edit(rq);
    return error_of([&] { pipe.generate(rq); });
  };
  CHECK(bad([](GenerateRequest& r) { r.width = 40; }).find("size 40x48: width and height must be positive multiples of 16 (nearest: 48x48)") != std::string::npos);
  CHECK(bad([](GenerateRequest& r) { r.height = 0; }).find("multiples of 16") != std::string::npos);
  CHECK(bad([](GenerateRequest& r) { r.prompt = "  \t"; }).find("the prompt is empty") != std::string::npos);
  CHECK(bad([](GenerateRequest& r) { r.steps = 0; }).find("steps 0 is out of range") != std::string::npos);
  CHECK(bad([](GenerateRequest& r) { r.sampler = "ddim"; }).find("sampler 'ddim' is unknown") != std::string::npos);
  CHECK(bad([](GenerateRequest& r) { r.capture = parse_capture_spec("blocks=0-5"); }).find("block 2 does not exist") != std::string::npos);
  CHECK(!fs::exists(tmp.sub("run") + "/manifest.json"));

  // Frames not of the form 4n+1 are rounded down, with a warning.
  GenerateRequest rq = test::pipeline_request("euler_nocfg", tmp.sub("rounded"));
  rq.frames = 8;
  std::vector<std::string> warnings;
  PipelineCallbacks cb;
  cb.on_warning = [&](const std::string& w) { warnings.push_back(w); };
  const GenerateResult res = pipe.generate(rq, cb);
  CHECK(res.frames.size(0) == 5);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("frames 8 is not of the form 4n+1") != std::string::npos);
  CHECK(RunReader::open(tmp.sub("rounded")).manifest().frames == 5);

  // An existing run is never overwritten.
  const std::string again = error_of([&] { pipe.generate(rq); });
  CHECK(again.find("already holds a run") != std::string::npos);
  CHECK(RunReader::open(tmp.sub("rounded")).manifest().status.state == RunState::Complete);
}

TEST_CASE("generate: a model folder missing parts names each one and where it looked", "[fast]") {
  if (!have_fixtures()) WANATTN_SKIP("no pipeline fixtures");
  test::TempDir tmp("pipeline-folder");
  const fs::path model = tmp.sub("model");
  fs::copy(kFixtures / "euler_nocfg" / "model", model, fs::copy_options::recursive);
  fs::remove_all(model / "vae");
  fs::remove_all(model / "tokenizer");
  std::string msg = error_of([&] { find_wan_model_folder(model.string()); });
  CHECK(msg.find("is incomplete") != std::string::npos);
  CHECK(msg.find("- VAE:") != std::string::npos);
  CHECK(msg.find("- tokenizer (spiece.model):") != std::string::npos);
  CHECK(msg.find("- transformer") == std::string::npos);  // that one is there
  // A part given separately fills the gap (the ComfyUI way).
  WanModelParts parts;
  parts.vae = (kFixtures / "euler_nocfg" / "model" / "vae").string();
  parts.tokenizer = (kFixtures / "euler_nocfg" / "model" / "tokenizer").string();
  CHECK(find_wan_model_folder(model.string(), parts).parts.vae == parts.vae);

  CHECK(error_of([&] { find_wan_model_folder(tmp.sub("nowhere")); }).find("no such model folder") != std::string::npos);

  // An unknown scheduler is named; a truncated DiT file names the file and the tensor.
  fs::copy(kFixtures / "euler_nocfg" / "model" / "vae", model / "vae", fs::copy_options::recursive);
  fs::copy(kFixtures / "euler_nocfg" / "model" / "tokenizer", model / "tokenizer", fs::copy_options::recursive);
  std::ofstream(model / "scheduler" / "scheduler_config.json") << R"({"_class_name": "DDIMScheduler"})";
  msg = error_of([&] { find_wan_model_folder(model.string()); });
  CHECK(msg.find("scheduler 'DDIMScheduler' is not supported") != std::string::npos);
  fs::remove(model / "scheduler" / "scheduler_config.json");
  const fs::path dit = model / "transformer" / "diffusion_pytorch_model.safetensors";
  fs::resize_file(dit, fs::file_size(dit) - 100);
  msg = error_of([&] { find_wan_model_folder(model.string()); });  // found before anything loads
  CHECK(msg.find("- transformer (DiT): " + dit.string()) != std::string::npos);
  CHECK(msg.find("tensor 'scale_shift_table'") != std::string::npos);
  CHECK(msg.find("truncated file") != std::string::npos);
}

TEST_CASE("x0 previews: the linearised VAE predicts the decoded colour of a constant latent", "[fast]") {
  if (!have_fixtures()) WANATTN_SKIP("no pipeline fixtures");
  torch::InferenceMode guard;
  WanVae vae = load_wan_vae((kFixtures / "unipc_cfg" / "model").string(), at::kCPU).model;
  const LatentPreview preview = LatentPreview::from_vae(vae);
  REQUIRE(preview.matrix().sizes() == at::IntArrayRef({3, 16}));
  at::Tensor z = at::zeros({1, 16, 1, 4, 4});
  z.select(1, 3).fill_(0.4);
  z.select(1, 11).fill_(-0.3);
  const at::Tensor rgb = preview.rgb(z).to(at::kFloat);  // [1, 4, 4, 3]
  const at::Tensor video = video_to_uint8(vae->decode(z)).to(at::kFloat)[0][0];  // [32, 32, 3]
  const at::Tensor centre = video.narrow(0, 8, 16).narrow(1, 8, 16).mean(at::IntArrayRef{0, 1});
  INFO("preview " << rgb[0][2][2] << " decoded " << centre);
  CHECK((rgb[0][2][2] - centre).abs().max().item<double>() <= 6.0);  // uint8 levels
}

TEST_CASE("generate on the GPU: out of memory names the stage and the numbers, frees it, marks the run failed", "[gpu]") {
  if (!torch::cuda::is_available()) WANATTN_SKIP("no CUDA device");
  if (!have_fixtures()) WANATTN_SKIP("no pipeline fixtures");
  test::TempDir tmp("pipeline-oom");
  PipelineOptions o = cpu_options();
  o.device = at::Device(at::kCUDA, 0);
  o.noise_on_cpu = true;
  {
    // First a normal run on the GPU: close to the CPU reference (bf16 matmuls there).
    WanPipeline pipe = pipeline_for("unipc_cfg", o);
    const GenerateResult res = pipe.generate(test::pipeline_request("unipc_cfg", tmp.sub("ok")));
    const auto expected = SafetensorsFile::open((kFixtures / "unipc_cfg" / "expected.safetensors").string());
    CHECK(test::max_relative_error(res.latents, expected->tensor("latents")) <= 5e-2);
    CHECK(res.peak.allocated_gib > 0);
  }
  o.gpu_memory_limit_gib = 0.3;  // the tiny parts fit; a 1024x1024, 81-frame run does not
  WanPipeline pipe = pipeline_for("unipc_cfg", o);
  GenerateRequest rq = test::pipeline_request("unipc_cfg", tmp.sub("oom"));
  rq.width = rq.height = 1024;
  rq.frames = 81;
  bool oom = false;
  std::string msg;
  try {
    pipe.generate(rq);
  } catch (const PipelineError& e) {
    oom = e.out_of_memory();
    msg = e.what();
  }
  set_gpu_memory_limit(o.device, 0);
  INFO(msg);
  CHECK(oom);
  CHECK(msg.find("out of GPU memory while") != std::string::npos);
  CHECK(msg.find("GiB on the device") != std::string::npos);
  // What stays: the tiny parts' weights and cuBLAS's 32 MiB workspace.
  CHECK(gpu_memory_in_use_gib(o.device) < 0.1);
  // It ran out after the store was made (sampling or decoding): the run says failed, and why.
  REQUIRE(fs::exists(tmp.sub("oom") + "/manifest.json"));
  const RunManifest m = RunReader::open(tmp.sub("oom")).manifest();
  CHECK(m.status.state == RunState::Failed);
  CHECK(m.status.message.find("out of GPU memory while") != std::string::npos);
}
