#include "core/index_list.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <sstream>
#include <stdexcept>

namespace wanattn {

std::vector<int> parse_indices(std::string_view text, std::string_view where) {
  auto to_int = [&](std::string_view t) {
    int v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size() || v < 0)
      throw std::invalid_argument(fmt::format("'{}'{} is not a non-negative integer", t, where));
    return v;
  };
  if (text.empty()) throw std::invalid_argument(fmt::format("empty list{}", where));
  std::vector<int> out;
  std::stringstream ss{std::string(text)};
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(std::remove(item.begin(), item.end(), ' '), item.end());
    int stride = 1;
    if (const auto slash = item.find('/'); slash != std::string::npos) {
      stride = to_int(std::string_view(item).substr(slash + 1));
      if (stride == 0) throw std::invalid_argument(fmt::format("stride 0{}", where));
      item.resize(slash);
    }
    const auto dash = item.find('-');
    const int a = to_int(std::string_view(item).substr(0, dash));
    const int b = dash == std::string::npos ? a : to_int(std::string_view(item).substr(dash + 1));
    if (b < a) throw std::invalid_argument(fmt::format("range {}-{}{} runs backwards", a, b, where));
    // A typo like 0-2000000000 must be an error, not gigabytes of indices.
    if (int64_t(b - a) / stride > 1000000) throw std::invalid_argument(fmt::format("more than a million indices{}", where));
    for (int64_t i = a; i <= b; i += stride) out.push_back(int(i));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string indices_text(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  std::string out;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + (j > i ? fmt::format("{}-{}", v[i], v[j]) : std::to_string(v[i]));
    i = j + 1;
  }
  return out;
}

}  // namespace wanattn
