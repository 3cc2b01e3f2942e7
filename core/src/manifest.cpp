#include "core/manifest.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <type_traits>

#include "core/store_error.h"

namespace wanattn {
namespace {

using nlohmann::json;

[[noreturn]] void bad_manifest(const std::string& where, const std::string& what) {
  throw StoreError(StoreErrorKind::BadManifest, fmt::format("{}: {}", where, what));
}

const json& field(const json& j, const char* key, const std::string& where, const std::string& path) {
  if (!j.is_object()) bad_manifest(where, fmt::format("'{}' must be an object", path.empty() ? "(top level)" : path));
  auto it = j.find(key);
  if (it == j.end()) bad_manifest(where, fmt::format("missing field '{}{}'", path.empty() ? "" : path + ".", key));
  return *it;
}

// nlohmann's get<int>() static_casts any number: a float out of range is undefined
// behaviour and 4294967297 silently becomes 1. Integer fields must be JSON integers that
// fit (found by fuzzing, docs/fuzzing.md).
template <class T>
bool integer_fits(const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>() <= uint64_t(std::numeric_limits<T>::max());
  if (!v.is_number_integer()) return false;
  const int64_t x = v.get<int64_t>();
  return x >= int64_t(std::numeric_limits<T>::min()) && x <= int64_t(std::numeric_limits<T>::max());
}

template <class T>
void check_integer(const json& v, const std::string& where, const std::string& name) {
  if (integer_fits<T>(v)) return;
  if (!v.is_number()) bad_manifest(where, fmt::format("field '{}' has the wrong type ({})", name, v.type_name()));
  bad_manifest(where, fmt::format("field '{}' must be an integer in [{}, {}], not {}", name, std::numeric_limits<T>::min(),
                         std::numeric_limits<T>::max(), v.dump()));
}

template <class T> struct is_integer_vector : std::false_type {};
template <class E> struct is_integer_vector<std::vector<E>> : std::bool_constant<std::is_integral_v<E> && !std::is_same_v<E, bool>> {};

template <class T>
T get(const json& j, const char* key, const std::string& where, const std::string& path = "") {
  const json& v = field(j, key, where, path);
  const std::string name = fmt::format("{}{}", path.empty() ? "" : path + ".", key);
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    check_integer<T>(v, where, name);
  } else if constexpr (is_integer_vector<T>::value) {
    if (v.is_array())
      for (size_t i = 0; i < v.size(); ++i) check_integer<typename T::value_type>(v[i], where, fmt::format("{}[{}]", name, i));
  }
  try {
    return v.get<T>();
  } catch (const json::exception&) {
    bad_manifest(where, fmt::format("field '{}' has the wrong type ({})", name, v.type_name()));
  }
}

template <class T>
T get_or(const json& j, const char* key, T fallback, const std::string& where, const std::string& path = "") {
  if (!j.is_object() || !j.contains(key)) return fallback;
  return get<T>(j, key, where, path);
}

void check_range(int64_t v, int64_t lo, int64_t hi, const std::string& where, const std::string& name) {
  if (v < lo || v > hi) bad_manifest(where, fmt::format("'{}' = {} is outside [{}, {}]", name, v, lo, hi));
}

}  // namespace

const char* to_string(RunState s) {
  switch (s) {
    case RunState::Running: return "running";
    case RunState::Complete: return "complete";
    case RunState::Cancelled: return "cancelled";
    case RunState::Failed: return "failed";
  }
  return "?";
}

RunState run_state_from_string(const std::string& s, const std::string& where) {
  if (s == "running") return RunState::Running;
  if (s == "complete") return RunState::Complete;
  if (s == "cancelled") return RunState::Cancelled;
  if (s == "failed") return RunState::Failed;
  bad_manifest(where, fmt::format("unknown status '{}' (expected running, complete, cancelled or failed)", s));
}

std::vector<uint64_t> RunManifest::attention_shape() const {
  return {uint64_t(capture.steps.size()), uint64_t(capture.blocks.size()), uint64_t(capture.heads),
          uint64_t(capture.tokens), uint64_t(grid.frames), uint64_t(grid.height), uint64_t(grid.width)};
}

