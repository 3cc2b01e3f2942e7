// manifest.json of a run: what was generated, how, what the arrays hold, and the run's status.
// Specified in docs/store-format.md (format_version 1).
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wanattn {

inline constexpr int kStoreFormatVersion = 1;

enum class RunState { Running, Complete, Cancelled, Failed };
const char* to_string(RunState s);
RunState run_state_from_string(const std::string& s, const std::string& where);

// One of the 512 text positions that carries a real token (EOS included).
struct TokenInfo {
  int64_t id = 0;
  std::string piece;       // as shown to a person (word-boundary marker made readable)
  int word = -1;           // index into RunManifest::words, -1 for EOS
  int64_t char_begin = 0;  // span in the prompt as the user typed it, bytes [begin, end)
  int64_t char_end = 0;
};

struct WordInfo {
  std::string text;
  int64_t char_begin = 0;
  int64_t char_end = 0;
};

// Which maps the store holds. Store index -> model index through `steps` and `blocks`.
struct CaptureSelection {
  std::vector<int> steps;        // sampler step indices captured, ascending
  std::vector<int> blocks;       // transformer block indices captured, ascending
  int heads = 1;                 // heads stored per slice (1 with head_mode "mean")
  int model_heads = 1;           // heads the model has
  std::string head_mode = "per_head";  // "per_head" or "mean"
  int tokens = 0;                // real prompt tokens stored (EOS included)
  std::string branch = "cond";   // "cond", or "uncond" for a second store
  bool padding_mass = true;      // padding.npy present
};

struct LatentGrid {  // the DiT's patch grid: the spatial/temporal layout of a map
  int frames = 0;
  int height = 0;
  int width = 0;
  int64_t size() const { return int64_t(frames) * height * width; }
};

struct RunStatus {
  RunState state = RunState::Running;
  std::string message;  // why a run failed or was cancelled
  int64_t writer_pid = 0;
  std::string writer_host;
  std::string updated;  // ISO-8601 UTC
};

struct RunManifest {
  int format_version = kStoreFormatVersion;
  std::string created;          // ISO-8601 UTC
  std::string wanattn_version;

  nlohmann::json model = nlohmann::json::object();       // identity, variant, layout, config
  nlohmann::json generation = nlohmann::json::object();  // prompt, negative, seed, steps, guidance, ...
  std::string prompt;
  std::string negative_prompt;
  int frames = 0;  // video frames
  int height = 0;  // video pixels
  int width = 0;
  LatentGrid grid;
  std::vector<TokenInfo> tokens;
  std::vector<WordInfo> words;
  CaptureSelection capture;
  nlohmann::json bends = nlohmann::json::array();
  RunStatus status;
  std::map<std::string, double> timings;  // seconds, by stage
  nlohmann::json extra = nlohmann::json::object();  // fields other writers add; kept verbatim

  // [steps, blocks, heads, tokens, F, h, w] of attention.npy
  std::vector<uint64_t> attention_shape() const;
};

nlohmann::json to_json(const RunManifest& m);
// Throws StoreError(BadManifest / UnknownVersion) naming `where` and the field at fault.
RunManifest manifest_from_json(const nlohmann::json& j, const std::string& where);
RunManifest parse_manifest(std::string_view text, const std::string& where);

RunManifest load_manifest(const std::string& path);
// Temp file + fsync + rename: a reader sees the old or the new manifest, never half of one.
void save_manifest_atomic(const RunManifest& m, const std::string& path);

std::string utc_now_iso8601();

}  // namespace wanattn
