// lease_candidate_validation.cc — port of kubernetes pkg/apis/coordination/validation's
// LeaseCandidate checks.
#include "sim/lease_candidate_validation.h"

#include <vector>

#include "core/coordinated_election.h"
#include "core/semver.h"

namespace leasesim::sim {
namespace {

bool IsDns1123Subdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '-' && c != '.') return false;
    if ((i == 0 || i + 1 == s.size()) && !alnum) return false;
  }
  return true;
}

bool IsQualifiedNamePart(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && c != '-' && c != '_' && c != '.') return false;
    if ((i == 0 || i + 1 == s.size()) && !alnum) return false;
  }
  return true;
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

// Port of ValidateCoordinatedLeaseStrategy (note Go's fldPath.Child("strategy") on a path
// that already ends in "strategy").
void ValidateStrategy(const std::string& strategy, const std::string& fld, std::vector<std::string>& errs) {
  const size_t slash = strategy.find('/');
  if (slash == std::string::npos) {
    if (strategy != core::kOldestEmulationVersion) {
      errs.push_back(fld + ".strategy: Unsupported value: " + Quote(strategy) + ": supported values: " +
                     Quote(std::string(core::kOldestEmulationVersion)));
    }
    return;
  }
  // utilvalidation.IsQualifiedName: "prefix/name", prefix a DNS-1123 subdomain.
  const std::string prefix = strategy.substr(0, slash), name = strategy.substr(slash + 1);
  if (name.find('/') != std::string::npos || !IsDns1123Subdomain(prefix) || !IsQualifiedNamePart(name)) {
    errs.push_back(fld + ".strategy: Invalid value: " + Quote(strategy) +
                   ": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start "
                   "and end with an alphanumeric character, with an optional DNS subdomain prefix and '/'");
  }
}

}  // namespace

std::string ValidateLeaseCandidate(const core::LeaseCandidate& lc, const core::LeaseCandidate* old) {
  std::vector<std::string> errs;
  const core::LeaseCandidateSpec& spec = lc.spec;
  if (spec.leaseName.empty()) errs.push_back("spec.leaseName: Required value");
  core::Semver ev, bv;
  if (!spec.emulationVersion.empty()) {
    if (auto v = core::ParseSemver(spec.emulationVersion)) {
      ev = *v;
    } else {
      errs.push_back("spec.emulationVersion: Invalid value: " + Quote(spec.emulationVersion) +
                     ": must be a valid semantic version");
    }
  }
  const bool alpha1 = lc.api == core::LeaseCandidateApi::kV1alpha1;
  if (spec.binaryVersion.empty()) {
    if (!alpha1) errs.push_back("spec.binaryVersion: Required value");
  } else if (auto v = core::ParseSemver(spec.binaryVersion)) {
    bv = *v;
  } else {
    errs.push_back("spec.binaryVersion: Invalid value: " + Quote(spec.binaryVersion) +
                   ": must be a valid semantic version");
  }
  if (!spec.binaryVersion.empty() && !spec.emulationVersion.empty() && bv.Compare(ev) < 0) {
    errs.push_back("spec.binaryVersion: Invalid value: " + Quote(spec.binaryVersion) +
                   ": must be greater than or equal to `emulationVersion`");
  }
  if (!alpha1) {
    if (spec.strategy.empty()) {
      errs.push_back("spec.strategy: Required value");
    } else {
      if (spec.strategy == core::kOldestEmulationVersion && ev.Compare(core::Semver{}) == 0) {
        errs.push_back(
            "spec.emulationVersion: Required value: must be specified when `strategy` is 'OldestEmulationVersion'");
      }
      ValidateStrategy(spec.strategy, "spec.strategy", errs);
    }
  }
  // ValidateLeaseCandidateSpecUpdate: leaseName is immutable.
  if (old != nullptr && old->spec.leaseName != spec.leaseName) {
    errs.push_back("spec.leaseName: Invalid value: " + Quote(spec.leaseName) + ": field is immutable");
  }
  if (errs.empty()) return {};
  if (errs.size() == 1) return errs[0];
  std::string out = "[";
  for (size_t i = 0; i < errs.size(); ++i) {
    if (i) out += ", ";
    out += errs[i];
  }
  return out + "]";
}

}  // namespace leasesim::sim
