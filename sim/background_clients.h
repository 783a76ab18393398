// background_clients.h — open-loop load on the fake API server: clients sending a steady
// rate of requests by verb, resource, user and object count (a LIST storm, a flood of
// writes), admitted like every other request (FIFO slots, or API Priority and Fairness)
// and never applied to the store. Owned and started by ApiServer::AttachScheduler.
//
// Client i sends its k-th request at start + round(k × 1e9 / rate) ns while that is
// before start + for; it never retries and never waits for answers (many independent
// clients, e.g. every pod of a DaemonSet relisting). Deterministic: no randomness.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/apf_config.h"
#include "sim/true_time.h"

namespace leasesim::sim {

class ApiServer;
class Scheduler;

// BackgroundClientStats is what one client saw (report "apf.backgroundClients").
struct BackgroundClientStats {
  std::string name;
  std::string priority_level;  // APF's classification ("" without APF)
  std::string flow_schema;
  uint64_t sent = 0;
  uint64_t served = 0;    // processed (answered 200)
  uint64_t rejected = 0;  // 429 (or an injected error / refused)
  uint64_t dropped = 0;   // outage drop
  Duration max_latency{0};  // arrival -> completion of a served request
};

class BackgroundClients {
 public:
  BackgroundClients(std::vector<BackgroundClientSpec> specs, Scheduler& sched, ApiServer& server);
  BackgroundClients(const BackgroundClients&) = delete;
  BackgroundClients& operator=(const BackgroundClients&) = delete;

  // Start schedules every client's first request (relative to the scheduler's now).
  void Start();
  const std::vector<BackgroundClientStats>& stats() const { return stats_; }

 private:
  void Send(size_t i, uint64_t k);
  void Served(size_t i, TrueTime arrival, TrueTime complete_at);

  std::vector<BackgroundClientSpec> specs_;
  std::vector<apf::RequestDigest> digests_;
  std::vector<BackgroundClientStats> stats_;
  Scheduler& sched_;
  ApiServer& server_;
  TrueTime origin_{};
};

}  // namespace leasesim::sim
