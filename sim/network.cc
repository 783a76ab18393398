// network.cc — see network.h.
#include "sim/network.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace leasesim::sim {
namespace {

constexpr uint8_t Bits(Partition p) { return static_cast<uint8_t>(p); }

[[maybe_unused]] bool ValidRatio(double p) { return p >= 0.0 && p <= 1.0; }  // false for NaN

}  // namespace

std::string_view PartitionName(Partition p) {
  switch (p) {
    case Partition::kNone: return "none";
    case Partition::kRequests: return "requests";
    case Partition::kResponses: return "responses";
    case Partition::kSymmetric: return "symmetric";
  }
  return "unknown";
}

std::optional<Partition> ParsePartition(std::string_view name) {
  for (Partition p : {Partition::kNone, Partition::kRequests, Partition::kResponses, Partition::kSymmetric}) {
    if (PartitionName(p) == name) return p;
  }
  return std::nullopt;
}

Network::Network(uint64_t seed, std::vector<std::string> node_names, const PathConfig& base) {
  paths_.reserve(node_names.size());
  for (std::string& name : node_names) {
    assert(std::none_of(paths_.begin(), paths_.end(), [&](const Path& p) { return p.name == name; }) &&
           "Network: node names must be unique (they name PRNG streams)");
    const std::string prefix = "net/" + name;
    Path path{std::move(name), base, {},
              Direction{core::Prng::Stream(seed, prefix + "/request"), core::Prng::Stream(seed, prefix + "/request/loss"),
                        TrueTime{Duration::min()}, {}},
              Direction{core::Prng::Stream(seed, prefix + "/response"),
                        core::Prng::Stream(seed, prefix + "/response/loss"), TrueTime{Duration::min()}, {}}};
    paths_.push_back(std::move(path));
  }
  assert(ValidRatio(base.loss_ratio));
}

void Network::SetBase(std::size_t node, const PathConfig& config) {
  assert(ValidRatio(config.loss_ratio));
  paths_[node].base = config;
}

void Network::BeginFault(uint64_t fault_id, std::size_t node, const PathOverride& change) {
  Path& path = paths_[node];
  assert(std::none_of(path.overrides.begin(), path.overrides.end(),
                      [&](const Override& o) { return o.fault_id == fault_id; }) &&
         "Network: fault already active on this path");
  assert(!change.loss_ratio || ValidRatio(*change.loss_ratio));
  path.overrides.push_back({fault_id, change});
}

std::size_t Network::EndFault(uint64_t fault_id) {
  std::size_t n = 0;
  for (Path& path : paths_) {
    n += std::erase_if(path.overrides, [&](const Override& o) { return o.fault_id == fault_id; });
  }
  return n;
}

PathConfig Network::Effective(std::size_t node) const {
  const Path& path = paths_[node];
  PathConfig eff = path.base;
  uint8_t cut = Bits(eff.partition);
  for (const Override& o : path.overrides) {  // later faults overwrite earlier ones
    if (o.change.request_delay) eff.request_delay = *o.change.request_delay;
    if (o.change.response_delay) eff.response_delay = *o.change.response_delay;
    if (o.change.loss_ratio) eff.loss_ratio = *o.change.loss_ratio;
    cut |= Bits(o.change.partition);
  }
  eff.partition = static_cast<Partition>(cut);
  return eff;
}

std::optional<Duration> Network::DeliverWithFaults(std::size_t node, bool requests, TrueTime now) {
  const PathConfig eff = Effective(node);
  Path& path = paths_[node];
  return Pass(requests ? path.request : path.response, eff, requests, now);
}

}  // namespace leasesim::sim
