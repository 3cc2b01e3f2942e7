// `wanattn bench store`: write throughput of the run store against a plain sequential
// write of the same bytes in the same directory, and read latencies of a slice and of
// the aggregates.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>

#include "commands.h"
#include "core/half.h"
#include "core/run_reader.h"
#include "core/run_writer.h"
#include "core/store_error.h"

namespace fs = std::filesystem;

namespace wanattn::cli {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct BenchArgs {
  std::string dir = "bench-store.tmp";
  int steps = 25, blocks = 30, heads = 12, tokens = 30, frames = 16, height = 30, width = 52;
  int repeats = 200;
  int rounds = 2;
  bool keep = false;
};

RunManifest bench_manifest(const BenchArgs& a) {
  RunManifest m;
  m.prompt = "benchmark";
  m.frames = 4 * (a.frames - 1) + 1;
  m.height = a.height * 16;
  m.width = a.width * 16;
  m.grid = {a.frames, a.height, a.width};
  for (int t = 0; t < a.tokens; ++t) m.tokens.push_back({t, fmt::format("tok{}", t), -1, 0, 0});
  for (int s = 0; s < a.steps; ++s) m.capture.steps.push_back(s);
  for (int b = 0; b < a.blocks; ++b) m.capture.blocks.push_back(b);
  m.capture.heads = a.heads;
  m.capture.model_heads = a.heads;
  m.capture.tokens = a.tokens;
  m.capture.padding_mass = true;
  return m;
}

// The baseline: the same bytes written sequentially with pwrite, like dd, then synced.
double plain_write(const std::string& path, const std::vector<uint16_t>& buf, int slices, uint64_t extra_bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + path);
  const auto t0 = Clock::now();
  uint64_t off = 0;
  const size_t bytes = buf.size() * 2;
  for (int i = 0; i < slices; ++i) {
    if (::pwrite(fd, buf.data(), bytes, off_t(off)) != ssize_t(bytes)) throw std::runtime_error("plain write failed");
    off += bytes;
  }
  // The store also writes padding and head-mean maps: write as many bytes here too.
  for (uint64_t left = extra_bytes; left > 0;) {
    const size_t n = size_t(std::min<uint64_t>(left, bytes));
    if (::pwrite(fd, buf.data(), n, off_t(off)) != ssize_t(n)) throw std::runtime_error("plain write failed");
    off += n;
    left -= n;
  }
  ::fdatasync(fd);
  const double dt = seconds_since(t0);
  ::close(fd);
  return dt;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void run_bench_store(const BenchArgs& a) {
  fs::remove_all(a.dir);
  fs::create_directories(a.dir);
  RunManifest m = bench_manifest(a);
  const size_t L = size_t(m.grid.size());
  const size_t slice = size_t(a.heads) * a.tokens * L;
  const int slices = a.steps * a.blocks;
  const uint64_t slice_bytes = uint64_t(slice) * 2;
  const uint64_t aux_bytes = uint64_t(slices) * (uint64_t(a.heads) * L * 2 + (a.heads > 1 ? uint64_t(a.tokens) * L * 2 : 0));
  const double total_gb = double(slice_bytes * slices + aux_bytes) / 1e9;
  fmt::print("store bench: {} steps x {} blocks x {} heads x {} tokens x {}x{}x{} float16\n", a.steps, a.blocks, a.heads,
             a.tokens, a.frames, a.height, a.width);
  fmt::print("  attention {:.2f} GB + padding/head-mean {:.2f} GB in '{}' (free: {:.1f} GB)\n",
             double(slice_bytes * slices) / 1e9, double(aux_bytes) / 1e9, a.dir, double(free_disk_bytes(a.dir)) / 1e9);

  // Realistic content: small positive probabilities (not zeros, so nothing is trivially sparse).
  std::vector<uint16_t> buf(slice), pad(size_t(a.heads) * L);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(0.0f, 0.05f);
  for (auto& v : buf) v = float_to_half(dist(rng));
  for (auto& v : pad) v = float_to_half(0.5f + dist(rng));

  // Alternate the order across rounds so page-cache state does not favour either side.
  const std::string plain_path = (fs::path(a.dir) / "plain.bin").string();
  const std::string run_dir = (fs::path(a.dir) / "run").string();
  std::vector<double> t_plain, t_store;
  double t_create = 0;
  for (int round = 0; round < a.rounds; ++round) {
    for (int part = 0; part < 2; ++part) {
      const bool plain_now = (part == 0) == (round % 2 == 0);
      if (plain_now) {
        t_plain.push_back(plain_write(plain_path, buf, slices, aux_bytes));
        fs::remove(plain_path);
      } else {
        fs::remove_all(run_dir);
        const auto t0 = Clock::now();
        auto writer = RunWriter::create(run_dir, m);
        t_create = seconds_since(t0);
        for (int s = 0; s < a.steps; ++s)
          for (int b = 0; b < a.blocks; ++b) writer->write_slice(s, b, buf.data(), pad.data());
        writer->finish(RunState::Complete);
        t_store.push_back(seconds_since(t0));
      }
    }
    fmt::print("  round {}: plain {:.2f} s ({:.2f} GB/s), store {:.2f} s ({:.2f} GB/s)\n", round + 1, t_plain.back(),
               total_gb / t_plain.back(), t_store.back(), total_gb / t_store.back());
  }
  const double tp = median(t_plain), ts = median(t_store);
  fmt::print("  plain sequential write + fdatasync : {:7.2f} s  {:6.2f} GB/s (median of {})\n", tp, total_gb / tp, a.rounds);
  fmt::print("  store (create, write_slice, finish): {:7.2f} s  {:6.2f} GB/s  ({:.1f}% of plain; create {:.1f} ms)\n",
             ts, total_gb / ts, 100.0 * tp / ts, t_create * 1e3);

  // Reads: open, then one slice map and aggregates, warm (page cache), median of repeats.
  const auto t1 = Clock::now();
  RunReader run = RunReader::open(run_dir);
  const double t_open = seconds_since(t1);
  std::vector<float> out(L);
  std::vector<double> t_map, t_hmean, t_tmean;
  std::mt19937 pick(11);
  for (int r = 0; r < a.repeats; ++r) {
    const int s = int(pick() % a.steps), b = int(pick() % a.blocks), h = int(pick() % a.heads), t = int(pick() % a.tokens);
    // Make the slice cached first: the goal is latency once cached.
    halves_to_floats(run.map(s, b, h, t).data, out.data(), L);
    auto ts = Clock::now();
    halves_to_floats(run.map(s, b, h, t).data, out.data(), L);
    t_map.push_back(seconds_since(ts));
    halves_to_floats(run.head_mean(s, b, t).data, out.data(), L);
    ts = Clock::now();
    halves_to_floats(run.head_mean(s, b, t).data, out.data(), L);
    t_hmean.push_back(seconds_since(ts));
    ts = Clock::now();
    auto tm = run.token_mean(t);
    t_tmean.push_back(seconds_since(ts));
  }
  volatile float sink = out[0];
  (void)sink;
  fmt::print("  open run                            : {:8.3f} ms\n", t_open * 1e3);
  fmt::print("  read one map [F,h,w] as float (warm): {:8.3f} ms median of {}\n", median(t_map) * 1e3, a.repeats);
  fmt::print("  read one head-mean map (aggregate)  : {:8.3f} ms median\n", median(t_hmean) * 1e3);
  fmt::print("  read one token's global mean        : {:8.3f} ms median\n", median(t_tmean) * 1e3);
  if (!a.keep) fs::remove_all(a.dir);
}

}  // namespace

