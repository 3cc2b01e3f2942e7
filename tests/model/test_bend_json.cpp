// Bends as values: strict JSON both ways (round trip, every error names the field and the
// value), the checks against a run's limits, the names a UI lists, the history the manifest
// records, and LiveBends under concurrent set/snapshot.
#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "model/bend_check.h"
#include "model/bend_error.h"
#include "model/bend_history.h"
#include "model/bend_json.h"
#include "model/live_bends.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
using nlohmann::json;

namespace {

// Every field away from its default, so a round trip that drops one is caught.
BendSet rich_set() {
  BendSet s;
  Bend a;
  a.label = "cat, bigger";
  a.target = BendTarget::CrossAttention;
  a.op = BendOp::Rotate;
  a.params.degrees = -30;
  a.params.padding = BendPadding::Reflect;
  a.strength = 0.75;
  a.where.steps = std::vector<int>{0, 1, 2, 7};
  a.where.blocks = std::vector<int>{3};
  a.where.heads = std::vector<int>{0, 5};
  a.where.tokens = std::vector<int>{2, 4};
  BendRegion r;
  r.rect = std::vector<double>{0.1, 0.2, 0.6, 0.9};
  r.frames = std::vector<int>{1, 3};
  r.mask = BendMask{2, 3, {0, 0.5f, 1, 1, 0.25f, 0}};
  r.invert = true;
  a.where.region = r;
  a.domain = BendDomain::PreSoftmax;
  a.passes = BendPasses::Both;
  Bend b;
  b.label = "neurons";
  b.enabled = false;
  b.target = BendTarget::Ffn;
  b.op = BendOp::Clamp;
  b.params.min = -0.5;
  b.params.max = 0.25;
  b.where.neurons = std::vector<int>{0, 17, 8959};
  Bend c;
  c.target = BendTarget::CrossAttention;
  c.op = BendOp::Translate;
  c.params.dx = 1.5, c.params.dy = -2, c.params.dt = 1, c.params.padding = BendPadding::Border;
  c.renormalize = true;
  Bend d;
  d.target = BendTarget::SelfAttention;
  d.op = BendOp::Temperature;
  d.params.temperature = 0.5;
  s.bends = {a, b, c, d};
  return s;
}

std::string error_of(const json& j) {
  try {
    bend_set_from_json(j);
  } catch (const BendError& e) {
    return e.what();
  }
  return "";
}

json one(json bend) { return {{"bends", json::array({std::move(bend)})}}; }

json scale_bend() {
  return {{"target", "cross_attention"}, {"op", {{"name", "scale"}, {"factor", 2}}}, {"where", {{"tokens", {1}}}}};
}

}  // namespace

TEST_CASE("bend JSON: what to_json writes reads back equal, text and all", "[fast]") {
  const BendSet s = rich_set();
  const json j = bend_set_to_json(s);
  CHECK(j["format"] == "wanattn-bends");
  CHECK(j["version"] == 1);
  CHECK(bend_set_from_json(j) == s);
  CHECK(parse_bend_set(j.dump(2), "mem.json") == s);
  // Only the op's own parameters are written; domain/renormalize only for cross_attention.
  CHECK(j["bends"][0]["op"] == json{{"name", "rotate"}, {"degrees", -30.0}, {"padding", "reflect"}});
  CHECK(!j["bends"][1].contains("domain"));
  CHECK(j["bends"][1]["op"] == json{{"name", "clamp"}, {"min", -0.5}, {"max", 0.25}});
}

TEST_CASE("bend JSON: defaults, range text for index lists, 'all'", "[fast]") {
  const BendSet s = bend_set_from_json(one({{"target", "cross_attention"},
                                            {"op", {{"name", "blur"}}},
                                            {"where", {{"steps", "0-4,10-20/5"}, {"blocks", "all"}, {"heads", nullptr}}}}));
  const Bend& b = s.bends[0];
  CHECK(b.params.sigma == 1.0);
  CHECK(b.params.sigma_t == 0.0);
  CHECK(b.strength == 1.0);
  CHECK(b.enabled);
  CHECK(b.domain == BendDomain::PostSoftmax);
  CHECK(b.passes == BendPasses::Cond);
  CHECK(*b.where.steps == std::vector<int>{0, 1, 2, 3, 4, 10, 15, 20});
  CHECK(!b.where.blocks);
  CHECK(!b.where.heads);
  CHECK(index_list_text(b.where.steps) == "0-4,10,15,20");
  CHECK(bend_summary(b).find("blur(sigma=1") != std::string::npos);
}

