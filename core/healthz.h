// healthz.h — leaderelection.HealthzAdaptor (healthzadaptor.go).
//
// The WatchDog a component registers on /healthz: unhealthy iff its elector believes it
// leads and has not observed a renewal for longer than LeaseDuration + timeout (added for
// kubernetes#70819; kube components use a 20s timeout).
//
//   core::HealthzAdaptor wd(20s);  wd.SetLeaderElection(&elector);
//   if (auto err = wd.Check(now)) { /* /healthz fails with *err */ }
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/leader_elector.h"

namespace leasesim::core {

class HealthzAdaptor {
 public:
  explicit HealthzAdaptor(Duration timeout) : timeout_(timeout) {}
  // Name is "leaderElection".
  std::string_view Name() const { return "leaderElection"; }
  // SetLeaderElection attaches the elector (RunOrDie does this when WatchDog is set).
  void SetLeaderElection(const LeaderElector* le) { le_ = le; }
  // Check returns nil before an elector is set, else le.Check(timeout).
  std::optional<std::string> Check(LocalTime now) const {
    if (le_ == nullptr) return std::nullopt;
    return le_->Check(now, timeout_);
  }
  Duration timeout() const { return timeout_; }

 private:
  Duration timeout_;
  const LeaderElector* le_ = nullptr;
};

}  // namespace leasesim::core