json to_json(const RunManifest& m) {
  json tokens = json::array();
  for (const auto& t : m.tokens)
    tokens.push_back({{"id", t.id}, {"piece", t.piece}, {"word", t.word}, {"span", {t.char_begin, t.char_end}}});
  json words = json::array();
  for (const auto& w : m.words) words.push_back({{"text", w.text}, {"span", {w.char_begin, w.char_end}}});
  json j = m.extra;
  j["format"] = "wanattn-run";
  j["format_version"] = m.format_version;
  j["created"] = m.created;
  j["wanattn_version"] = m.wanattn_version;
  j["model"] = m.model;
  j["prompt"] = m.prompt;
  j["negative_prompt"] = m.negative_prompt;
  j["generation"] = m.generation;
  j["video"] = {{"frames", m.frames}, {"height", m.height}, {"width", m.width}};
  j["latent_grid"] = {{"frames", m.grid.frames}, {"height", m.grid.height}, {"width", m.grid.width}};
  j["tokens"] = tokens;
  j["words"] = words;
  j["capture"] = {{"steps", m.capture.steps},         {"blocks", m.capture.blocks},
                  {"heads", m.capture.heads},         {"model_heads", m.capture.model_heads},
                  {"head_mode", m.capture.head_mode}, {"tokens", m.capture.tokens},
                  {"branch", m.capture.branch},       {"padding_mass", m.capture.padding_mass},
                  {"dtype", "float16"}};
  j["bends"] = m.bends;
  j["status"] = {{"state", to_string(m.status.state)}, {"message", m.status.message},
                 {"writer_pid", m.status.writer_pid}, {"writer_host", m.status.writer_host},
                 {"updated", m.status.updated}};
  j["timings"] = m.timings;
  return j;
}

RunManifest manifest_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) bad_manifest(where, "the manifest is not a JSON object");
  if (get_or<std::string>(j, "format", "", where) != "wanattn-run") bad_manifest(where, "field 'format' is not \"wanattn-run\"");
  RunManifest m;
  m.format_version = get<int>(j, "format_version", where);
  if (m.format_version != kStoreFormatVersion)
    throw StoreError(StoreErrorKind::UnknownVersion,
                     fmt::format("{}: store format version {} is not readable by this build (it reads version {})",
                                 where, m.format_version, kStoreFormatVersion));
  m.created = get_or<std::string>(j, "created", "", where);
  m.wanattn_version = get_or<std::string>(j, "wanattn_version", "", where);
  m.model = get_or<json>(j, "model", json::object(), where);
  m.prompt = get<std::string>(j, "prompt", where);
  m.negative_prompt = get_or<std::string>(j, "negative_prompt", "", where);
  m.generation = get_or<json>(j, "generation", json::object(), where);

  const json& video = field(j, "video", where, "");
  m.frames = get<int>(video, "frames", where, "video");
  m.height = get<int>(video, "height", where, "video");
  m.width = get<int>(video, "width", where, "video");
  const json& grid = field(j, "latent_grid", where, "");
  m.grid.frames = get<int>(grid, "frames", where, "latent_grid");
  m.grid.height = get<int>(grid, "height", where, "latent_grid");
  m.grid.width = get<int>(grid, "width", where, "latent_grid");
  check_range(m.grid.frames, 1, 1024, where, "latent_grid.frames");
  check_range(m.grid.height, 1, 1024, where, "latent_grid.height");
  check_range(m.grid.width, 1, 1024, where, "latent_grid.width");
  check_range(m.frames, 0, 1 << 20, where, "video.frames");
  check_range(m.height, 0, 1 << 16, where, "video.height");
  check_range(m.width, 0, 1 << 16, where, "video.width");

  const json& words = get_or<json>(j, "words", json::array(), where);
  if (!words.is_array()) bad_manifest(where, "field 'words' must be an array");
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string p = fmt::format("words[{}]", i);
    WordInfo w;
    w.text = get<std::string>(words[i], "text", where, p);
    auto span = get<std::vector<int64_t>>(words[i], "span", where, p);
    if (span.size() != 2 || span[0] > span[1]) bad_manifest(where, fmt::format("'{}.span' must be [begin, end]", p));
    w.char_begin = span[0];
    w.char_end = span[1];
    m.words.push_back(std::move(w));
  }
  const json& tokens = field(j, "tokens", where, "");
  if (!tokens.is_array()) bad_manifest(where, "field 'tokens' must be an array");
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string p = fmt::format("tokens[{}]", i);
    TokenInfo t;
    t.id = get<int64_t>(tokens[i], "id", where, p);
    t.piece = get<std::string>(tokens[i], "piece", where, p);
    t.word = get_or<int>(tokens[i], "word", -1, where, p);
    if (t.word < -1 || t.word >= int(m.words.size()))
      bad_manifest(where, fmt::format("'{}.word' = {} is not a word index (there are {} words)", p, t.word, m.words.size()));
    auto span = get_or<std::vector<int64_t>>(tokens[i], "span", {0, 0}, where, p);
    if (span.size() != 2 || span[0] > span[1]) bad_manifest(where, fmt::format("'{}.span' must be [begin, end]", p));
    t.char_begin = span[0];
    t.char_end = span[1];
    m.tokens.push_back(std::move(t));
  }

  const json& cap = field(j, "capture", where, "");
  m.capture.steps = get<std::vector<int>>(cap, "steps", where, "capture");
  m.capture.blocks = get<std::vector<int>>(cap, "blocks", where, "capture");
  m.capture.heads = get<int>(cap, "heads", where, "capture");
  m.capture.model_heads = get_or<int>(cap, "model_heads", m.capture.heads, where, "capture");
  m.capture.head_mode = get_or<std::string>(cap, "head_mode", "per_head", where, "capture");
  m.capture.tokens = get<int>(cap, "tokens", where, "capture");
  m.capture.branch = get_or<std::string>(cap, "branch", "cond", where, "capture");
  m.capture.padding_mass = get_or<bool>(cap, "padding_mass", false, where, "capture");
  if (get_or<std::string>(cap, "dtype", "float16", where, "capture") != "float16")
    bad_manifest(where, "'capture.dtype' must be \"float16\"");
  if (m.capture.head_mode != "per_head" && m.capture.head_mode != "mean")
    bad_manifest(where, fmt::format("'capture.head_mode' is '{}' (expected per_head or mean)", m.capture.head_mode));
  check_range(int64_t(m.capture.steps.size()), 0, 10000, where, "capture.steps (count)");
  check_range(int64_t(m.capture.blocks.size()), 0, 1000, where, "capture.blocks (count)");
  check_range(m.capture.heads, 1, 1024, where, "capture.heads");
  check_range(m.capture.tokens, 0, 512, where, "capture.tokens");
  if (m.capture.head_mode == "mean" && m.capture.heads != 1) bad_manifest(where, "'capture.heads' must be 1 with head_mode \"mean\"");
  if (m.capture.tokens > int(m.tokens.size()))
    bad_manifest(where, fmt::format("'capture.tokens' = {} but only {} tokens are listed", m.capture.tokens, m.tokens.size()));

  m.bends = get_or<json>(j, "bends", json::array(), where);
  const json& st = field(j, "status", where, "");
  m.status.state = run_state_from_string(get<std::string>(st, "state", where, "status"), where);
  m.status.message = get_or<std::string>(st, "message", "", where, "status");
  m.status.writer_pid = get_or<int64_t>(st, "writer_pid", 0, where, "status");
  m.status.writer_host = get_or<std::string>(st, "writer_host", "", where, "status");
  m.status.updated = get_or<std::string>(st, "updated", "", where, "status");
  m.timings = get_or<std::map<std::string, double>>(j, "timings", {}, where);

  static const char* known[] = {"format", "format_version", "created", "wanattn_version", "model", "prompt",
                                "negative_prompt", "generation", "video", "latent_grid", "tokens", "words",
                                "capture", "bends", "status", "timings"};
  m.extra = j;
  for (const char* k : known) m.extra.erase(k);
  return m;
}

