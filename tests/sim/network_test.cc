// Tests for sim::Network: partitions per mode, loss statistics, fault overrides that
// overlap and end in any order, in-order delivery and stream determinism.
#include "sim/network.h"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using leasesim::sim::Distribution;
using leasesim::sim::Duration;
using leasesim::sim::kTrueEpoch;
using leasesim::sim::Network;
using leasesim::sim::ParsePartition;
using leasesim::sim::Partition;
using leasesim::sim::PartitionName;
using leasesim::sim::PathConfig;
using leasesim::sim::PathOverride;
using leasesim::sim::TrueTime;
using namespace std::chrono_literals;

namespace {

constexpr uint64_t kSeed = 42;

std::vector<std::optional<Duration>> Requests(Network& net, std::size_t node, int n, TrueTime now = kTrueEpoch) {
  std::vector<std::optional<Duration>> out;
  for (int i = 0; i < n; ++i) out.push_back(net.RequestDelay(node, now));
  return out;
}

}  // namespace

TEST_CASE("a default path delivers both ways after 1ms", "[sim][network]") {
  Network net(kSeed, {"node-a", "node-b"});
  CHECK(net.node_count() == 2);
  CHECK(net.node_name(1) == "node-b");
  CHECK(net.RequestDelay(0, kTrueEpoch) == 1ms);
  CHECK(net.ResponseDelay(1, kTrueEpoch) == 1ms);
  CHECK(net.request_stats(0).sent == 1);
  CHECK(net.request_stats(0).delivered == 1);
}

TEST_CASE("partition modes cut the right directions", "[sim][network]") {
  Network net(kSeed, {"node-a", "node-b"});
  struct Case {
    Partition mode;
    bool requests_pass;
    bool responses_pass;
  };
  for (const Case& c : {Case{Partition::kNone, true, true}, Case{Partition::kRequests, false, true},
                        Case{Partition::kResponses, true, false}, Case{Partition::kSymmetric, false, false}}) {
    CAPTURE(PartitionName(c.mode));
    net.BeginFault(1, 0, PathOverride::Cut(c.mode));
    CHECK(net.RequestDelay(0, kTrueEpoch).has_value() == c.requests_pass);
    CHECK(net.ResponseDelay(0, kTrueEpoch).has_value() == c.responses_pass);
    // The other node's path is untouched.
    CHECK(net.RequestDelay(1, kTrueEpoch) == 1ms);
    CHECK(net.ResponseDelay(1, kTrueEpoch) == 1ms);
    CHECK(net.EndFault(1) == 1);
    CHECK(net.RequestDelay(0, kTrueEpoch) == 1ms);
    CHECK(net.ResponseDelay(0, kTrueEpoch) == 1ms);
  }
  CHECK(net.request_stats(0).lost_to_partition == 2);
  CHECK(net.response_stats(0).lost_to_partition == 2);

  SECTION("a base partition from the scenario") {
    PathConfig cut;
    cut.partition = Partition::kSymmetric;
    net.SetBase(1, cut);
    CHECK_FALSE(net.RequestDelay(1, kTrueEpoch));
    CHECK_FALSE(net.ResponseDelay(1, kTrueEpoch));
  }
}

TEST_CASE("partition names round-trip", "[sim][network]") {
  for (Partition p : {Partition::kNone, Partition::kRequests, Partition::kResponses, Partition::kSymmetric}) {
    CHECK(ParsePartition(PartitionName(p)) == p);
  }
  CHECK(PartitionName(Partition::kResponses) == "responses");
  CHECK_FALSE(ParsePartition("both"));
}

TEST_CASE("loss ratio statistics", "[sim][network]") {
  PathConfig lossy;
  lossy.loss_ratio = 0.05;
  Network net(kSeed, {"node-a"}, lossy);
  constexpr int kMessages = 100'000;
  int lost_requests = 0, lost_responses = 0;
  for (int i = 0; i < kMessages; ++i) {
    lost_requests += !net.RequestDelay(0, kTrueEpoch).has_value();
    lost_responses += !net.ResponseDelay(0, kTrueEpoch).has_value();
  }
  // Standard error sqrt(0.05 * 0.95 / 1e5) = 0.0007: allow 4 of them.
  CHECK(lost_requests / double(kMessages) == Approx(0.05).margin(0.003));
  CHECK(lost_responses / double(kMessages) == Approx(0.05).margin(0.003));
  CHECK(net.request_stats(0).lost_to_loss == static_cast<uint64_t>(lost_requests));
  CHECK(net.request_stats(0).delivered + net.request_stats(0).lost_to_loss == kMessages);

  SECTION("ratios 0 and 1") {
    PathOverride all;
    all.loss_ratio = 1.0;
    net.BeginFault(9, 0, all);
    for (int i = 0; i < 100; ++i) CHECK_FALSE(net.RequestDelay(0, kTrueEpoch));
    net.EndFault(9);
    PathOverride none;
    none.loss_ratio = 0.0;
    net.BeginFault(10, 0, none);
    for (int i = 0; i < 100; ++i) CHECK(net.RequestDelay(0, kTrueEpoch));
  }
}

