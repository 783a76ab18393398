// network.h — the paths between the nodes and the API server: delay, loss, partitions.
//
// Each node has one path to the API server with two directions: requests (node -> server)
// and responses (server -> node). Per direction, a message is delayed by a draw from a
// Distribution (default 1ms constant), lost with probability loss_ratio, or lost because
// the direction is partitioned. One-way partitions make outcomes ambiguous, as in real
// clusters: with `responses` cut the server applies the write but the client sees a
// timeout. (Vocabulary after tigerbeetle's packet simulator: one_way_delay, loss
// probability as a ratio, partition symmetry.)
//
// Faults change paths while they last. Each fault's changes are an override pushed under
// its fault id and popped when it ends, so overlapping faults restore correctly:
//   * partitions compose: a direction is cut while any active fault (or the base) cuts it;
//   * delay distributions and loss ratio: the most recently begun active fault that sets
//     the field wins; with none, the base value applies.
//
//   sim::Network net(seed, {"node-a", "node-b"});
//   net.BeginFault(7, /*node=*/0, sim::PathOverride::Cut(sim::Partition::kResponses));
//   std::optional<Duration> d = net.RequestDelay(0, now);   // delivered: the write happens
//   std::optional<Duration> r = net.ResponseDelay(0, now);  // nullopt: the client times out
//   net.EndFault(7);
//
// Determinism: every direction of every node draws from its own named PRNG streams,
// net/<node>/request and net/<node>/response (delays) and .../loss (loss decisions), so
// adding a node perturbs no other node. Each message draws exactly one delay and one loss
// value whatever the path's state, so a partition or a loss change never shifts the
// delays of later messages, and raising the loss ratio only adds losses (the same draws
// are compared to a higher threshold).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/prng.h"
#include "sim/distributions.h"
#include "sim/true_time.h"

namespace leasesim::sim {

// Partition is which directions of a path are cut. A bit set: requests = 1, responses = 2.
enum class Partition : uint8_t {
  kNone = 0,
  kRequests = 1,   // requests lost: the server never sees them
  kResponses = 2,  // responses lost: the server acts, the client times out
  kSymmetric = 3,  // both directions lost
};

// PartitionName is the scenario spelling: "none", "requests", "responses", "symmetric".
std::string_view PartitionName(Partition p);
// ParsePartition is the inverse of PartitionName; nullopt for anything else.
std::optional<Partition> ParsePartition(std::string_view name);

// PathConfig is a path's configuration without faults (the scenario's network section).
struct PathConfig {
  Distribution request_delay = Distribution::Constant(std::chrono::milliseconds(1));
  Distribution response_delay = Distribution::Constant(std::chrono::milliseconds(1));
  double loss_ratio = 0;                  // each message, each direction; in [0, 1]
  Partition partition = Partition::kNone;
  // in_order delivers each direction's messages in the order they were sent, as the one
  // HTTP/2 (TCP) connection client-go keeps to the API server does: a message never
  // overtakes an earlier one on the same direction. Not affected by faults.
  bool in_order = true;
};

// PathOverride is what one fault changes on one path; unset fields change nothing.
struct PathOverride {
  std::optional<Distribution> request_delay;
  std::optional<Distribution> response_delay;
  std::optional<double> loss_ratio;        // in [0, 1]
  Partition partition = Partition::kNone;  // directions this fault cuts

  // Cut is the override of a partition fault.
  static PathOverride Cut(Partition p) {
    PathOverride o;
    o.partition = p;
    return o;
  }
};

// DirectionStats counts one direction's messages, for oracles and API-load reports.
struct DirectionStats {
  uint64_t sent = 0;
  uint64_t delivered = 0;
  uint64_t lost_to_partition = 0;
  uint64_t lost_to_loss = 0;
};

// Network is every node's path to the API server. Nodes are addressed by index
// 0..node_count()-1; their names (stable slot names such as "node-a", not lease
// identities, which may change on restart) name their PRNG streams and must be unique.
class Network {
 public:
  // Network creates node_names.size() paths configured as `base`, with streams split from
  // the run seed. Asserts that names are unique.
  Network(uint64_t seed, std::vector<std::string> node_names, const PathConfig& base = {});