void add_bench_store(CLI::App& bench) {
  auto* cmd = bench.add_subcommand("store", "Run-store write throughput vs a plain write, and read latency");
  auto a = std::make_shared<BenchArgs>();
  cmd->add_option("--dir", a->dir, "Scratch directory (removed afterwards)");
  cmd->add_option("--steps", a->steps, "Diffusion steps")->check(CLI::Range(1, 1000));
  cmd->add_option("--blocks", a->blocks, "Blocks")->check(CLI::Range(1, 100));
  cmd->add_option("--heads", a->heads, "Heads")->check(CLI::Range(1, 128));
  cmd->add_option("--tokens", a->tokens, "Tokens")->check(CLI::Range(1, 512));
  cmd->add_option("--frames", a->frames, "Latent frames")->check(CLI::Range(1, 1024));
  cmd->add_option("--height", a->height, "Patch-grid height")->check(CLI::Range(1, 1024));
  cmd->add_option("--width", a->width, "Patch-grid width")->check(CLI::Range(1, 1024));
  cmd->add_option("--repeats", a->repeats, "Read repeats")->check(CLI::Range(1, 100000));
  cmd->add_option("--rounds", a->rounds, "Write rounds (plain and store alternate their order)")->check(CLI::Range(1, 20));
  cmd->add_flag("--keep", a->keep, "Keep the scratch directory");
  cmd->callback([a] { run_bench_store(*a); });
}

}  // namespace wanattn::cli
