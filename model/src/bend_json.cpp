#include "model/bend_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/index_list.h"
#include "model/bend_check.h"
#include "model/bend_error.h"

namespace wanattn {
namespace {

using nlohmann::json;

std::string shown(const json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// An object whose keys must all be known; values are looked up by key.
class Obj {
 public:
  Obj(const json& j, std::string path, const std::vector<std::string>& known) : j_(j), path_(std::move(path)) {
    if (!j.is_object()) throw BendError(path_, fmt::format("must be a JSON object, not {}", shown(j)));
    for (const auto& [k, v] : j.items())
      if (std::find(known.begin(), known.end(), k) == known.end())
        throw BendError(field(k), fmt::format("unknown key (known here: {})", join(known)));
  }
  std::string field(const std::string& key) const { return path_ + "." + key; }
  const json* find(const char* key) const {
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  const json& need(const char* key) const {
    if (const json* v = find(key)) return *v;
    throw BendError(field(key), "is missing");
  }

 private:
  const json& j_;
  std::string path_;
};

double number(const json& v, const std::string& field) {
  if (!v.is_number()) throw BendError(field, fmt::format("must be a number, not {}", shown(v)));
  return v.get<double>();
}

int integer(const json& v, const std::string& field) {
  const bool fits = (v.is_number_unsigned() && v.get<uint64_t>() <= uint64_t(std::numeric_limits<int>::max())) ||
                    (v.is_number_integer() && v.get<int64_t>() >= std::numeric_limits<int>::min() &&
                     v.get<int64_t>() <= std::numeric_limits<int>::max());
  if (!fits) throw BendError(field, fmt::format("must be an integer, not {}", shown(v)));
  return int(v.get<int64_t>());
}

bool boolean(const json& v, const std::string& field) {
  if (!v.is_boolean()) throw BendError(field, fmt::format("must be true or false, not {}", shown(v)));
  return v.get<bool>();
}

std::string text(const json& v, const std::string& field) {
  if (!v.is_string()) throw BendError(field, fmt::format("must be a string, not {}", shown(v)));
  return v.get<std::string>();
}

template <class E>
E choice(const json& v, const std::vector<std::string>& names, const std::string& field) {
  const std::string s = text(v, field);
  auto it = std::find(names.begin(), names.end(), s);
  if (it == names.end()) throw BendError(field, fmt::format("'{}' is not one of: {}", s, join(names)));
  return E(it - names.begin());
}

// An index list: [integers], "0-9,20/2" text, or "all" / null (nothing = all).
std::optional<std::vector<int>> index_list(const json& v, const std::string& field) {
  if (v.is_null() || (v.is_string() && v.get<std::string>() == "all")) return std::nullopt;
  if (v.is_string()) return parse_index_list(v.get<std::string>(), field);
  if (!v.is_array()) throw BendError(field, fmt::format("must be a list of indices or range text like \"0-9,20\", not {}", shown(v)));
  std::vector<int> out;
  for (size_t i = 0; i < v.size(); ++i) out.push_back(integer(v[i], fmt::format("{}[{}]", field, i)));
  return out;
}

std::vector<double> numbers(const json& v, const std::string& field) {
  if (!v.is_array()) throw BendError(field, fmt::format("must be a list of numbers, not {}", shown(v)));
  std::vector<double> out;
  for (size_t i = 0; i < v.size(); ++i) out.push_back(number(v[i], fmt::format("{}[{}]", field, i)));
  return out;
}

BendRegion region_from_json(const json& j, const std::string& path) {
  const Obj o(j, path, {"rect", "frames", "mask", "invert"});
  BendRegion r;
  if (const json* v = o.find("rect")) r.rect = numbers(*v, o.field("rect"));
  if (const json* v = o.find("frames")) {
    if (!v->is_array()) throw BendError(o.field("frames"), fmt::format("must be [first, last], not {}", shown(*v)));
    std::vector<int> f;
    for (size_t i = 0; i < v->size(); ++i) f.push_back(integer((*v)[i], fmt::format("{}[{}]", o.field("frames"), i)));
    r.frames = f;
  }
  if (const json* v = o.find("mask")) {
    const Obj m(*v, o.field("mask"), {"rows", "cols", "values"});
    BendMask mask;
    mask.rows = integer(m.need("rows"), m.field("rows"));
    mask.cols = integer(m.need("cols"), m.field("cols"));
    for (double x : numbers(m.need("values"), m.field("values"))) mask.values.push_back(float(x));
    r.mask = std::move(mask);
  }
  if (const json* v = o.find("invert")) r.invert = boolean(*v, o.field("invert"));
  if (!r.rect && !r.frames && !r.mask) throw BendError(path, "is empty: give rect, frames or mask");
  return r;
}

json region_to_json(const BendRegion& r) {
  json j = json::object();
  if (r.rect) j["rect"] = *r.rect;
  if (r.frames) j["frames"] = *r.frames;
  if (r.mask) j["mask"] = {{"rows", r.mask->rows}, {"cols", r.mask->cols}, {"values", r.mask->values}};
  if (r.invert) j["invert"] = true;
  return j;
}

// The op's parameters by name; `set` reads one from JSON, `get` writes it.
void read_param(BendParams& p, const BendParamInfo& info, const json& v, const std::string& field) {
  const std::string& n = info.name;
  if (n == "padding") p.padding = choice<BendPadding>(v, bend_padding_names(), field);
  else if (n == "axis") p.axis = choice<BendAxis>(v, bend_axis_names(), field);
  else if (n == "dt") p.dt = integer(v, field);
  else {
    const double x = number(v, field);
    if (n == "factor") p.factor = x;
    else if (n == "value") p.value = x;
    else if (n == "level") p.level = x;
    else if (n == "degrees") p.degrees = x;
    else if (n == "dx") p.dx = x;
    else if (n == "dy") p.dy = x;
    else if (n == "sigma") p.sigma = x;
    else if (n == "sigma_t") p.sigma_t = x;
    else if (n == "amount") p.amount = x;
    else if (n == "cutoff") p.cutoff = x;
    else if (n == "temperature") p.temperature = x;
    else if (n == "min") p.min = x;
    else if (n == "max") p.max = x;
  }
}

json write_param(const BendParams& p, const std::string& n) {
  if (n == "padding") return to_string(p.padding);
  if (n == "axis") return to_string(p.axis);
  if (n == "dt") return p.dt;
  if (n == "factor") return p.factor;
  if (n == "value") return p.value;
  if (n == "level") return p.level;
  if (n == "degrees") return p.degrees;
  if (n == "dx") return p.dx;
  if (n == "dy") return p.dy;
  if (n == "sigma") return p.sigma;
  if (n == "sigma_t") return p.sigma_t;
  if (n == "amount") return p.amount;
  if (n == "cutoff") return p.cutoff;
  if (n == "temperature") return p.temperature;
  if (n == "min") return p.min;
  if (n == "max") return p.max;
  return nullptr;
}

}  // namespace

std::vector<int> parse_index_list(const std::string& s, const std::string& field) {
  try {
    return parse_indices(s);
  } catch (const std::invalid_argument& e) {
    throw BendError(field, fmt::format("'{}': {}", s, e.what()));
  }
}

std::string index_list_text(const std::optional<std::vector<int>>& list) { return list ? indices_text(*list) : "all"; }

std::string bend_summary(const Bend& b) {
  std::string params;
  for (const BendParamInfo& info : bend_op_params(b.op)) {
    const json v = write_param(b.params, info.name);
    const std::string text = v.is_string() ? v.get<std::string>() : v.is_number_float() ? fmt::format("{}", v.get<double>()) : v.dump();
    params += fmt::format("{}{}={}", params.empty() ? "" : ", ", info.name, text);
  }
  std::string s = fmt::format("{}{}({}) on {}", b.label.empty() ? "" : b.label + ": ", to_string(b.op), params, to_string(b.target));
  if (b.target == BendTarget::CrossAttention) s += " tokens " + index_list_text(b.where.tokens);
  if (b.target == BendTarget::Ffn) s += " neurons " + index_list_text(b.where.neurons);
  s += fmt::format(" | blocks {} | steps {}", index_list_text(b.where.blocks), index_list_text(b.where.steps));
  if (b.target != BendTarget::Ffn) s += " | heads " + index_list_text(b.where.heads);
  if (b.where.region) s += " | region " + region_to_json(*b.where.region).dump();
  s += fmt::format(" | strength {}", b.strength);
  if (b.target == BendTarget::CrossAttention) s += fmt::format(" | {}{}", to_string(b.domain), b.renormalize ? ", renormalised" : "");
  s += fmt::format(" | {}{}", b.passes == BendPasses::Both ? "both passes" : "cond pass", b.enabled ? "" : " | disabled");
  return s;
}

json bend_to_json(const Bend& b) {
  json op = {{"name", to_string(b.op)}};
  for (const BendParamInfo& info : bend_op_params(b.op)) op[info.name] = write_param(b.params, info.name);
  json where = json::object();
  auto put = [&](const char* k, const std::optional<std::vector<int>>& v) {
    if (v) where[k] = *v;
  };
  put("steps", b.where.steps);
  put("blocks", b.where.blocks);
  put("heads", b.where.heads);
  put("tokens", b.where.tokens);
  put("neurons", b.where.neurons);
  if (b.where.region) where["region"] = region_to_json(*b.where.region);
  json j = {{"label", b.label}, {"enabled", b.enabled},  {"target", to_string(b.target)}, {"op", op},
            {"strength", b.strength}, {"where", where}, {"passes", to_string(b.passes)}};
  if (b.target == BendTarget::CrossAttention) {
    j["domain"] = to_string(b.domain);
    j["renormalize"] = b.renormalize;
  }
  return j;
}

Bend bend_from_json(const json& j, const std::string& path) {
  const Obj o(j, path, {"label", "enabled", "target", "op", "strength", "where", "domain", "renormalize", "passes"});
  Bend b;
  if (const json* v = o.find("label")) b.label = text(*v, o.field("label"));
  if (const json* v = o.find("enabled")) b.enabled = boolean(*v, o.field("enabled"));
  b.target = choice<BendTarget>(o.need("target"), bend_target_names(), o.field("target"));

  const json& opj = o.need("op");
  const std::string opf = o.field("op");
  if (!opj.is_object()) throw BendError(opf, fmt::format("must be an object like {{\"name\": \"scale\", \"factor\": 2}}, not {}", shown(opj)));
  if (!opj.contains("name")) throw BendError(opf + ".name", "is missing");
  b.op = choice<BendOp>(opj["name"], bend_op_names(), opf + ".name");
  std::vector<std::string> known{"name"};
  for (const auto& info : bend_op_params(b.op)) known.push_back(info.name);
  for (const auto& [k, v] : opj.items()) {
    if (k == "name") continue;
    const auto& params = bend_op_params(b.op);
    auto info = std::find_if(params.begin(), params.end(), [&](const BendParamInfo& p) { return p.name == k; });
    if (info == params.end())
      throw BendError(opf + "." + k, fmt::format("is not a parameter of '{}' (it takes: {})", to_string(b.op),
                                                 known.size() > 1 ? join({known.begin() + 1, known.end()}) : "nothing"));
    read_param(b.params, *info, v, opf + "." + k);
  }

  if (const json* v = o.find("strength")) b.strength = number(*v, o.field("strength"));
  if (const json* v = o.find("where")) {
    const std::string wf = o.field("where");
    const Obj w(*v, wf, {"steps", "blocks", "heads", "tokens", "neurons", "region"});
    if (const json* x = w.find("steps")) b.where.steps = index_list(*x, w.field("steps"));
    if (const json* x = w.find("blocks")) b.where.blocks = index_list(*x, w.field("blocks"));
    if (const json* x = w.find("heads")) b.where.heads = index_list(*x, w.field("heads"));
    if (const json* x = w.find("tokens")) b.where.tokens = index_list(*x, w.field("tokens"));
    if (const json* x = w.find("neurons")) b.where.neurons = index_list(*x, w.field("neurons"));
    if (const json* x = w.find("region")) b.where.region = region_from_json(*x, w.field("region"));
  }
  if (const json* v = o.find("domain")) {
    if (b.target != BendTarget::CrossAttention)
      throw BendError(o.field("domain"), fmt::format("only cross_attention bends have a softmax (this one is {})", to_string(b.target)));
    b.domain = choice<BendDomain>(*v, bend_domain_names(), o.field("domain"));
  }
  if (const json* v = o.find("renormalize")) b.renormalize = boolean(*v, o.field("renormalize"));
  if (const json* v = o.find("passes")) b.passes = choice<BendPasses>(*v, bend_passes_names(), o.field("passes"));
  validate_bend(b, path);
  return b;
}

json bend_set_to_json(const BendSet& s) {
  json bends = json::array();
  for (const auto& b : s.bends) bends.push_back(bend_to_json(b));
  return {{"format", "wanattn-bends"}, {"version", 1}, {"bends", bends}};
}

BendSet bend_set_from_json(const json& j) {
  if (!j.is_object())
    throw BendError("", fmt::format("a bend set must be a JSON object {{\"bends\": [...]}}, not {}", shown(j)));
  const Obj o(j, "(bend set)", {"format", "version", "bends"});
  if (const json* v = o.find("format"); v && text(*v, "format") != "wanattn-bends")
    throw BendError("format", fmt::format("{} is not \"wanattn-bends\"", shown(*v)));
  if (const json* v = o.find("version"); v && integer(*v, "version") != 1)
    throw BendError("version", fmt::format("{} is not readable by this build (it reads version 1)", shown(*v)));
  const json& bends = o.need("bends");
  if (!bends.is_array()) throw BendError("bends", fmt::format("must be a list of bends, not {}", shown(bends)));
  BendSet s;
  for (size_t i = 0; i < bends.size(); ++i) s.bends.push_back(bend_from_json(bends[i], fmt::format("bends[{}]", i)));
  return s;
}

BendSet parse_bend_set(std::string_view text, const std::string& where) {
  const json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw BendError("", fmt::format("{}: not valid JSON", where));
  try {
    return bend_set_from_json(j);
  } catch (const BendError& e) {
    throw e.in(where);
  }
}

BendSet load_bend_set(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw BendError("", fmt::format("{}: cannot read the bends file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_bend_set(ss.str(), path);
}

}  // namespace wanattn
