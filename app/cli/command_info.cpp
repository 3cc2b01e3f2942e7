// `wanattn info RUN`: what a run store holds, its status and how far it got.
#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>

#include "commands.h"
#include "core/index_list.h"
#include "core/run_files.h"
#include "core/run_reader.h"
#include "model/bend_history.h"
#include "model/bend_json.h"

namespace fs = std::filesystem;

namespace wanattn::cli {
namespace {

std::string human_bytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  return u ? fmt::format("{:.1f} {}", b, units[u]) : fmt::format("{:.0f} {}", b, units[u]);
}

// Apparent size and the bytes actually on disk (sparse files take less while running).
std::string file_sizes(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return "absent";
  return fmt::format("{} ({} on disk)", human_bytes(double(st.st_size)), human_bytes(double(st.st_blocks) * 512));
}

// Runs shown as ranges: 0-24 rather than 25 numbers.
std::string join_ints(const std::vector<int>& v) { return v.empty() ? "none" : indices_text(v); }

// The bend history: each set with the step it applied from; the maps stored are after them.
void print_bends(const nlohmann::json& bends) {
  try {
    const BendSchedule history = bend_history_from_json(bends);
    for (const auto& change : history) {
      fmt::print("bends      from step {} (version {}): {}\n", change.from_step, change.version,
                 change.set.bends.empty() ? "none" : fmt::format("{} bend(s); stored maps are after them", change.set.bends.size()));
      for (size_t i = 0; i < change.set.bends.size(); ++i)
        fmt::print("  [{}] {}\n", i, bend_summary(change.set.bends[i]));
    }
  } catch (const std::exception& e) {  // a manifest from elsewhere: show what is there
    fmt::print("bends      (unreadable: {}) {}\n", e.what(), bends.dump());
  }
}

void print_info(const std::string& dir, bool show_tokens) {
  const RunReader run = RunReader::open(dir);
  const auto& m = run.manifest();
  fmt::print("run        {}\n", fs::absolute(dir).string());
  fmt::print("status     {}{}\n", to_string(run.health()), m.status.message.empty() ? "" : ": " + m.status.message);
  fmt::print("created    {} by wanattn {}\n", m.created, m.wanattn_version);
  if (m.model.contains("name")) fmt::print("model      {}\n", m.model["name"].get<std::string>());
  fmt::print("prompt     {}\n", m.prompt);
  if (!m.negative_prompt.empty()) fmt::print("negative   {}\n", m.negative_prompt);
  if (!m.generation.empty()) fmt::print("settings   {}\n", m.generation.dump());
  fmt::print("video      {} frames of {}x{} (WxH)\n", m.frames, m.width, m.height);
  fmt::print("grid       {} x {} x {} (latent frames x height x width)\n", m.grid.frames, m.grid.height, m.grid.width);
  fmt::print("capture    steps {} | blocks {} | {} head(s) ({}) | {} tokens | branch {}\n",
             join_ints(m.capture.steps), join_ints(m.capture.blocks), m.capture.heads, m.capture.head_mode,
             m.capture.tokens, m.capture.branch);
  const int total = run.steps() * run.blocks();
  fmt::print("progress   {}/{} slices written\n", run.ready_count(), total);
  if (total > 0 && run.ready_count() < total) {
    std::string rows;
    for (int s = 0; s < run.steps(); ++s) {
      int n = 0;
      for (int b = 0; b < run.blocks(); ++b) n += run.ready(s, b);
      if (n != run.blocks()) rows += fmt::format(" step {}: {}/{};", m.capture.steps[size_t(s)], n, run.blocks());
    }
    fmt::print("missing   {}\n", rows);
  }
  for (const char* f : {run_files::kAttention, run_files::kHeadMean, run_files::kPadding, run_files::kTokenMean,
                        run_files::kProgress, run_files::kFrames, run_files::kPreviews}) {
    if (fs::exists(fs::path(dir) / f)) fmt::print("file       {:<16} {}\n", f, file_sizes(fs::path(dir) / f));
  }
  for (const auto& [stage, secs] : m.timings) fmt::print("timing     {:<16} {:.3f} s\n", stage, secs);
  if (!m.bends.empty()) print_bends(m.bends);
  if (show_tokens) {
    fmt::print("tokens\n");
    for (size_t i = 0; i < m.tokens.size(); ++i) {
      const auto& t = m.tokens[i];
      const std::string word = t.word >= 0 && size_t(t.word) < m.words.size() ? m.words[size_t(t.word)].text : "(EOS)";
      fmt::print("  {:>3}  id {:>6}  {:<16} word {:<16} chars [{}, {}){}\n", i, t.id, t.piece, word, t.char_begin,
                 t.char_end, int(i) < m.capture.tokens ? "" : "  (not stored)");
    }
  }
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "Print what a run store holds");
  auto dir = std::make_shared<std::string>();
  auto tokens = std::make_shared<bool>(false);
  cmd->add_option("run", *dir, "Run directory")->required();
  cmd->add_flag("--tokens", *tokens, "List every token with its piece, word and character span");
  cmd->callback([dir, tokens] { print_info(*dir, *tokens); });
}

}  // namespace wanattn::cli