TEST_CASE("overlapping faults restore correctly in any end order", "[sim][network]") {
  Network net(kSeed, {"node-a", "node-b"});
  PathOverride slow_lossy;
  slow_lossy.request_delay = Distribution::Constant(10ms);
  slow_lossy.loss_ratio = 0.5;
  PathOverride slower_cut_requests;
  slower_cut_requests.request_delay = Distribution::Constant(20ms);
  slower_cut_requests.partition = Partition::kRequests;
  PathOverride cut_responses;
  cut_responses.partition = Partition::kResponses;

  net.BeginFault(1, 0, slow_lossy);
  CHECK(net.Effective(0).request_delay.a == 10ms);
  CHECK(net.Effective(0).response_delay.a == 1ms);
  CHECK(net.Effective(0).loss_ratio == 0.5);

  net.BeginFault(2, 0, slower_cut_requests);
  CHECK(net.Effective(0).request_delay.a == 20ms);  // the later fault wins
  CHECK(net.Effective(0).loss_ratio == 0.5);        // fault 2 does not set loss
  CHECK(net.Effective(0).partition == Partition::kRequests);

  net.BeginFault(3, 0, cut_responses);
  net.BeginFault(3, 1, cut_responses);  // one fault, two paths
  CHECK(net.Effective(0).partition == Partition::kSymmetric);  // cuts compose
  CHECK(net.Effective(1).partition == Partition::kResponses);

  CHECK(net.EndFault(1) == 1);  // the earliest ends first
  CHECK(net.Effective(0).request_delay.a == 20ms);
  CHECK(net.Effective(0).loss_ratio == 0);
  CHECK(net.Effective(0).partition == Partition::kSymmetric);

  CHECK(net.EndFault(2) == 1);
  CHECK(net.Effective(0).request_delay.a == 1ms);
  CHECK(net.Effective(0).partition == Partition::kResponses);

  CHECK(net.EndFault(3) == 2);
  CHECK(net.EndFault(3) == 0);
  for (std::size_t node : {0, 1}) {
    CHECK(net.Effective(node).partition == Partition::kNone);
    CHECK(net.RequestDelay(node, kTrueEpoch) == 1ms);
    CHECK(net.ResponseDelay(node, kTrueEpoch) == 1ms);
  }

  SECTION("ending the later fault first restores the earlier one's values") {
    net.BeginFault(4, 0, slow_lossy);
    net.BeginFault(5, 0, slower_cut_requests);
    net.EndFault(5);
    CHECK(net.Effective(0).request_delay.a == 10ms);
    CHECK(net.Effective(0).partition == Partition::kNone);
    net.EndFault(4);
    CHECK(net.Effective(0).request_delay.a == 1ms);
  }
}

TEST_CASE("delivery is in order per direction unless disabled", "[sim][network]") {
  PathConfig jittery;
  jittery.request_delay = Distribution::Uniform(1ms, 100ms);
  Network ordered(kSeed, {"node-a"}, jittery);
  jittery.in_order = false;
  Network unordered(kSeed, {"node-a"}, jittery);
  TrueTime last_ordered{}, last_unordered{};
  int overtakes = 0;
  for (int i = 0; i < 1000; ++i) {
    const TrueTime now = kTrueEpoch + i * 1ms;
    const TrueTime a = now + *ordered.RequestDelay(0, now);
    const TrueTime b = now + *unordered.RequestDelay(0, now);
    CHECK(a >= last_ordered);
    CHECK(a >= b);  // the same draw, held back behind an earlier message
    overtakes += b < last_unordered;
    last_ordered = a;
    last_unordered = std::max(last_unordered, b);
  }
  CHECK(overtakes > 100);
}

