// spec.cc — chaos JSON -> ChaosSpec.
//
// Parsing throws json_input's BadInput {path, problem} at the first problem; the entry
// points catch it and format `<file>: <path>: <problem>` like sim/scenario.cc.
#include "harness/chaos/spec.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "sim/document_input.h"
#include "sim/go_duration.h"
#include "sim/input_file.h"
#include "sim/json_input.h"

namespace leasesim::sim {
namespace {

using nlohmann::json;

using namespace json_input;  // NOLINT: shared JSON-path getters (sim/json_input.h)

constexpr std::array<std::string_view, 6> kPropertyNames = {"noSplitBrain", "failoverAtMost", "noLeaderGapAtMost",
                                                            "transitionsPerHourAtMost", "invariants", "liveness"};

// Internal: a base scenario that does not load (its message already names the base file).
struct BaseError {
  std::string message;
};

enum class ValueType { kDuration, kNumber, kInteger };

double Scalar(const json& j, const std::string& path, ValueType t) {
  switch (t) {
    case ValueType::kDuration: return static_cast<double>(Dur(j, path).count());
    case ValueType::kInteger: return static_cast<double>(Int(j, path));
    case ValueType::kNumber: return Number(j, path);
  }
  return 0;
}

// Range reads a value or {"min", "max", "dist"} (see ChaosRange).
ChaosRange Range(const json& j, const std::string& path, ValueType t) {
  ChaosRange r;
  if (!j.is_object()) {
    r.lo = r.hi = Scalar(j, path, t);
    return r;
  }
  CheckObject(j, path, {"min", "max", "dist"}, " for a range");
  r.lo = Scalar(Require(j, path, "min"), Key(path, "min"), t);
  r.hi = Scalar(Require(j, path, "max"), Key(path, "max"), t);
  if (r.hi < r.lo) Fail(Key(path, "max"), "must not be less than \"min\"");
  if (const json* v = Find(j, "dist")) {
    const std::string d = Str(*v, Key(path, "dist"));
    if (d == "logUniform") r.log_uniform = true;
    else if (d != "uniform") Fail(Key(path, "dist"), fmt::format("expected \"uniform\" or \"logUniform\", got \"{}\"", d));
    if (r.log_uniform && r.lo <= 0) Fail(Key(path, "min"), "must be greater than 0 for a logUniform range");
  }
  return r;
}

void NonNegRange(const ChaosRange& r, const std::string& path) {
  if (r.lo < 0) Fail(path, "must not be negative");
}

bool Lasts(FaultKind k) {
  return k != FaultKind::kRestart && k != FaultKind::kClockStep && k != FaultKind::kClockSlew;
}

// MagnitudeKey is the key of a family's magnitude range ("" for kinds without one).
std::string_view MagnitudeKey(FaultKind k) {
  switch (k) {
    case FaultKind::kLatency: return "delay";
    case FaultKind::kLoss: return "ratio";
    case FaultKind::kClockStep: return "by";
    case FaultKind::kClockDrift: return "driftPpm";
    case FaultKind::kClockSlew: return "by";
    case FaultKind::kApiServerErrors: return "ratio";
    case FaultKind::kApiServerLatency: return "latency";
    case FaultKind::kApiServerThrottle: return "qps";
    default: return "";
  }
}

FaultFamily ParseFamily(const json& j, const std::string& path, const std::vector<std::string>& nodes) {
  if (!j.is_object()) Fail(path, fmt::format("expected an object, got {}", TypeName(j)));
  const std::string kind_s = Str(Require(j, path, "kind"), Key(path, "kind"));
  auto kind = ParseFaultKind(kind_s);
  if (!kind) Fail(Key(path, "kind"), fmt::format("unknown fault kind \"{}\"", kind_s));
  FaultFamily f;
  f.kind = *kind;
  f.name = kind_s;
  std::vector<std::string_view> keys = {"kind", "name", "count", "rate", "at"};
  if (Lasts(f.kind)) keys.push_back("for");
  if (IsNodeFault(f.kind)) keys.push_back("targets");
  if (f.kind == FaultKind::kPartition || f.kind == FaultKind::kApiServerOutage) keys.push_back("modes");
  if (f.kind == FaultKind::kApiServerErrors) keys.push_back("codes");
  if (f.kind == FaultKind::kClockSlew) keys.push_back("ratePpm");
  if (f.kind == FaultKind::kApiServerThrottle) keys.push_back("retryAfter");
  const std::string_view mk = MagnitudeKey(f.kind);
  if (!mk.empty()) keys.push_back(mk);
  CheckKeys(j, path, keys, fmt::format(" for a {} fault family", kind_s));
  if (const json* v = Find(j, "name")) {
    f.name = Str(*v, Key(path, "name"));
    if (f.name.empty() || f.name.find_first_of(",;\"\n") != std::string::npos) {
      Fail(Key(path, "name"), "must be non-empty without , ; \" or newlines (it is a runs.csv value)");
    }
  }
  const json* count = Find(j, "count");
  const json* rate = Find(j, "rate");
  if (count && rate) Fail(path, "give either \"count\" or \"rate\", not both");
  if (!count && !rate) Fail(path, "missing required key \"count\" (faults per run) or \"rate\" (faults per hour)");
  if (count) {
    f.count = Range(*count, Key(path, "count"), ValueType::kInteger);
    NonNegRange(*f.count, Key(path, "count"));
    if (f.count->hi > 1000) Fail(Key(path, "count"), "at most 1000 faults per family and run");
  }
  if (rate) {
    f.rate_per_hour = NonNegNumber(*rate, Key(path, "rate"));
    if (f.rate_per_hour > 10000) Fail(Key(path, "rate"), "at most 10000 faults per hour");
  }
  if (const json* v = Find(j, "at")) {
    f.at = Range(*v, Key(path, "at"), ValueType::kDuration);
    NonNegRange(*f.at, Key(path, "at"));
  }
  if (Lasts(f.kind)) {
    f.for_ = Range(Require(j, path, "for"), Key(path, "for"), ValueType::kDuration);
    if (f.for_->lo <= 0) Fail(Key(path, "for"), "must be greater than 0 (every fault ends by liveness.healAt)");
  }
  if (IsNodeFault(f.kind)) {
    f.targets = {"@any"};
    if (const json* v = Find(j, "targets")) {
      const std::string tp = Key(path, "targets");
      if (!v->is_array() || v->empty()) Fail(tp, fmt::format("expected a non-empty array of node names or roles, got {}", TypeName(*v)));
      f.targets.clear();
      for (size_t i = 0; i < v->size(); ++i) {
        std::string t = Str((*v)[i], Idx(tp, i));
        if (t.starts_with("@")) {
          if (t != "@any" && t != "@leader" && t != "@follower") {
            Fail(Idx(tp, i), fmt::format("unknown role \"{}\" (known: @any, @leader, @follower)", t));
          }
        } else if (std::find(nodes.begin(), nodes.end(), t) == nodes.end()) {
          Fail(Idx(tp, i), fmt::format("unknown node \"{}\": no candidate of the base has that name", t));
        }
        f.targets.push_back(std::move(t));
      }
    }
  }
  auto string_list = [&](std::string_view key, std::initializer_list<std::string_view> allowed) {
    std::vector<std::string> out;
    if (const json* v = Find(j, key)) {
      const std::string mp = Key(path, key);
      if (!v->is_array() || v->empty()) Fail(mp, fmt::format("expected a non-empty array, got {}", TypeName(*v)));
      for (size_t i = 0; i < v->size(); ++i) {
        std::string m = Str((*v)[i], Idx(mp, i));
        if (std::find(allowed.begin(), allowed.end(), m) == allowed.end()) {
          Fail(Idx(mp, i), fmt::format("expected one of {}, got \"{}\"", fmt::join(allowed, ", "), m));
        }
        out.push_back(std::move(m));
      }
    } else {
      out.emplace_back(*allowed.begin());
    }
    return out;
  };
  if (f.kind == FaultKind::kPartition) f.modes = string_list("modes", {"symmetric", "requests", "responses"});
  if (f.kind == FaultKind::kApiServerOutage) f.modes = string_list("modes", {"drop", "refuse"});
  if (f.kind == FaultKind::kApiServerErrors) {
    f.codes = {503};
    if (const json* v = Find(j, "codes")) {
      const std::string cp = Key(path, "codes");
      if (!v->is_array() || v->empty()) Fail(cp, fmt::format("expected a non-empty array, got {}", TypeName(*v)));
      f.codes.clear();
      for (size_t i = 0; i < v->size(); ++i) {
        const int c = static_cast<int>(Int((*v)[i], Idx(cp, i)));
        if (c != 500 && c != 503 && c != 504) Fail(Idx(cp, i), fmt::format("expected 500, 503 or 504, got {}", c));
        f.codes.push_back(c);
      }
    }
  }
  if (!mk.empty()) {
    const std::string mp = Key(path, mk);
    const json& v = Require(j, path, mk);
    switch (f.kind) {
      case FaultKind::kLatency:
      case FaultKind::kApiServerLatency:
        f.magnitude = Range(v, mp, ValueType::kDuration);
        NonNegRange(*f.magnitude, mp);
        break;
      case FaultKind::kClockStep:
      case FaultKind::kClockSlew:
        f.magnitude = Range(v, mp, ValueType::kDuration);
        break;
      case FaultKind::kLoss:
      case FaultKind::kApiServerErrors:
        f.magnitude = Range(v, mp, ValueType::kNumber);
        if (f.magnitude->lo < 0 || f.magnitude->hi > 1) Fail(mp, "a ratio must be in [0, 1]");
        break;
      case FaultKind::kClockDrift:
        f.magnitude = Range(v, mp, ValueType::kInteger);
        if (f.magnitude->lo < -static_cast<double>(kMaxDriftPpm) || f.magnitude->hi > static_cast<double>(kMaxDriftPpm)) {
          Fail(mp, fmt::format("must be within [-{0}, {0}]", kMaxDriftPpm));
        }
        break;
      case FaultKind::kApiServerThrottle:
        f.magnitude = Range(v, mp, ValueType::kNumber);
        if (f.magnitude->lo <= 0) Fail(mp, "must be greater than 0");
        break;
      default: break;
    }
  }
  if (f.kind == FaultKind::kClockSlew) {
    f.rate_ppm = Range(Require(j, path, "ratePpm"), Key(path, "ratePpm"), ValueType::kInteger);
    if (f.rate_ppm->lo < 1 || f.rate_ppm->hi > static_cast<double>(kMaxDriftPpm)) {
      Fail(Key(path, "ratePpm"), fmt::format("must be within [1, {}]", kMaxDriftPpm));
    }
  }
  if (f.kind == FaultKind::kApiServerThrottle) {
    f.retry_after = ChaosRange{1e9, 1e9, false};
    if (const json* v = Find(j, "retryAfter")) {
      f.retry_after = Range(*v, Key(path, "retryAfter"), ValueType::kDuration);
      NonNegRange(*f.retry_after, Key(path, "retryAfter"));
    }
  }
  return f;
}

std::vector<SplitBrainCause> Excuses(const json& j, const std::string& path) {
  std::vector<SplitBrainCause> out;
  if (!j.is_array()) Fail(path, fmt::format("expected an array of split-brain cause kinds, got {}", TypeName(j)));
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string c = Str(j[i], Idx(path, i));
    bool found = false;
    std::vector<std::string_view> known;
    for (int k = 0; k <= static_cast<int>(SplitBrainCause::kUnexplained); ++k) {
      const auto cause = static_cast<SplitBrainCause>(k);
      known.push_back(CauseName(cause));
      if (CauseName(cause) == c) {
        out.push_back(cause);
        found = true;
      }
    }
    if (!found) Fail(Idx(path, i), fmt::format("unknown split-brain cause \"{}\" (known: {})", c, fmt::join(known, ", ")));
  }
  return out;
}

std::vector<ChaosProperty> ParseProperties(const json& j, const std::string& path) {
  CheckKeys(j, path, std::array<std::string_view, 5>{kPropertyNames[0], kPropertyNames[1], kPropertyNames[2], kPropertyNames[3], kPropertyNames[4]}, "");
  std::vector<ChaosProperty> out;
  for (int k = 0; k < 5; ++k) {
    const std::string_view key = kPropertyNames[static_cast<size_t>(k)];
    const json* v = Find(j, key);
    if (!v) continue;
    const std::string p = Key(path, key);
    ChaosProperty prop;
    prop.kind = static_cast<ChaosPropertyKind>(k);
    if (v->is_boolean() && (prop.kind == ChaosPropertyKind::kNoSplitBrain || prop.kind == ChaosPropertyKind::kInvariants)) {
      if (!v->get<bool>()) continue;
      out.push_back(prop);
      continue;
    }
    const bool obj = v->is_object();
    auto excuse = [&] {
      if (obj) {
        if (const json* e = Find(*v, "excuse")) prop.excuse = Excuses(*e, Key(p, "excuse"));
      }
    };
    switch (prop.kind) {
      case ChaosPropertyKind::kNoSplitBrain:
        if (!obj) Fail(p, fmt::format("expected true or an object, got {}", TypeName(*v)));
        CheckObject(*v, p, {"excuse"});
        break;
      case ChaosPropertyKind::kFailoverAtMost:
        if (!obj) {
          prop.within = NonNegDur(*v, p);
          break;
        }
        CheckObject(*v, p, {"within", "after", "isolated", "excuse"});
        if (const json* a = Find(*v, "isolated")) prop.isolated = Bool(*a, Key(p, "isolated"));
        prop.within = NonNegDur(Require(*v, p, "within"), Key(p, "within"));
        if (const json* a = Find(*v, "after")) {
          const std::string ap = Key(p, "after");
          if (!a->is_array() || a->empty()) Fail(ap, fmt::format("expected a non-empty array of fault kinds, got {}", TypeName(*a)));
          for (size_t i = 0; i < a->size(); ++i) {
            std::string k2 = Str((*a)[i], Idx(ap, i));
            if (!ParseFaultKind(k2)) Fail(Idx(ap, i), fmt::format("unknown fault kind \"{}\"", k2));
            prop.after_kinds.push_back(std::move(k2));
          }
        }
        break;
      case ChaosPropertyKind::kNoLeaderGapAtMost:
        if (!obj) {
          prop.max_gap = NonNegDur(*v, p);
          break;
        }
        CheckObject(*v, p, {"maxGap", "after", "excuse"});
        prop.max_gap = NonNegDur(Require(*v, p, "maxGap"), Key(p, "maxGap"));
        if (const json* a = Find(*v, "after")) prop.after = NonNegDur(*a, Key(p, "after"));
        break;
      case ChaosPropertyKind::kTransitionsPerHourAtMost:
        if (!obj) {
          prop.per_hour = NonNegNumber(*v, p);
          break;
        }
        CheckObject(*v, p, {"count", "excuse"});
        prop.per_hour = NonNegNumber(Require(*v, p, "count"), Key(p, "count"));
        break;
      case ChaosPropertyKind::kInvariants:
        if (!obj) Fail(p, fmt::format("expected true or an object, got {}", TypeName(*v)));
        CheckObject(*v, p, {"excuse"});
        break;
      case ChaosPropertyKind::kLiveness: break;
    }
    excuse();
    out.push_back(std::move(prop));
  }
  return out;
}

ChaosSpec Parse(const json& root, std::string_view file) {
  const std::string $ = "$";
  CheckObject(root, $,
              {"kind", "name", "description", "base", "duration", "liveness", "faults", "swarm", "properties", "seeds",
               "seed"});
  if (!IsChaosJson(root)) Fail("$.kind", "expected \"chaos\" (a chaos file starts with \"kind\": \"chaos\")");
  ChaosSpec s;
  s.source = root;
  s.file = std::string(file);
  s.name = std::filesystem::path(s.file).stem().string();
  if (const json* v = Find(root, "name")) s.name = Str(*v, "$.name");
  if (const json* v = Find(root, "description")) s.description = Str(*v, "$.description");

  // The base: a path (relative to the chaos file) or an inline scenario.
  const json& base = Require(root, $, "base");
  std::string base_name;
  if (base.is_string()) {
    s.base_file = base.get<std::string>();
    const std::filesystem::path bp = std::filesystem::path(s.file).parent_path() / s.base_file;
    std::string text, read_err;
    if (!ReadInputFile(bp, &text, &read_err)) Fail("$.base", fmt::format("cannot read base scenario {}", read_err));
    bool parsed = false;
    if (IsYamlPath(bp.string())) {  // JSON or YAML by extension (sim/document_input.h)
      std::string yerr;
      if (std::optional<Document> doc = ParseYaml(text, bp.string(), &yerr)) {
        s.base = std::move(doc->root);
        parsed = true;
      }
    } else {
      std::string jerr;
      parsed = ParseInputJson(text, bp.string(), &s.base, &jerr);
    }
    if (!parsed) {
      std::string err;
      (void)ParseScenario(text, bp.string(), &err);  // the loader's own message for the same text
      throw BaseError{err};
    }
    base_name = bp.string();
  } else if (base.is_object()) {
    s.base = base;
    base_name = s.file + "#base";
  } else {
    Fail("$.base", fmt::format("expected a scenario file path or an inline scenario object, got {}", TypeName(base)));
  }
  if (s.base.is_object()) s.base.erase("expect");
  const Duration d = PosDur(Require(root, $, "duration"), "$.duration");
  s.duration = d;
  if (s.base.is_object()) {
    s.base["duration"] = FormatGoDuration(d);
    s.base.erase("name");
  }
  std::string err;
  auto bs = ParseScenario(s.base.dump(), base_name, &err);
  if (!bs) throw BaseError{err};
  s.base_faults = static_cast<int>(bs->faults.size());
  for (const CandidateSpec& c : bs->candidates) s.nodes.push_back(c.name);

  const json& live = Require(root, $, "liveness");
  CheckObject(live, "$.liveness", {"healAt", "leaderWithin"});
  s.heal_at = PosDur(Require(live, "$.liveness", "healAt"), "$.liveness.healAt");
  s.leader_within = NonNegDur(Require(live, "$.liveness", "leaderWithin"), "$.liveness.leaderWithin");
  if (s.heal_at + s.leader_within >= s.duration) {
    Fail("$.liveness", fmt::format("healAt + leaderWithin ({}) must be less than the duration ({}): the liveness phase "
                                   "needs time after every fault has ended",
                                   FormatGoDuration(s.heal_at + s.leader_within), FormatGoDuration(s.duration)));
  }
  for (const FaultSpec& f : bs->faults) {
    const Duration end = f.at + f.for_.value_or(Duration{0});
    if (end > s.heal_at && f.kind != FaultKind::kCrash && f.kind != FaultKind::kStop && f.kind != FaultKind::kRestart) {
      Fail("$.base", fmt::format("the base's fault {} ({}) lasts past liveness.healAt {}: background faults must end "
                                 "before the liveness phase", f.index, f.id, FormatGoDuration(s.heal_at)));
    }
  }

  const json& faults = Require(root, $, "faults");
  if (!faults.is_array()) Fail("$.faults", fmt::format("expected an array of fault families, got {}", TypeName(faults)));
  for (size_t i = 0; i < faults.size(); ++i) {
    const std::string p = Idx("$.faults", i);
    s.families.push_back(ParseFamily(faults[i], p, s.nodes));
    for (size_t k = 0; k + 1 < s.families.size(); ++k) {
      if (s.families[k].name == s.families.back().name) {
        Fail(p, fmt::format("two families named \"{}\": give one a \"name\"", s.families.back().name));
      }
    }
    const FaultFamily& f = s.families.back();
    if (f.at && f.at->lo >= static_cast<double>(s.heal_at.count())) {
      Fail(Key(p, "at"), "must start before liveness.healAt (every fault ends by then)");
    }
  }
  // Every drawn fault becomes a scenario fault held in memory and scheduled: bound the
  // mean number per run, so that a high rate over a long run is an error, not an
  // out-of-memory kill (issue 15, item 16).
  double mean_faults = 0;
  for (const FaultFamily& f : s.families) {
    mean_faults += f.count ? f.count->hi : f.rate_per_hour * static_cast<double>(s.heal_at.count()) / 3.6e12;
  }
  if (mean_faults > static_cast<double>(kMaxChaosFaultsPerRun)) {
    Fail("$.faults", fmt::format("the families draw {:.0f} faults per run on average (rate x liveness.healAt, "
                                 "plus counts); at most {} are allowed",
                                 mean_faults, kMaxChaosFaultsPerRun));
  }
  if (const json* v = Find(root, "swarm")) s.swarm = Bool(*v, "$.swarm");
  if (const json* v = Find(root, "properties")) s.properties = ParseProperties(*v, "$.properties");
  ChaosProperty live_prop;
  live_prop.kind = ChaosPropertyKind::kLiveness;
  s.properties.push_back(live_prop);
  if (const json* v = Find(root, "seeds")) s.seeds = IntIn(*v, "$.seeds", 1, kMaxChaosSeeds);
  if (const json* v = Find(root, "seed")) {
    if (!v->is_number_unsigned()) Fail("$.seed", fmt::format("expected an unsigned integer, got {}", TypeName(*v)));
    s.seed = v->get<uint64_t>();
  }
  return s;
}

}  // namespace

