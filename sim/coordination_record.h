// coordination_record.h — what a run records about coordinated leader election, for the
// oracles and expectations (sim/expectations.h: oldest_emulation_violation_*,
// handover_at_most).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/true_time.h"

namespace leasesim::sim {

struct CoordinationRecord {
  bool enabled = false;  // the scenario has versioned or coordinated candidates
  // Stretches (true time) when a node believed it led while another candidate of an
  // older emulation version was running ("the leader is a candidate of the oldest
  // emulation version present", violated), merged; and their total.
  struct Span {
    TrueTime start;
    TrueTime end;
  };
  std::vector<Span> oldest_emulation_violations;
  Duration oldest_emulation_violation_total{0};
  // A handover: the controller set the Lease's preferredHolder to `to` while `from` held
  // it, at `preferred_at`; `holder_at` is when the Lease's holderIdentity next changed
  // (nullopt: not before the run's end), `new_holder` to whom.
  struct Handover {
    TrueTime preferred_at;
    std::optional<TrueTime> holder_at;
    std::string from, to, new_holder;
  };
  std::vector<Handover> handovers;
  uint64_t pings = 0;             // LeaseCandidate updates by the controller that set pingTime
  uint64_t controller_starts = 0; // times an API server instance started the controller
};

}  // namespace leasesim::sim
