// coordinated_effects.h — what the coordinated-election state machines (the candidate's
// LeaseCandidate client, kube-apiserver's election controller) ask their caller to do.
//
// Same contract as the elector's effects (core/README.md), with their own timer effect:
// every timer stands for a workqueue AddAfter or a wait.Until period.
#pragma once

#include <string>
#include <variant>

#include "core/effects.h"

namespace leasesim::core {

// ArmQueueTimer: call TimerFired(id) once the local monotonic clock reaches `at`.
struct ArmQueueTimer {
  TimerId id = 0;
  MonoTime at;
};

// CoordLog: one klog line of the ported Go code (verbosity is klog's V level; error for
// utilruntime.HandleError / klog.ErrorS).
struct CoordLog {
  int verbosity = 0;
  bool error = false;
  std::string text;
};

using CoordEffect = std::variant<SendApiRequest, CancelRequest, ArmQueueTimer, CoordLog>;

}  // namespace leasesim::core
