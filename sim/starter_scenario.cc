// starter_scenario.cc — `leasesim init`'s scenario (starter_scenario.h).
#include "sim/starter_scenario.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/objects_json.h"
#include "core/version_profile.h"
#include "sim/go_duration.h"
#include "sim/json_input.h"
#include "sim/scenario.h"

namespace leasesim::sim {
namespace {

using nlohmann::json;

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::string Q(const std::string& s) { return json(s).dump(); }  // a JSON string is also a YAML one
std::string D(Duration d) { return Q(FormatGoDuration(d)); }
// YamlKey is `k` as a YAML mapping key: bare when it is a plain word that YAML 1.2's core
// schema reads as a string (holderIdentity), quoted otherwise (true, null, 1.5, a:b).
std::string YamlKey(const std::string& k) {
  const bool word = !k.empty() && std::isalpha(static_cast<unsigned char>(k[0])) &&
                    std::all_of(k.begin(), k.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
  static const std::set<std::string> reserved = {"true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL"};
  return word && !reserved.count(k) ? k : Q(k);
}

// CeilSeconds rounds up to whole seconds.
Duration CeilSeconds(Duration d) {
  const auto s = std::chrono::ceil<std::chrono::seconds>(d);
  return std::chrono::duration_cast<Duration>(s);
}

// Line is one line of the rendered scenario: indentation, JSON text or YAML text, and a
// trailing comment.
struct Writer {
  StarterFormat format;
  std::string out;
  void Comment(int indent, const std::string& text) {
    out += std::string(indent, ' ') + (format == StarterFormat::kJson ? "// " : "# ") + text + "\n";
  }
  void Raw(const std::string& line, const std::string& comment = "") {
    out += line;
    if (!comment.empty()) {
      const size_t width = 44;
      if (line.size() < width) out += std::string(width - line.size(), ' ');
      out += (format == StarterFormat::kJson ? "  // " : "  # ") + comment;
    }
    out += "\n";
  }
};

}  // namespace

bool ApplyLeaderElectFlags(std::string_view flags, StarterInput* in, std::string* err) {
  const std::vector<std::string> words = SplitWords(flags);
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.rfind("--", 0) != 0) {
      in->ignored_flags.push_back(w);
      continue;
    }
    std::string name = w.substr(2), value;
    bool has_value = false;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const bool ours = name.rfind("leader-elect", 0) == 0;
    if (!ours) {
      in->ignored_flags.push_back(w);
      continue;
    }
    if (name == "leader-elect") {  // a boolean flag: --leader-elect or --leader-elect=true
      if (has_value && value != "true") {
        *err = fmt::format("--from-flags: {}: leader election is off, there is nothing to simulate", w);
        return false;
      }
      continue;
    }
    if (!has_value) {
      if (i + 1 >= words.size()) {
        *err = fmt::format("--from-flags: --{} needs a value", name);
        return false;
      }
      value = words[++i];
    }
    const std::string shown = fmt::format("--{}={}", name, value);
    auto duration = [&](Duration* d) {
      std::string derr;
      const std::optional<Duration> v = ParseGoDuration(value, &derr);
      if (!v || *v <= Duration::zero()) {
        *err = fmt::format("--from-flags: {}: {}", shown, v ? "must be positive" : derr);
        return false;
      }
      *d = *v;
      return true;
    };
    if (name == "leader-elect-lease-duration") {
      if (!duration(&in->lease_duration)) return false;
    } else if (name == "leader-elect-renew-deadline") {
      if (!duration(&in->renew_deadline)) return false;
    } else if (name == "leader-elect-retry-period") {
      if (!duration(&in->retry_period)) return false;
    } else if (name == "leader-elect-resource-lock") {
      static const std::vector<std::string> kKinds = {"leases", "endpointsleases", "configmapsleases", "endpoints",
                                                      "configmaps"};
      if (std::find(kKinds.begin(), kKinds.end(), value) == kKinds.end()) {
        *err = fmt::format("--from-flags: {}: unknown lock kind (known: {})", shown, fmt::join(kKinds, ", "));
        return false;
      }
      in->lock_kind = value;
    } else if (name == "leader-elect-resource-name") {
      in->lock_name = value;
    } else if (name == "leader-elect-resource-namespace") {
      in->lock_namespace = value;
    } else {
      *err = fmt::format(
          "--from-flags: --{}: unknown leader-election flag (known: --leader-elect, --leader-elect-lease-duration, "
          "--leader-elect-renew-deadline, --leader-elect-retry-period, --leader-elect-resource-lock, "
          "--leader-elect-resource-name, --leader-elect-resource-namespace)",
          name);
      return false;
    }
    in->sources.push_back(shown);
  }
  return true;
}

