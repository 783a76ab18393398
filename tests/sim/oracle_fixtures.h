// oracle_fixtures.h — hand-built oracle inputs shared by the oracle and expectation tests.
#pragma once

#include <string>
#include <vector>

#include "sim/oracles.h"

namespace leasesim::sim::testing {

using namespace std::chrono_literals;

// T is scenario time d as a true instant; I the interval [a, b) of scenario time.
inline TrueTime T(Duration d) { return kTrueEpoch + d; }
inline Interval I(Duration a, Duration b) { return {T(a), T(b)}; }

// Node is a candidate that believes it leads, and acts, during `believed`.
inline NodeObservations Node(std::string name, std::vector<Interval> believed) {
  NodeObservations n;
  n.node = name;
  n.identity = name;
  n.believed = believed;
  n.acting = believed;
  return n;
}

}  // namespace leasesim::sim::testing
