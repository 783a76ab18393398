// world_testing.h — a test-only switch of sim::World: its fast paths off.
//
// The world takes a few shortcuts on a request's usual path that must give exactly what
// its general code gives (the lease history check of an ordinary Lease update, the
// healthz bookkeeping of a healthy follower). Tests turn them off to compare a run's
// report and trace hash both ways. Never used by the program itself.
#pragma once

namespace leasesim::sim::testing {

// SetWorldFastPaths turns the fast paths on (the default) or off for every World
// until the next call. Not thread-safe: only for single-threaded tests.
void SetWorldFastPaths(bool on);

}  // namespace leasesim::sim::testing
