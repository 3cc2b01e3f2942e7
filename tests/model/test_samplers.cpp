// Flow samplers against diffusers' UniPCMultistepScheduler (flow sigmas) and
// FlowMatchEulerDiscreteScheduler (tests/reference/sampler_reference.py): timesteps exact,
// sigmas and every step's sample within 1e-6 over whole loops; the official grid against
// the timesteps WAN21_SPEC 5.2 lists; bad arguments get clear errors.
#include <torch/torch.h>

#include <fmt/format.h>

#include <filesystem>
#include <tuple>

#include "model/flow_sampler.h"
#include "model/safetensors_file.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(WANATTN_SAMPLER_FIXTURES);

at::Tensor velocity(const at::Tensor& x, double t) {  // the script's stand-in for the DiT
  return at::tanh(0.7 * x) + 0.3 * at::sin(x * (1 + t / 1000.0)) - 0.1 * x;
}

}  // namespace

TEST_CASE("samplers equal diffusers: timesteps, sigmas and every step of a loop", "[parity]") {
  if (!fs::exists(kFixtures / "unipc_25_5.safetensors")) WANATTN_SKIP("no sampler fixtures (fixture sampler_reference did not run)");
  for (const auto& [name, steps, shift] : std::vector<std::tuple<std::string, int, double>>{
           {"unipc", 25, 3.0}, {"unipc", 25, 5.0}, {"unipc", 50, 5.0}, {"unipc", 1, 5.0}, {"unipc", 2, 3.0},
           {"unipc", 3, 1.0}, {"euler", 25, 5.0}, {"euler", 2, 7.0}}) {
    const std::string file = fmt::format("{}_{}_{:g}.safetensors", name, steps, shift);
    INFO(file);
    const auto ref = SafetensorsFile::open((kFixtures / file).string());
    auto sampler = make_flow_sampler(name, steps, shift, FlowGrid::Diffusers);
    const at::Tensor ts = ref->tensor("timesteps"), sig = ref->tensor("sigmas"), want = ref->tensor("samples");
    REQUIRE(int64_t(sampler->timesteps().size()) == ts.size(0));
    for (int i = 0; i < steps; ++i) CHECK(sampler->timesteps()[size_t(i)] == ts[i].item<double>());
    REQUIRE(int64_t(sampler->sigmas().size()) == sig.size(0));
    for (int64_t i = 0; i < sig.size(0); ++i) CHECK(std::abs(sampler->sigmas()[size_t(i)] - sig[i].item<float>()) <= 1e-6);
    at::Tensor x = ref->tensor("start").clone();
    for (int i = 0; i < steps; ++i) {
      x = sampler->step(velocity(x, sampler->timesteps()[size_t(i)]), x);
      CHECK((x - want[i]).abs().max().item<double>() <= 1e-6 * std::max(1.0, want[i].abs().max().item<double>()));
    }
    CHECK_THROWS_AS(sampler->step(x, x), std::logic_error);  // one step too many
  }
}

TEST_CASE("the official grid gives the timesteps of the official scheduler", "[fast]") {
  // WAN21_SPEC 5.2 (read from the official code), N = 25.
  const std::vector<double> off5 = {999, 991, 982, 973, 963, 952, 940, 927, 913, 898, 882, 863, 843,
                                    821, 796, 768, 737, 701, 660, 611, 555, 487, 405, 302, 172};
  const std::vector<double> off3 = {999, 985, 971, 956, 939, 922, 904, 884, 864, 841, 817, 792, 764,
                                    734, 701, 666, 627, 585, 538, 486, 428, 363, 290, 206, 111};
  CHECK(make_flow_sampler("unipc", 25, 5.0, FlowGrid::Official)->timesteps() == off5);
  CHECK(make_flow_sampler("unipc", 25, 3.0, FlowGrid::Official)->timesteps() == off3);
  const auto dif = make_flow_sampler("unipc", 25, 5.0, FlowGrid::Diffusers)->timesteps();
  CHECK(dif[8] == 914);  // the grids part ways here (official 913)
  CHECK(std::string(to_string(FlowGrid::Official)) == "official");
}

TEST_CASE("bad sampler arguments are clear errors", "[fast]") {
  CHECK_THROWS_WITH(make_flow_sampler("ddim", 25, 5.0, FlowGrid::Diffusers), ContainsSubstring("unknown sampler 'ddim'"));
  CHECK_THROWS_WITH(make_flow_sampler("unipc", 0, 5.0, FlowGrid::Diffusers), ContainsSubstring("0 steps"));
  CHECK_THROWS_WITH(make_flow_sampler("unipc", 1001, 5.0, FlowGrid::Diffusers), ContainsSubstring("1001 steps"));
  CHECK_THROWS_WITH(make_flow_sampler("euler", 25, 0.0, FlowGrid::Diffusers), ContainsSubstring("shift 0"));
}