TEST_CASE("bend JSON: errors name the field and the bad value", "[fast]") {
  auto with = [](const std::function<void(json&)>& edit) {
    json b = scale_bend();
    edit(b);
    return error_of(one(b));
  };
  CHECK(with([](json& b) { b["colour"] = "red"; }).find("bends[0].colour: unknown key") != std::string::npos);
  CHECK(with([](json& b) { b["target"] = "mlp"; }) == "bends[0].target: 'mlp' is not one of: cross_attention, cross_attention_heads, self_attention, ffn");
  CHECK(with([](json& b) { b["op"]["name"] = "explode"; }).find("bends[0].op.name: 'explode' is not one of: scale, add") != std::string::npos);
  CHECK(with([](json& b) { b["op"]["degrees"] = 3; }) == "bends[0].op.degrees: is not a parameter of 'scale' (it takes: factor)");
  CHECK(with([](json& b) { b["op"]["factor"] = "big"; }) == "bends[0].op.factor: must be a number, not \"big\"");
  CHECK(with([](json& b) { b["op"]["factor"] = 1000; }) == "bends[0].op.factor: 1000 is outside [-100, 100]");
  CHECK(with([](json& b) { b["strength"] = 1.5; }) == "bends[0].strength: 1.5 is outside [0, 1]");
  CHECK(with([](json& b) { b["where"]["tokens"] = {1, -2}; }) == "bends[0].where.tokens[1]: -2 is negative");
  CHECK(with([](json& b) { b["where"]["tokens"] = {1, 2.5}; }) == "bends[0].where.tokens[1]: must be an integer, not 2.5");
  CHECK(with([](json& b) { b["where"]["blocks"] = "3-1"; }) == "bends[0].where.blocks: '3-1': range 3-1 runs backwards");
  CHECK(with([](json& b) { b["where"]["neurons"] = {1}; }).find("bends[0].where.neurons: only ffn bends act on neurons") != std::string::npos);
  CHECK(with([](json& b) { b["where"]["region"] = {{"rect", {0.5, 0, 0.2, 1}}}; }).find("bends[0].where.region.rect: [0.5, 0, 0.2, 1] is empty") != std::string::npos);
  CHECK(with([](json& b) { b["where"]["region"] = {{"rect", {0, 0, 1.2, 1}}}; }) == "bends[0].where.region.rect[2]: 1.2 is outside [0, 1]");
  CHECK(with([](json& b) { b["where"]["region"] = json::object(); }) == "bends[0].where.region: is empty: give rect, frames or mask");
  CHECK(with([](json& b) { b["where"]["region"] = {{"mask", {{"rows", 2}, {"cols", 2}, {"values", {1, 0, 1}}}}}; })
            == "bends[0].where.region.mask.values: has 3 values; rows * cols = 4");
  CHECK(with([](json& b) { b["domain"] = "during_softmax"; }) == "bends[0].domain: 'during_softmax' is not one of: post_softmax, pre_softmax");
  CHECK(with([](json& b) { b["domain"] = "pre_softmax", b["renormalize"] = true; }) == "bends[0].renormalize: only post-softmax cross_attention bends renormalise");
  CHECK(with([](json& b) { b["target"] = "ffn", b["where"].erase("tokens"), b["domain"] = "pre_softmax"; })
            .find("bends[0].domain: only cross_attention bends have a softmax") != std::string::npos);
  CHECK(with([](json& b) { b["op"] = {{"name", "temperature"}}; }).find("bends[0].op.name: 'temperature' does not apply to target 'cross_attention'") != std::string::npos);
  CHECK(with([](json& b) { b["op"] = {{"name", "mask"}}; }) == "bends[0].where.region: the mask operation keeps a region: give one (rect, frames or mask)");
  CHECK(with([](json& b) { b.erase("target"); }) == "bends[0].target: is missing");
  CHECK(with([](json& b) { b["op"] = "scale"; }).find("bends[0].op: must be an object") != std::string::npos);
  CHECK(error_of(json::array()) .find("a bend set must be a JSON object") != std::string::npos);
  CHECK(error_of({{"bends", json::array()}, {"version", 2}}) == "version: 2 is not readable by this build (it reads version 1)");
  CHECK(error_of({{"bend", json::array()}}).find("(bend set).bend: unknown key") != std::string::npos);
  try {
    parse_bend_set("{\"bends\": [", "my.json");
    FAIL("no error");
  } catch (const BendError& e) {
    CHECK(std::string(e.what()) == "my.json: not valid JSON");
  }
  try {
    parse_bend_set(one({{"target", "ffn"}, {"op", {{"name", "rotate"}}}}).dump(), "my.json");
    FAIL("no error");
  } catch (const BendError& e) {
    CHECK(e.field() == "bends[0].op.name");
    CHECK(std::string(e.what()).rfind("my.json: bends[0].op.name: 'rotate' does not apply to target 'ffn' (it takes: scale, add, zero, clamp)", 0) == 0);
  }
}