RunManifest parse_manifest(std::string_view text, const std::string& where) {
  // nlohmann copies, compares and prints JSON recursively: a manifest.json of 10^6 nested
  // brackets (2 MB) overflowed the stack (found while fuzzing, docs/fuzzing.md). Real
  // manifests nest a few levels; free-form model configs stay far below this.
  static constexpr int kMaxDepth = 100;
  const json::parser_callback_t limit_depth = [&where](int depth, json::parse_event_t, json&) {
    if (depth > kMaxDepth) bad_manifest(where, fmt::format("JSON nested deeper than {} levels", kMaxDepth));
    return true;
  };
  json j = json::parse(text.begin(), text.end(), limit_depth, /*allow_exceptions=*/false);
  if (j.is_discarded()) bad_manifest(where, "not valid JSON");
  return manifest_from_json(j, where);
}

RunManifest load_manifest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) throw StoreError(StoreErrorKind::MissingFile, fmt::format("missing file '{}'", path));
    throw_io_error("cannot read", path, errno);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_manifest(ss.str(), path);
}

void save_manifest_atomic(const RunManifest& m, const std::string& path) {
  const std::string text = to_json(m).dump(2) + "\n";
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_io_error("cannot create", tmp, errno);
  size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(tmp.c_str());
      if (err == ENOSPC) throw StoreError(StoreErrorKind::Io, fmt::format("disk full while writing '{}'", tmp));
      throw_io_error("cannot write", tmp, err);
    }
    off += size_t(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw_io_error("cannot sync", tmp, err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw_io_error("cannot rename manifest to", path, err);
  }
}

std::string utc_now_iso8601() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace wanattn