TEST_CASE("streams are deterministic and independent per node", "[sim][network]") {
  PathConfig jittery;
  jittery.request_delay = Distribution::Exponential(5ms);
  jittery.response_delay = Distribution::LogNormal(3ms, 0.7);
  jittery.loss_ratio = 0.1;
  jittery.in_order = false;

  SECTION("same seed, same fates") {
    Network x(kSeed, {"node-a", "node-b"}, jittery), y(kSeed, {"node-a", "node-b"}, jittery);
    CHECK(Requests(x, 1, 1000) == Requests(y, 1, 1000));
    Network z(kSeed + 1, {"node-a", "node-b"}, jittery);
    CHECK(Requests(x, 1, 1000) != Requests(z, 1, 1000));
  }
  SECTION("adding a node does not perturb the others") {
    Network two(kSeed, {"node-a", "node-b"}, jittery);
    Network three(kSeed, {"node-a", "node-new", "node-b"}, jittery);
    CHECK(Requests(two, 1, 1000) == Requests(three, 2, 1000));
    CHECK(Requests(two, 0, 1000) == Requests(three, 0, 1000));
  }
  SECTION("requests and responses draw from separate streams") {
    Network x(kSeed, {"node-a"}, jittery), y(kSeed, {"node-a"}, jittery);
    for (int i = 0; i < 500; ++i) y.ResponseDelay(0, kTrueEpoch);
    CHECK(Requests(x, 0, 1000) == Requests(y, 0, 1000));
  }
  SECTION("a partition does not shift later draws") {
    Network x(kSeed, {"node-a"}, jittery), y(kSeed, {"node-a"}, jittery);
    y.BeginFault(1, 0, PathOverride::Cut(Partition::kSymmetric));
    const auto during = Requests(y, 0, 100);
    for (const auto& d : during) CHECK_FALSE(d);
    y.EndFault(1);
    Requests(x, 0, 100);
    CHECK(Requests(x, 0, 1000) == Requests(y, 0, 1000));
  }
  SECTION("a higher loss ratio only adds losses") {
    Network low(kSeed, {"node-a"}, jittery);
    jittery.loss_ratio = 0.3;
    Network high(kSeed, {"node-a"}, jittery);
    const auto l = Requests(low, 0, 5000), h = Requests(high, 0, 5000);
    int extra = 0;
    for (std::size_t i = 0; i < l.size(); ++i) {
      if (!l[i]) CHECK_FALSE(h[i]);
      if (l[i] && !h[i]) ++extra;
      if (l[i] && h[i]) CHECK(*l[i] == *h[i]);
    }
    CHECK(extra > 500);
  }
}

TEST_CASE("a path without a fault in force gives the same fates, delays and counts as the fault path",
          "[sim][network]") {
  // RequestDelay/ResponseDelay read a fault-free path's base inline; an override that
  // changes nothing sends the same path through Effective. Both must draw the same values
  // in the same order and count the same, for every kind of base (loss, partition, order).
  for (int variant = 0; variant < 4; ++variant) {
    PathConfig base;
    base.request_delay = Distribution::Uniform(1ms, 5ms);
    base.response_delay = Distribution::Uniform(2ms, 40ms);
    base.loss_ratio = variant == 1 ? 0.3 : 0;
    base.partition = variant == 2 ? Partition::kResponses : Partition::kNone;
    base.in_order = variant != 3;
    Network plain(kSeed, {"node-a", "node-b"}, base);
    Network general(kSeed, {"node-a", "node-b"}, base);
    general.BeginFault(9, 1, PathOverride{});  // node-b: the general path
    for (int i = 0; i < 2000; ++i) {
      const TrueTime now = kTrueEpoch + i * 3ms;
      INFO("variant " << variant << " message " << i);
      REQUIRE(plain.RequestDelay(1, now) == general.RequestDelay(1, now));
      REQUIRE(plain.ResponseDelay(1, now) == general.ResponseDelay(1, now));
    }
    for (auto stats : {&Network::request_stats, &Network::response_stats}) {
      const auto& a = (plain.*stats)(1);
      const auto& b = (general.*stats)(1);
      CHECK(a.sent == b.sent);
      CHECK(a.delivered == b.delivered);
      CHECK(a.lost_to_partition == b.lost_to_partition);
      CHECK(a.lost_to_loss == b.lost_to_loss);
    }
  }
}
