// inspector.cc — the inspector's contents at a true time (see inspector.h).
#include "viz/inspector.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "viz/lease_yaml.h"
#include "viz/time_format.h"

namespace leasesim::viz {
namespace {

int64_t DriftAt(const NodeTrack& node, TimeNs t) {
  auto it = std::upper_bound(node.clock_changes.begin(), node.clock_changes.end(), t,
                             [](TimeNs v, const ClockChange& c) { return v < c.t; });
  return it == node.clock_changes.begin() ? 0 : (it - 1)->drift_ppm;
}

}  // namespace

bool LocalReadingsAt(const NodeTrack& node, TimeNs t, int64_t& mono_ns, int64_t& wall_ns) {
  if (node.clock.empty()) return false;
  auto it = std::upper_bound(node.clock.begin(), node.clock.end(), t,
                             [](TimeNs v, const ClockSample& s) { return v < s.t; });
  const ClockSample& s = it == node.clock.begin() ? *it : *(it - 1);
  const int64_t dt = t - s.t;
  // A clock that runs fast by drift_ppm advances dt + dt*drift/1e6 per dt of true time.
  const int64_t local = dt + static_cast<int64_t>(static_cast<__int128>(dt) * DriftAt(node, t) / 1'000'000);
  mono_ns = s.mono_ns + local;
  wall_ns = s.wall_ns + local;
  return true;
}

Inspection InspectAt(const Trace& trace, TimeNs t) {
  Inspection in;
  in.t = t;
  auto w = std::upper_bound(trace.lease_writes.begin(), trace.lease_writes.end(), t,
                            [](TimeNs v, const LeaseWrite& lw) { return v < lw.t; });
  if (w == trace.lease_writes.begin()) {
    in.lease_yaml = fmt::format("# no Lease {}/{} written yet\n", trace.header.lock_namespace,
                                trace.header.lock_name);
  } else {
    const LeaseWrite& lw = *(w - 1);
    in.has_lease = true;
    in.lease_written_t = lw.t;
    in.resource_version = lw.resource_version;
    in.lease_holder = lw.holder >= 0 ? trace.holders[lw.holder] : "";
    const auto line = nlohmann::json::parse(trace.Line(lw.event), nullptr, false);
    if (line.is_object() && (line.contains("object") || line.contains("lease"))) {
      in.lease_yaml = ToKubectlYaml(line.contains("object") ? line["object"] : line["lease"]);
    } else {
      in.lease_yaml = "# the write's lease object could not be read\n";
    }
  }
  for (const NodeTrack& node : trace.nodes) {
    NodeInspection n;
    n.node = node.config.node;
    n.identity = node.config.identity;
    auto st = std::upper_bound(node.states.begin(), node.states.end(), t,
                               [](TimeNs v, const StateInterval& s) { return v < s.start; });
    if (st != node.states.begin()) {
      n.state = (st - 1)->state;
      n.state_since = (st - 1)->start;
    }
    auto ac = std::upper_bound(node.acting.begin(), node.acting.end(), t,
                               [](TimeNs v, const Interval& s) { return v < s.start; });
    n.acting = ac != node.acting.begin() && t < (ac - 1)->end;
    auto ob = std::upper_bound(node.observed.begin(), node.observed.end(), t,
                               [](TimeNs v, const Observation& o) { return v < o.t; });
    if (ob != node.observed.begin()) {
      const Observation& o = *(ob - 1);
      n.has_observed = true;
      n.observed_holder = o.holder;
      n.observed_t = o.t;
      const auto line = nlohmann::json::parse(trace.Line(o.event), nullptr, false);
      if (line.is_object()) {
        n.observed_record = line.value("record", "");
        n.observed_mono_ns = line.value("mono", int64_t{0});
        n.observed_wall_ns = line.value("wall", int64_t{0});
      }
    }
    n.has_clock = LocalReadingsAt(node, t, n.mono_ns, n.wall_ns);
    if (n.has_clock) n.offset_ns = n.wall_ns - trace.header.epoch_wall_ns - t;
    n.drift_ppm = DriftAt(node, t);
    // In flight: sent at or before t and not answered by t. Requests are sorted by sent
    // time and an elector has one outstanding at a time (client-go calls are synchronous),
    // so looking back over the last 16 sent is plenty.
    auto req = std::upper_bound(node.api.begin(), node.api.end(), t,
                                [](TimeNs v, const ApiCall& c) { return v < c.sent; });
    int scanned = 0;
    for (auto it = req; it != node.api.begin() && scanned < 16; ++scanned) {
      --it;
      if (it->answered < 0 || it->answered > t) {
        n.in_flight = *it;
        n.in_flight_text = fmt::format(
            "{} id {} sent at {}, {} for {}{}", ApiVerbName(it->verb), it->id,
            FormatTrueTime(it->sent), it->served >= 0 && it->served <= t ? "served, answer pending" : "pending",
            FormatDuration(t - it->sent),
            it->answered >= 0 ? fmt::format(" (answer: {} at {})", ApiOutcomeName(it->outcome),
                                            FormatTrueTime(it->answered))
                              : " (never answered)");
        break;
      }
    }
    in.nodes.push_back(std::move(n));
  }
  for (const LeaseCandidateTrack& c : trace.lease_candidates) {
    auto it = std::upper_bound(c.objects.begin(), c.objects.end(), t,
                               [](TimeNs v, const CandidateObject& o) { return v < o.t; });
    if (it == c.objects.begin()) continue;  // not created yet
    const CandidateObject& o = *(it - 1);
    CandidateInspection ci;
    ci.name = c.name;
    ci.seen_t = o.t;
    ci.by_controller = o.by_controller;
    ci.deleted = o.deleted;
    ci.exists = !o.deleted;
    if (o.deleted) {
      ci.yaml = fmt::format("# deleted by the election controller at {}\n", FormatTrueTime(o.t));
    } else {
      const auto line = nlohmann::json::parse(trace.Line(o.event), nullptr, false);
      if (line.is_object() && line.contains("object") && line["object"].is_object()) {
        const nlohmann::json& obj = line["object"];
        ci.yaml = ToKubectlYaml(obj);
        auto str = [&](const char* key) {
          const auto sp = obj.find("spec");
          if (sp == obj.end() || !sp->is_object()) return std::string();
          const auto v = sp->find(key);
          return v != sp->end() && v->is_string() ? v->get<std::string>() : std::string();
        };
        ci.holder_identity = ci.name;
        ci.binary_version = str("binaryVersion");
        ci.emulation_version = str("emulationVersion");
        ci.renew_time = str("renewTime");
        ci.ping_time = str("pingTime");
        // RFC 3339 with the same precision compares as text.
        ci.ping_pending = !ci.ping_time.empty() && ci.ping_time > ci.renew_time;
      } else {
        ci.yaml = "# the LeaseCandidate object could not be read\n";
      }
    }
    in.candidates.push_back(std::move(ci));
  }
  if (trace.cluster.present) {
    in.has_cluster = true;
    in.workers = trace.cluster.workers;
    auto it = std::upper_bound(trace.cluster.counts.begin(), trace.cluster.counts.end(), t,
                               [](TimeNs v, const WorkerCounts& c) { return v < c.t; });
    if (it != trace.cluster.counts.begin()) in.worker_counts = *(it - 1);
  }
  return in;
}

}  // namespace leasesim::viz
