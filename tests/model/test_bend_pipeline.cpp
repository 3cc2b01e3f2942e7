// Bending through the whole pipeline, on the tiny diffusers folder of the pipeline fixtures
// (tests/reference/pipeline_reference.py, CPU): a bend set changed from the step callback
// lands from the next step and in the manifest, and equals the same schedule given up front;
// a manifest with bends re-runs to the same frames and latents; unbent and inert bends are
// bitwise the plain run; bad bends are refused before anything is written; prompt weights.
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/run_reader.h"
#include "model/bend_error.h"
#include "model/bend_json.h"
#include "model/run_replay.h"
#include "model/wan_pipeline.h"
#include "support/model_checks.h"
#include "support/pipeline_fixtures.h"
#include "support/temp_dir.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(WANATTN_PIPELINE_FIXTURES);
bool have_fixtures() { return fs::exists(kFixtures / "unipc_cfg" / "expected.safetensors"); }

GenerateRequest request(const std::string& out) { return test::pipeline_request("unipc_cfg", out); }  // 4 steps

WanPipeline pipeline() {
  PipelineOptions o;
  o.noise_on_cpu = true;
  return WanPipeline(find_wan_model_folder((kFixtures / "unipc_cfg" / "model").string()), o);
}

BendSet set_a() {
  return parse_bend_set(R"({"bends": [
    {"label": "louder token 1", "target": "cross_attention", "op": {"name": "scale", "factor": 4}, "where": {"tokens": [1]}},
    {"target": "self_attention", "op": {"name": "temperature", "temperature": 2}, "where": {"heads": [1], "blocks": [0]}}]})",
                        "A");
}

BendSet set_b() {
  return parse_bend_set(R"({"bends": [
    {"target": "ffn", "op": {"name": "zero"}, "where": {"neurons": "0-15"}, "passes": "both"},
    {"target": "cross_attention", "op": {"name": "translate", "dx": 1}, "domain": "pre_softmax", "where": {"tokens": [0, 2]}}]})",
                        "B");
}

}  // namespace

TEST_CASE("live bends: a set changed during step 1 applies from step 2, is recorded, equals the same schedule", "[parity]") {
  if (!have_fixtures()) WANATTN_SKIP("no pipeline fixtures");
  test::TempDir tmp("bend-live");
  WanPipeline pipe = pipeline();
  const GenerateResult plain = pipe.generate(request(tmp.sub("plain")));

  GenerateRequest rq = request(tmp.sub("live"));
  rq.live_bends = std::make_shared<LiveBends>(set_a());
  std::vector<uint64_t> versions;
  PipelineCallbacks cb;
  cb.on_step = [&](const StepReport& r) {
    versions.push_back(r.bends_version);
    if (r.step == 1) rq.live_bends->set(set_b());  // the "slider" moves during step 1's report
  };
  const GenerateResult live = pipe.generate(rq, cb);
  CHECK(versions == std::vector<uint64_t>{1, 1, 2, 2});
  REQUIRE(live.bends.size() == 2);
  CHECK((live.bends[0] == BendChange{0, 1, set_a()}));
  CHECK((live.bends[1] == BendChange{2, 2, set_b()}));
  CHECK(!at::equal(live.latents, plain.latents));
  CHECK(!rq.live_bends->limits());  // the run let go of its limits

  // The manifest records the history as it happened, and that the maps are post-bend.
  const RunManifest m = RunReader::open(tmp.sub("live")).manifest();
  CHECK((bend_history_from_json(m.bends) == live.bends));
  CHECK(m.generation["maps_after_bends"] == true);
  CHECK(RunReader::open(tmp.sub("plain")).manifest().bends == nlohmann::json::array());

  // The same sets given up front as a schedule: the same video, bit for bit.
  GenerateRequest sched = request(tmp.sub("schedule"));
  sched.bends = live.bends;
  const GenerateResult s = pipe.generate(sched);
  CHECK(at::equal(s.latents, live.latents));
  CHECK(at::equal(s.frames, live.frames));
  // Set A alone for the whole run differs from the switch at step 2.
  GenerateRequest only_a = request(tmp.sub("only_a"));
  only_a.bends = constant_bends(set_a());
  CHECK(!at::equal(pipe.generate(only_a).latents, live.latents));
}

TEST_CASE("a manifest with bends re-runs to the same frames and latents", "[parity]") {
  if (!have_fixtures()) WANATTN_SKIP("no pipeline fixtures");
  test::TempDir tmp("bend-replay");
  WanPipeline pipe = pipeline();
  GenerateRequest rq = request(tmp.sub("first"));
  rq.prompt = "A (cat:1.6) dances in the rain, cinematic.";
  rq.capture = parse_capture_spec("steps=1-3 blocks=1 heads=mean");
  rq.bends = {{0, 1, set_a()}, {3, 2, set_b()}};
  const GenerateResult first = pipe.generate(rq);

  const RunManifest m = RunReader::open(tmp.sub("first")).manifest();
  ReplayedRun again = replay_request(m, "first/manifest.json");
  CHECK(again.request.prompt == rq.prompt);
  CHECK((again.request.bends == rq.bends));
  CHECK(again.noise_on_cpu);
  CHECK(again.device == "cpu");
  CHECK(to_string(again.request.capture) == "steps=1,2,3 blocks=1 heads=mean padding=yes");
  again.request.out_dir = tmp.sub("again");
  const GenerateResult second = WanPipeline(find_wan_model_folder(again.model_root, again.parts), [&] {
                                  PipelineOptions o;
                                  o.noise_on_cpu = again.noise_on_cpu;
                                  return o;
                                }()).generate(again.request);
  CHECK(at::equal(second.latents, first.latents));
  CHECK(at::equal(second.frames, first.frames));
  const RunManifest m2 = RunReader::open(tmp.sub("again")).manifest();
  CHECK(m2.bends == m.bends);
  CHECK(m2.generation["token_weights"] == m.generation["token_weights"]);
  // The maps stored are the bent ones, the same in both.
  const RunReader r1 = RunReader::open(tmp.sub("first")), r2 = RunReader::open(tmp.sub("again"));
  REQUIRE(r1.ready_count() == 3);
  for (int s = 0; s < 3; ++s) CHECK(at::equal(test::map_as_double(r1.map(s, 0, 0, 1)), test::map_as_double(r2.map(s, 0, 0, 1))));
}