bool ApplyLease(const json& doc, std::string_view file, StarterInput* in, std::string* err) {
  using json_input::BadInput;
  try {
    const json* lease = &doc;
    std::string base = "$";
    if (doc.is_object() && doc.value("kind", std::string()) == "List") {
      const json& items = json_input::Require(doc, "$", "items");
      if (!items.is_array() || items.size() != 1) {
        json_input::Fail("$.items", fmt::format("expected a List of one Lease, got {} items", items.is_array() ? items.size() : 0));
      }
      lease = &items[0];
      base = "$.items[0]";
    }
    if (!lease->is_object()) json_input::Fail(base, fmt::format("expected a Lease object, got {}", json_input::TypeName(*lease)));
    const std::string kind = lease->value("kind", std::string());
    if (kind != "Lease") {
      json_input::Fail(json_input::Key(base, "kind"),
                       fmt::format("expected a Lease (kubectl get lease NAME -o yaml), got kind \"{}\"", kind));
    }
    const json& meta = json_input::Require(*lease, base, "metadata");
    const std::string mp = json_input::Key(base, "metadata");
    in->lock_kind = "leases";
    in->lock_name = json_input::Str(json_input::Require(meta, mp, "name"), json_input::Key(mp, "name"));
    if (const json* ns = json_input::Find(meta, "namespace")) in->lock_namespace = json_input::Str(*ns, json_input::Key(mp, "namespace"));
    const std::string sp = json_input::Key(base, "spec");
    const json* spec = json_input::Find(*lease, "spec");
    std::string summary = fmt::format("{}: Lease {}/{}", file, in->lock_namespace, in->lock_name);
    if (spec != nullptr) {
      if (const json* h = json_input::Find(*spec, "holderIdentity"); h && !h->is_null()) {
        in->holder = json_input::Str(*h, json_input::Key(sp, "holderIdentity"));
        // It becomes replica 0's identity: judged here, against this file.
        if (auto e = IdentityError(in->holder)) json_input::Fail(json_input::Key(sp, "holderIdentity"), *e);
        summary += fmt::format(" held by {}", in->holder);
      }
      if (const json* d = json_input::Find(*spec, "leaseDurationSeconds"); d && !d->is_null()) {
        in->lease_duration = std::chrono::seconds(json_input::IntIn(*d, json_input::Key(sp, "leaseDurationSeconds"), 1, 1'000'000));
        summary += fmt::format(", leaseDurationSeconds {}", d->get<int64_t>());
      }
      if (const json* t = json_input::Find(*spec, "leaseTransitions"); t && !t->is_null()) {
        in->transitions = json_input::IntIn(*t, json_input::Key(sp, "leaseTransitions"), 0, INT64_MAX);
        summary += fmt::format(", {} transitions", *in->transitions);
      }
    }
    // The whole object as the scenario's initialLease will read it (core::FromJson names
    // the field: "spec.acquireTime: not an RFC 3339 time ..."), so that a bad field is
    // reported against this file rather than against the starter written from it.
    core::Object decoded;
    if (std::string e = core::FromJson(*lease, decoded); !e.empty()) {
      const size_t colon = e.find(": ");
      const std::string field = colon == std::string::npos ? "" : e.substr(0, colon);
      if (!field.empty() && field.find(' ') == std::string::npos) json_input::Fail(base + "." + field, e.substr(colon + 2));
      json_input::Fail(base, e);
    }
    in->lease = *lease;
    in->sources.push_back(summary);
    return true;
  } catch (const BadInput& b) {
    *err = fmt::format("{}: {}: {}", file, b.path, b.problem);
    return false;
  }
}

