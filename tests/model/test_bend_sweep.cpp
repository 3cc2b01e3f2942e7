// `wanattn sweep` as a user runs it, on the tiny diffusers folder of the pipeline fixtures:
// 3 rows (baseline, a bend at strength 0 and 1) x 2 seeds. The contact sheet is read back as
// a PNG, every MP4 is decoded, the strength-0 row is bitwise the baseline and strength 1 is
// not; a bad value is refused by name before anything runs.
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/wait.h>

#include "render/decode_mp4.h"
#include "support/temp_dir.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kModel = fs::path(WANATTN_PIPELINE_FIXTURES) / "unipc_cfg" / "model";

json sweep_file(const std::string& out) {
  json j = json::object();
  j["model"] = kModel.string();
  j["out"] = out;
  j["generate"] = json::parse(R"({"prompt": "A cat dances in the rain, cinematic.", "negative": "blurry, static",
      "steps": 2, "guidance": 5.0, "size": "48x32", "frames": 9, "device": "cpu", "noise_device": "cpu", "no_cache": true})");
  j["sweep"] = json::parse(R"([{"bend": {"label": "cat x3", "target": "cross_attention", "op": {"name": "scale", "factor": 3},
      "where": {"tokens": [1, 2]}}, "parameter": "strength", "values": [0, 1]}])");
  j["seeds"] = json::array({1, 2});
  j["cell_width"] = 96;
  return j;
}

// Runs the CLI; returns its exit status, with its output in `log`.
int run(const std::string& args, std::string& log, const std::string& dir) {
  const std::string out = dir + "/log.txt";
  const int status = std::system((std::string(WANATTN_BIN) + " " + args + " > " + out + " 2>&1").c_str());
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  log = ss.str();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("wanattn sweep: bends x values x seeds -> runs, MP4s and a contact sheet", "[parity]") {
  if (!fs::exists(kModel)) WANATTN_SKIP("no pipeline fixtures");
  wanattn::test::TempDir tmp("bend-sweep");
  const std::string out = tmp.sub("sweep");
  std::ofstream(tmp.sub("sweep.json")) << sweep_file(out).dump(2);
  std::string log;
  REQUIRE(run("sweep " + tmp.sub("sweep.json"), log, tmp.str()) == 0);
  INFO(log);
  CHECK(log.find("3 rows x 2 seeds = 6 runs") != std::string::npos);
  CHECK(log.find("row 1: cat x3 strength=0") != std::string::npos);

  json index;
  std::ifstream(fs::path(out) / "sweep_index.json") >> index;
  REQUIRE(index["rows"].size() == 3);
  CHECK(index["rows"][0]["label"] == "unbent");
  for (const auto& row : index["rows"]) {
    REQUIRE(row["runs"].size() == 2);
    for (const auto& r : row["runs"]) {
      const auto v = wanattn::test::decode_mp4(r["mp4"].get<std::string>());
      CHECK(v.frames.size() == 9);
      CHECK(v.width == 48);
      CHECK(v.height == 32);
    }
  }
  // Strength 0 is the unbent run to the byte; strength 1 changes the video; seeds differ.
  auto frames = [&](int row, int seed) { return bytes(fs::path(index["rows"][row]["runs"][seed]["run"].get<std::string>()) / "frames.npy"); };
  for (int seed : {0, 1}) {
    CHECK(frames(1, seed) == frames(0, seed));
    CHECK(frames(2, seed) != frames(0, seed));
  }
  CHECK(frames(0, 0) != frames(0, 1));
  json m;
  std::ifstream(fs::path(index["rows"][2]["runs"][0]["run"].get<std::string>()) / "manifest.json") >> m;
  CHECK(m["bends"][0]["bends"][0]["label"] == "cat x3");

  // The contact sheet: 3 x 2 cells of 96 x 64, labels around them.
  const cv::Mat sheet = cv::imread(index["contact_sheet"].get<std::string>(), cv::IMREAD_COLOR);
  REQUIRE(!sheet.empty());
  CHECK(sheet.cols >= 2 * 96);
  CHECK(sheet.rows >= 3 * 64);
  const auto anim = wanattn::test::decode_mp4(index["contact_sheet_mp4"].get<std::string>());
  CHECK(anim.frames.size() == 9);
  CHECK(std::abs(anim.width - sheet.cols) <= 1);

  // A value out of range is named, and nothing runs.
  json bad = sweep_file(tmp.sub("bad"));
  bad["sweep"][0]["values"] = json::array({0.5, 2});
  std::ofstream(tmp.sub("bad.json")) << bad.dump();
  CHECK(run("sweep " + tmp.sub("bad.json"), log, tmp.str()) == 1);
  CHECK(log.find("sweep[0].values[1] -> sweep[0].bend.strength: 2 is outside [0, 1]") != std::string::npos);
  CHECK(!fs::exists(tmp.sub("bad")));
}
