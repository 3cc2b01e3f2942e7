// After training: generates the held-out prompts with the finished folder through the
// ordinary pipeline (same loaders, sampler, capture and store as `wanattn generate`) and
// measures what the CPU tests measure (tests/model/test_demo_model.cpp): whether the object
// has the asked colour, shape and motion, and whether the shape word's attention peaks
// inside it. Here with a simple nearest/bilinear mapping of its own, to tell the person
// running the training at once; the tests go through the studio's renderer. Also writes a
// picture sheet (PPM): per prompt, five frames and the shape word's map over them.
#pragma once
#include <ATen/ATen.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace wanattn::train {

struct EvalOptions {
  std::string model_dir;
  std::string work_dir;             // runs go here (removed afterwards)
  std::string sheet;                // PPM picture sheet ("" = none)
  at::Device device = at::kCPU;
  std::vector<std::string> prompts;
  size_t held_out = 0;              // the first n prompts are held-out pairs: also rated alone
  uint64_t seed = 1000;             // prompt i uses seed + i
  std::optional<int> steps;         // default: the folder's
  std::optional<double> guidance;   // default: the folder's
  std::optional<double> shift;      // default: the folder's scheduler
};

// {"prompts": [...], "following": fraction, "attention_inside": fraction of frames,
//  "held_out": {"following", "attention_inside"},
//  "attention_inside_by_block": {"shape_word": [per block], "shape_word_all_blocks",
//  "colour_word_all_blocks"}} — the last part says which blocks' maps localise the object.
nlohmann::json evaluate_demo(const EvalOptions& options, std::ostream& log);

}  // namespace wanattn::train