TEST_CASE("bend checks against a run: blocks, heads, tokens and neurons must exist", "[fast]") {
  BendSet s = bend_set_from_json(one(scale_bend()));
  const BendLimits limits{10, 30, 12, 5, 8960};
  CHECK_NOTHROW(check_bend_set(s, limits));
  auto fails = [&](const std::function<void(Bend&)>& edit) {
    BendSet t = s;
    edit(t.bends[0]);
    try {
      check_bend_set(t, limits);
    } catch (const BendError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(fails([](Bend& b) { b.where.blocks = std::vector<int>{2, 30}; }) == "bends[0].where.blocks[1]: block 30 does not exist (there are 30: 0-29)");
  CHECK(fails([](Bend& b) { b.where.heads = std::vector<int>{12}; }) == "bends[0].where.heads[0]: head 12 does not exist (there are 12: 0-11)");
  CHECK(fails([](Bend& b) { b.where.tokens = std::vector<int>{5}; }) == "bends[0].where.tokens[0]: prompt token 5 does not exist (there are 5: 0-4)");
  CHECK(fails([](Bend& b) { b.where.steps = std::vector<int>{40}; }).empty());  // a later step just never comes
  CHECK(fails([](Bend& b) {
          b.target = BendTarget::Ffn, b.where.tokens.reset(), b.where.neurons = std::vector<int>{8960};
        }) == "bends[0].where.neurons[0]: FFN neuron 8960 does not exist (there are 8960: 0-8959)");
}

TEST_CASE("bend names for a UI: targets, ops per target, parameters with ranges", "[fast]") {
  CHECK(bend_target_names().size() == 4);
  CHECK(bend_op_names().size() == 15);
  CHECK(bend_padding_names() == std::vector<std::string>{"zeros", "border", "reflect"});
  std::vector<std::string> ffn;
  for (BendOp o : bend_ops_for(BendTarget::Ffn)) ffn.push_back(to_string(o));
  CHECK(ffn == std::vector<std::string>{"scale", "add", "zero", "clamp"});
  CHECK(bend_op_allowed(BendTarget::SelfAttention, BendOp::Temperature));
  CHECK(!bend_op_allowed(BendTarget::CrossAttentionHeads, BendOp::Temperature));
  CHECK(!bend_op_allowed(BendTarget::SelfAttention, BendOp::Threshold));
  CHECK(bend_ops_for(BendTarget::CrossAttention).size() == 13);
  const auto& rot = bend_op_params(BendOp::Rotate);
  REQUIRE(rot.size() == 2);
  CHECK(rot[0].name == "degrees");
  CHECK(rot[1].kind == "choice");
  CHECK(rot[1].choices == bend_padding_names());
  // Every parameter's default is inside its range and is what a default-made Bend holds.
  for (size_t o = 0; o < bend_op_names().size(); ++o)
    for (const auto& p : bend_op_params(BendOp(o)))
      if (p.kind != "choice") CHECK((p.default_value >= p.min && p.default_value <= p.max));
}

TEST_CASE("bend history: the manifest's entries read back, a bad one is named", "[fast]") {
  BendSchedule h{{0, 1, rich_set()}, {3, 4, BendSet{}}};
  const json j = bend_history_to_json(h);
  CHECK(j[1] == json{{"from_step", 3}, {"version", 4}, {"bends", json::array()}});
  CHECK(bend_history_from_json(j) == h);
  CHECK(bends_at(h, 2) == &h[0]);
  CHECK(bends_at(h, 3) == &h[1]);
  CHECK(bends_at(constant_bends(BendSet{}), 0) == nullptr);
  json bad = j;
  bad[0]["bends"][1]["op"]["min"] = 5;
  try {
    bend_history_from_json(bad);
    FAIL("no error");
  } catch (const BendError& e) {
    CHECK(std::string(e.what()) == "manifest bends[0].bends[1].op: clamp min 5 is above max 0.25");
  }
  bad = j;
  bad[1]["from_step"] = 0;
  CHECK_THROWS_WITH(bend_history_from_json(bad), ContainsSubstring("does not come after the previous entry's 0"));
}

TEST_CASE("LiveBends: sets from another thread land whole, versions only grow, bad sets are refused", "[fast]") {
  LiveBends live;
  CHECK(live.version() == 1);
  CHECK(live.snapshot().set->bends.empty());
  BendSet one_bend = bend_set_from_json(one(scale_bend()));
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) {
      BendSet s = one_bend;
      s.bends[0].params.factor = double(i % 50);
      s.bends.push_back(s.bends[0]);  // two equal bends: a torn set would differ
      live.set(std::move(s));
    }
    stop = true;
  });
  uint64_t last = 0;
  while (!stop) {
    const auto snap = live.snapshot();
    REQUIRE(snap.version >= last);
    last = snap.version;
    if (snap.set->bends.size() == 2) REQUIRE(snap.set->bends[0] == snap.set->bends[1]);
  }
  writer.join();
  CHECK(live.version() == 2001);

  live.set_limits({10, 2, 2, 1, 32});
  BendSet bad = one_bend;  // token 1 with a one-token prompt
  CHECK_THROWS_WITH(live.set(bad), "bends[0].where.tokens[0]: prompt token 1 does not exist (there are 1: 0-0)");
  CHECK(live.version() == 2001);
  live.clear_limits();
  CHECK(live.set(bad) == 2002);
  bad.bends[0].strength = -1;
  CHECK_THROWS_AS(live.set(bad), BendError);
}
