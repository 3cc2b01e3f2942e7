// The pipeline fixtures (tests/reference/pipeline_reference.py, written under
// WANATTN_PIPELINE_FIXTURES by ctest's pipeline_reference fixture): each scenario folder has a
// tiny diffusers model, request.json and the reference outputs. Shared by the pipeline and
// bend-pipeline tests.
#pragma once
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "model/pipeline_request.h"

namespace wanattn::test {

inline std::filesystem::path pipeline_fixture(const std::string& scenario) {
  return std::filesystem::path(WANATTN_PIPELINE_FIXTURES) / scenario;
}

inline nlohmann::json pipeline_request_json(const std::string& scenario) {
  nlohmann::json j;
  std::ifstream(pipeline_fixture(scenario) / "request.json") >> j;
  return j;
}

// The scenario's call, as `wanattn generate` would make it.
inline GenerateRequest pipeline_request(const std::string& scenario, const std::string& out) {
  const nlohmann::json j = pipeline_request_json(scenario);
  GenerateRequest rq;
  rq.prompt = j["prompt"];
  rq.negative = j["negative"].get<std::string>();
  rq.seed = j["seed"];
  rq.steps = j["steps"];
  rq.guidance = j["guidance"];
  rq.width = j["width"];
  rq.height = j["height"];
  rq.frames = j["frames"];
  rq.out_dir = out;
  return rq;
}

}  // namespace wanattn::test