std::optional<std::string> StarterScenarioText(const StarterInput& in, StarterFormat format, std::string* err) {
  if (!core::VersionProfile::Parse(in.client_go)) {
    *err = fmt::format("--client-go: unsupported client-go version \"{}\" (supported: 1.20 to 1.37)", in.client_go);
    return std::nullopt;
  }
  if (in.replicas < 1 || in.replicas > kMaxStarterReplicas) {
    *err = fmt::format("--replicas: {} is out of range [1, {}]", in.replicas, kMaxStarterReplicas);
    return std::nullopt;
  }
  // A crashed leader is replaced after at most about LeaseDuration + 2 x 2.2 x RetryPeriod
  // (README, "Tuning"): one jittered retry to see the last record, one to try after expiry.
  const Duration bound = CeilSeconds(in.lease_duration + in.retry_period * 44 / 10) + std::chrono::seconds(1);
  const bool single = in.replicas == 1;
  const Duration restart = std::chrono::seconds(10);  // one replica: the crash restarts it
  const Duration within = single ? bound + restart : bound;
  const Duration crash_at = std::max<Duration>(std::chrono::minutes(5), CeilSeconds(in.lease_duration * 4));
  const Duration duration = crash_at + std::max<Duration>(std::chrono::minutes(5), within * 3);
  const std::string leader = "replica-0";

  std::string description = fmt::format(
      "Starter scenario from leasesim init: {} of a client-go {} component electing a leader on {} {}/{} "
      "with LeaseDuration {}, RenewDeadline {}, RetryPeriod {}. The leader crashes at {}; a new leader must take "
      "over within {} (LeaseDuration + 2 x 2.2 x RetryPeriod + 1s).",
      in.replicas == 1 ? std::string("1 replica") : fmt::format("{} replicas", in.replicas), in.client_go, in.lock_kind, in.lock_namespace, in.lock_name, FormatGoDuration(in.lease_duration),
      FormatGoDuration(in.renew_deadline), FormatGoDuration(in.retry_period), FormatGoDuration(crash_at),
      FormatGoDuration(within));
  // The live Lease becomes initialLease when it is the scenario's lock (the flags, read
  // after it, may name another): metadata as the lock has it, spec as kubectl printed it.
  std::optional<json> initial_lease;
  if (in.lease) {
    const json* meta = json_input::Find(*in.lease, "metadata");
    const json* name = meta != nullptr ? json_input::Find(*meta, "name") : nullptr;
    const json* ns = meta != nullptr ? json_input::Find(*meta, "namespace") : nullptr;
    const bool same_lock = in.lock_kind == "leases" && name != nullptr && name->is_string() && *name == in.lock_name &&
                           (ns == nullptr || (ns->is_string() && *ns == in.lock_namespace));
    if (same_lock) {
      json l = {{"apiVersion", in.lease->value("apiVersion", std::string("coordination.k8s.io/v1"))},
                {"kind", "Lease"},
                {"metadata", {{"name", in.lock_name}, {"namespace", in.lock_namespace}}}};
      if (const json* spec = json_input::Find(*in.lease, "spec"); spec != nullptr && !spec->is_null()) l["spec"] = *spec;
      initial_lease = std::move(l);
      const std::string counts =
          in.transitions ? fmt::format("; leaseTransitions counts on from {}", *in.transitions) : std::string();
      description += in.holder.empty()
                         ? fmt::format(" The run starts from the live Lease (initialLease), which no one holds{}.", counts)
                         : fmt::format(" The run starts from the live Lease (initialLease): replica-0 is its holder and "
                                       "renews it at once{}.",
                                       counts);
    } else {
      description += fmt::format(" The live Lease is not the lock the flags chose ({} {}/{}), so the run starts with no "
                                 "lock object.",
                                 in.lock_kind, in.lock_namespace, in.lock_name);
    }
  }

  Writer w{format, ""};
  const bool js = format == StarterFormat::kJson;
  w.Comment(0, "Starter scenario written by `leasesim init`. Run it: leasesim run <this file>");
  w.Comment(0, "Format: scenarios/README.md (durations are Go duration strings, e.g. \"15s\").");
  if (!in.sources.empty()) w.Comment(0, fmt::format("Made from: {}", fmt::join(in.sources, "; ")));
  if (!in.ignored_flags.empty()) w.Comment(0, "ignored (not leader election): " + fmt::format("{}", fmt::join(in.ignored_flags, " ")));
  auto field = [&](const std::string& key, const std::string& value, const std::string& comment, bool last = false) {
    w.Raw(js ? fmt::format("  {}: {}{}", Q(key), value, last ? "" : ",") : fmt::format("{}: {}", key, value), comment);
  };
  if (js) w.Raw("{");
  // No "name": a scenario is named after its file.
  field("description", Q(description), "");
  field("seed", "1", "one seed per run: same seed, same run");
  field("duration", D(duration), "simulated (true) time");
  field("clientGo", Q(in.client_go), "--client-go: the version the components are built with");
  const std::string lock_src = in.holder.empty() && in.sources.empty() ? "kube-controller-manager's default lock"
                                                                       : "--leader-elect-resource-lock/-namespace/-name or the Lease";
  field("lock", fmt::format("{{{}: {}, {}: {}, {}: {}}}", js ? Q("kind") : "kind", Q(in.lock_kind),
                            js ? Q("namespace") : "namespace", Q(in.lock_namespace), js ? Q("name") : "name", Q(in.lock_name)),
        lock_src);
  if (initial_lease) {
    // Laid out as kubectl prints it: one line per field, objects one level deep; a value
    // is compact JSON (a string quoted), which YAML reads as the same value.
    auto dump = [](const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); };
    w.Raw(js ? "  \"initialLease\": {" : "initialLease:", "--from-lease: the live Lease; the run starts from it");
    const std::vector<std::string> keys = {"apiVersion", "kind", "metadata", "spec"};
    std::vector<std::string> present;
    for (const std::string& k : keys) {
      if (initial_lease->contains(k)) present.push_back(k);
    }
    for (size_t i = 0; i < present.size(); ++i) {
      const json& v = (*initial_lease)[present[i]];
      const std::string comma = js && i + 1 < present.size() ? "," : "";
      if (!v.is_object() || v.empty()) {
        w.Raw(js ? fmt::format("    {}: {}{}", Q(present[i]), dump(v), comma) : fmt::format("  {}: {}", present[i], dump(v)));
        continue;
      }
      w.Raw(js ? fmt::format("    {}: {{", Q(present[i])) : fmt::format("  {}:", present[i]));
      size_t j = 0;
      for (const auto& [k, x] : v.items()) {
        const bool last = ++j == v.size();
        w.Raw(js ? fmt::format("      {}: {}{}", Q(k), dump(x), last ? "" : ",") : fmt::format("    {}: {}", YamlKey(k), dump(x)));
      }
      if (js) w.Raw(fmt::format("    }}{}", comma));
    }
    if (js) w.Raw("  },");
  }
  if (js) {
    w.Raw("  \"timings\": {", "LeaderElectionConfig");
    w.Raw(fmt::format("    \"leaseDuration\": {},", D(in.lease_duration)), "--leader-elect-lease-duration");
    w.Raw(fmt::format("    \"renewDeadline\": {},", D(in.renew_deadline)), "--leader-elect-renew-deadline");
    w.Raw(fmt::format("    \"retryPeriod\": {}", D(in.retry_period)), "--leader-elect-retry-period");
    w.Raw("  },");
  } else {
    w.Raw("timings:", "LeaderElectionConfig");
    w.Raw(fmt::format("  leaseDuration: {}", D(in.lease_duration)), "--leader-elect-lease-duration");
    w.Raw(fmt::format("  renewDeadline: {}", D(in.renew_deadline)), "--leader-elect-renew-deadline");
    w.Raw(fmt::format("  retryPeriod: {}", D(in.retry_period)), "--leader-elect-retry-period");
  }
  w.Raw(js ? "  \"candidates\": [" : "candidates:", fmt::format("--replicas {}: one client-go LeaderElector each", in.replicas));
  for (int i = 0; i < in.replicas; ++i) {
    const std::string name = fmt::format("replica-{}", i);
    std::string fields = fmt::format("{}: {}", js ? Q("name") : "name", Q(name));
    std::string comment;
    if (i == 0 && !in.holder.empty()) {
      fields += fmt::format(", {}: {}", js ? Q("identity") : "identity", Q(in.holder));
      comment = "holderIdentity of the live Lease";
    }
    if (i > 0) fields += fmt::format(", {}: {}", js ? Q("start") : "start", D(std::chrono::seconds(i)));
    if (i == 0 && comment.empty()) comment = "starts first, so it leads";
    const bool last = i + 1 == in.replicas;
    w.Raw(js ? fmt::format("    {{{}}}{}", fields, last ? "" : ",") : fmt::format("  - {{{}}}", fields), comment);
  }
  if (js) w.Raw("  ],");
  w.Raw(js ? "  \"faults\": [" : "faults:", "try also: partition, pause, clock_drift, apiserver_outage (scenarios/README.md)");
  {
    std::string f = fmt::format("{}: {}, {}: {}, {}: {}, {}: {}", js ? Q("id") : "id", Q("crash-leader"), js ? Q("at") : "at",
                                D(crash_at), js ? Q("kind") : "kind", Q("crash"), js ? Q("node") : "node", Q(leader));
    if (single) f += fmt::format(", {}: {}", js ? Q("for") : "for", D(restart));
    w.Raw(js ? fmt::format("    {{{}}}", f) : fmt::format("  - {{{}}}", f),
          single ? "the only replica crashes and is restarted" : "the leader dies without releasing the Lease");
  }
  if (js) w.Raw("  ],");
  w.Raw(js ? "  \"expect\": [" : "expect:", "the run passes when all of these hold");
  const std::string k = js ? Q("kind") : "kind";
  w.Raw(js ? fmt::format("    {{{}: {}}},", k, Q("no_split_brain")) : fmt::format("  - {{{}: {}}}", k, Q("no_split_brain")),
        "never two replicas acting as leader at once");
  const std::string lw = fmt::format("{}: {}, {}: {}, {}: {}", k, Q("leader_within"), js ? Q("after") : "after", Q("crash-leader"),
                                     js ? Q("within") : "within", D(within));
  w.Raw(js ? fmt::format("    {{{}}}", lw) : fmt::format("  - {{{}}}", lw),
        single ? "LeaseDuration + 2 x 2.2 x RetryPeriod + 1s + the restart" : "LeaseDuration + 2 x 2.2 x RetryPeriod + 1s");
  if (js) {
    w.Raw("  ]");
    w.Raw("}");
  }

  // The text must load as it is (client-go's validation judges the timings).
  std::string load_err;
  if (!ParseScenario(w.out, js ? "starter.json" : "starter.yaml", &load_err)) {
    const auto at = load_err.find(": $");
    *err = fmt::format("the starter scenario would not load: {}", at == std::string::npos ? load_err : load_err.substr(at + 2));
    return std::nullopt;
  }
  return w.out;
}

}  // namespace leasesim::sim
