// lease_candidate_validation.h — the API server's LeaseCandidate validation.
//
// Port of ValidateLeaseCandidateSpec / ValidateLeaseCandidateSpecUpdate /
// ValidateCoordinatedLeaseStrategy (kubernetes pkg/apis/coordination/validation, 1.32+
// internal type with a single strategy). Returns field.ErrorList's aggregate text ("" when
// valid; one error as is, several as "[a, b]").
#pragma once

#include <string>

#include "core/objects.h"

namespace leasesim::sim {

// ValidateLeaseCandidate validates a create (old == nullptr) or an update. v1alpha1
// objects (1.31, preferredStrategies) get the leaseName and version checks only.
std::string ValidateLeaseCandidate(const core::LeaseCandidate& lc, const core::LeaseCandidate* old);

}  // namespace leasesim::sim