TEST_CASE("bends that change nothing (none, strength 0, disabled, other steps) keep the plain run bit for bit", "[parity]") {
  if (!have_fixtures()) WANATTN_SKIP("no pipeline fixtures");
  test::TempDir tmp("bend-inert");
  WanPipeline pipe = pipeline();
  const GenerateResult plain = pipe.generate(request(tmp.sub("plain")));
  BendSet inert = set_a();
  inert.bends[0].strength = 0;
  inert.bends[1].enabled = false;
  BendSet later = set_b();
  for (auto& b : later.bends) b.where.steps = std::vector<int>{9};  // past the 4 steps
  int i = 0;
  for (const BendSet& s : {BendSet{}, inert, later}) {
    INFO("case " << i);
    GenerateRequest rq = request(tmp.sub("run" + std::to_string(i++)));
    rq.bends = constant_bends(s);
    const GenerateResult res = pipe.generate(rq);
    CHECK(at::equal(res.latents, plain.latents));
    CHECK(at::equal(res.frames, plain.frames));
    CHECK(res.bends.size() == (s.bends.empty() ? 0u : 1u));  // recorded all the same
  }
}

TEST_CASE("bad bends are refused before anything is written, a bad live change is refused by set() at once", "[fast]") {
  if (!have_fixtures()) WANATTN_SKIP("no pipeline fixtures");
  test::TempDir tmp("bend-bad");
  WanPipeline pipe = pipeline();
  GenerateRequest rq = request(tmp.sub("bad"));
  BendSet s = set_a();
  s.bends[0].where.tokens = std::vector<int>{400};
  rq.bends = constant_bends(s);
  CHECK_THROWS_WITH(pipe.generate(rq), ContainsSubstring("bends[0].where.tokens[0]: prompt token 400 does not exist"));
  CHECK(!fs::exists(tmp.sub("bad") + "/manifest.json"));
  s = set_a();
  s.bends[1].where.blocks = std::vector<int>{2};
  rq.bends = constant_bends(s);
  CHECK_THROWS_WITH(pipe.generate(rq), "bends[1].where.blocks[0]: block 2 does not exist (there are 2: 0-1)");

  // Live: the UI's set() is checked against the running model at once...
  GenerateRequest live = request(tmp.sub("live"));
  live.live_bends = std::make_shared<LiveBends>(set_a());
  std::string refused;
  PipelineCallbacks cb;
  cb.on_step = [&](const StepReport& r) {
    if (r.step != 0) return;
    BendSet bad = set_b();
    bad.bends[0].where.neurons = std::vector<int>{32};
    try {
      live.live_bends->set(bad);
    } catch (const BendError& e) {
      refused = e.what();
    }
  };
  std::vector<std::string> warnings;
  cb.on_warning = [&](const std::string& w) { warnings.push_back(w); };
  const GenerateResult res = pipe.generate(live, cb);
  CHECK(refused == "bends[0].where.neurons[0]: FFN neuron 32 does not exist (there are 32: 0-31)");
  CHECK(res.bends.size() == 1);
  CHECK(warnings.empty());
}

TEST_CASE("prompt weights change the video, are recorded with their method, weight 1 is the plain prompt", "[parity]") {
  if (!have_fixtures()) WANATTN_SKIP("no pipeline fixtures");
  test::TempDir tmp("bend-weights");
  WanPipeline pipe = pipeline();
  const GenerateResult plain = pipe.generate(request(tmp.sub("plain")));
  GenerateRequest heavy = request(tmp.sub("heavy"));
  heavy.prompt = "A (cat:2.5) dances in the rain, cinematic.";
  const GenerateResult h = pipe.generate(heavy);
  CHECK(!at::equal(h.latents, plain.latents));
  const RunManifest m = RunReader::open(tmp.sub("heavy")).manifest();
  CHECK(m.generation["prompt_weighted"] == true);
  CHECK(m.generation["prompt_weighting"].get<std::string>().find("mean") != std::string::npos);
  const auto w = m.generation["token_weights"].get<std::vector<float>>();
  CHECK(std::count(w.begin(), w.end(), 2.5f) >= 1);
  GenerateRequest one = request(tmp.sub("one"));
  one.prompt = "A (cat:1) dances in the rain, cinematic.";
  CHECK(at::equal(pipe.generate(one).latents, plain.latents));
}
