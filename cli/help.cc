// help.cc — the helping parts of the command line: `--version`'s text and "did you mean"
// for a mistyped subcommand.
#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"
#include "core/version_profile.h"

namespace leasesim::sim {
namespace {

// EditDistance is the Levenshtein distance (insertions, deletions, substitutions).
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string VersionText(std::string_view version) {
  std::vector<std::string> profiles;
  for (int minor = core::VersionProfile::kOldestMinor; minor <= core::VersionProfile::kNewestMinor; ++minor) {
    profiles.push_back(core::VersionProfile::ForMinor(minor).Name());
  }
  return fmt::format(
      "leasesim {}\n"
      "client-go profiles: {} (clientGo in scenarios, --client-go in init; default 1.37)\n"
      "lock kinds: leases, configmaps, endpoints, configmapsleases, endpointsleases",
      version, fmt::join(profiles, " "));
}

std::optional<std::string> UnknownCommandMessage(std::string_view typed, const std::vector<std::string>& commands) {
  if (typed.empty() || typed[0] == '-') return std::nullopt;
  if (std::find(commands.begin(), commands.end(), typed) != commands.end()) return std::nullopt;
  std::string best;
  size_t best_d = 3;  // suggest within two edits, or a unique prefix
  for (const std::string& c : commands) {
    const size_t d = EditDistance(typed, c);
    if (d < best_d || (best.empty() && c.rfind(typed, 0) == 0)) {
      best_d = std::min(d, best_d);
      best = c;
    }
  }
  std::string msg = fmt::format("unknown command \"{}\"", typed);
  if (!best.empty()) msg += fmt::format("; did you mean \"{}\"?", best);
  msg += fmt::format(" (commands: {}; leasesim help COMMAND)", fmt::join(commands, ", "));
  return msg;
}

}  // namespace leasesim::sim