  std::size_t node_count() const { return paths_.size(); }
  const std::string& node_name(std::size_t node) const { return paths_[node].name; }

  // SetBase replaces a path's fault-free configuration (active overrides stay).
  void SetBase(std::size_t node, const PathConfig& config);
  const PathConfig& base(std::size_t node) const { return paths_[node].base; }

  // BeginFault pushes `change` on `node`'s path under `fault_id`. A fault may change
  // several nodes' paths (one call per node). Asserts the fault has no override on that
  // node yet and that a loss ratio is in [0, 1].
  void BeginFault(uint64_t fault_id, std::size_t node, const PathOverride& change);
  // EndFault pops every override of `fault_id`; returns how many there were.
  std::size_t EndFault(uint64_t fault_id);

  // Effective is the path's configuration with the active overrides applied.
  PathConfig Effective(std::size_t node) const;

  // RequestDelay decides the fate of a request sent by `node` at true time `now`: its
  // one-way delay (>= 0) until the server receives it, or nullopt if it is lost.
  // Inline when no fault is in force on the path (its base is read in place); the same
  // draws in the same order either way.
  std::optional<Duration> RequestDelay(std::size_t node, TrueTime now) {
    Path& path = paths_[node];
    if (path.overrides.empty()) [[likely]] return Pass(path.request, path.base, /*requests=*/true, now);
    return DeliverWithFaults(node, /*requests=*/true, now);
  }
  // ResponseDelay is RequestDelay for a response the server sends to `node` at `now`.
  std::optional<Duration> ResponseDelay(std::size_t node, TrueTime now) {
    Path& path = paths_[node];
    if (path.overrides.empty()) [[likely]] return Pass(path.response, path.base, /*requests=*/false, now);
    return DeliverWithFaults(node, /*requests=*/false, now);
  }

  const DirectionStats& request_stats(std::size_t node) const { return paths_[node].request.stats; }
  const DirectionStats& response_stats(std::size_t node) const { return paths_[node].response.stats; }

 private:
  struct Direction {
    core::Prng delay_rng;
    core::Prng loss_rng;
    TrueTime last_arrival{Duration::min()};
    DirectionStats stats;
  };
  struct Override {
    uint64_t fault_id;
    PathOverride change;
  };
  struct Path {
    std::string name;
    PathConfig base;
    std::vector<Override> overrides;  // in the order the faults began
    Direction request;
    Direction response;
  };

  // Pass decides one message's fate on direction `dir` of a path configured as `eff`.
  // Always one loss draw and one delay draw per message (see the file comment).
  static std::optional<Duration> Pass(Direction& dir, const PathConfig& eff, bool requests, TrueTime now) {
    const double u = dir.loss_rng.Float64();
    Duration d = (requests ? eff.request_delay : eff.response_delay).Sample(dir.delay_rng);
    ++dir.stats.sent;
    const uint8_t cut_bit = static_cast<uint8_t>(requests ? Partition::kRequests : Partition::kResponses);
    if ((static_cast<uint8_t>(eff.partition) & cut_bit) != 0) {
      ++dir.stats.lost_to_partition;
      return std::nullopt;
    }
    if (u < eff.loss_ratio) {
      ++dir.stats.lost_to_loss;
      return std::nullopt;
    }
    if (eff.in_order) {
      const TrueTime arrival = std::max(now + d, dir.last_arrival);
      dir.last_arrival = arrival;
      d = arrival - now;
    }
    ++dir.stats.delivered;
    return d;
  }
  // DeliverWithFaults is Pass on the path's Effective configuration (a fault in force).
  std::optional<Duration> DeliverWithFaults(std::size_t node, bool requests, TrueTime now);

  std::vector<Path> paths_;
};

}  // namespace leasesim::sim