std::string_view ChaosPropertyName(ChaosPropertyKind k) { return kPropertyNames[static_cast<size_t>(k)]; }

bool IsChaosJson(const json& root) {
  if (!root.is_object()) return false;
  auto it = root.find("kind");
  return it != root.end() && it->is_string() && it->get<std::string>() == "chaos";
}

std::optional<ChaosSpec> ParseChaos(std::string_view text, std::string_view file, std::string* err) {
  json root;
  std::optional<Document> yaml;  // .yaml/.yml files (sim/document_input.h): errors give the line
  if (IsYamlPath(file)) {
    if (!(yaml = ParseYaml(text, file, err))) return std::nullopt;
    root = std::move(yaml->root);
  } else if (!ParseInputJson(text, file, &root, err)) {
    return std::nullopt;
  }
  try {
    return Parse(root, file);
  } catch (const BadInput& b) {
    if (err) {
      *err = fmt::format("{}: {}: {}", EscapeInput(yaml ? yaml->Where(file, b.path) : std::string(file), 4096), b.path,
                         EscapeInput(b.problem, 4096));
    }
  } catch (const BaseError& b) {
    if (err) *err = fmt::format("{}: $.base: {}", EscapeInput(yaml ? yaml->Where(file, "$.base") : std::string(file), 4096), b.message);
  } catch (const json::exception& e) {
    if (err) *err = fmt::format("{}: $: invalid input: {}", EscapeInput(file, 4096), EscapeInput(e.what(), 400));
  }
  return std::nullopt;
}

std::optional<ChaosSpec> LoadChaosFile(const std::filesystem::path& path, std::string* err) {
  std::string text;
  if (!ReadInputFile(path, &text, err)) return std::nullopt;
  return ParseChaos(text, path.string(), err);
}

nlohmann::json CanonicalChaosJson(const ChaosSpec& spec) {
  json j = spec.source;
  j["base"] = spec.base;  // inline: the manifest needs no other file
  j["name"] = spec.name;
  return j;
}

}  // namespace leasesim::sim
