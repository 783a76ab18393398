// help.cc — the helping parts of the command line: `--version`'s text and "did you mean"
// for a mistyped subcommand or option.
#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"
#include "core/version_profile.h"
#include "harness/check/suite.h"

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

// Closest is the candidate within two edits of `typed` (the nearest; the first of equals),
// else the first one `typed` is a prefix of; "" for none.
std::string Closest(std::string_view typed, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = 3;
  for (const std::string& c : candidates) {
    const size_t d = EditDistance(typed, c);
    if (d < best_d || (best.empty() && c.rfind(typed, 0) == 0)) {
      best_d = std::min(d, best_d);
      best = c;
    }
  }
  return best;
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
  const std::string best = Closest(typed, commands);
  std::string msg = fmt::format("unknown command \"{}\"", typed);
  if (!best.empty()) msg += fmt::format("; did you mean \"{}\"?", best);
  msg += fmt::format(" (commands: {}; leasesim help COMMAND)", fmt::join(commands, ", "));
  return msg;
}

std::string ProgramName(std::string_view argv0) {
  return argv0.find('/') == std::string_view::npos ? std::string("leasesim") : ShellQuote(argv0);
}

std::string UnknownOptionMessage(std::string_view command, std::string_view typed, const std::vector<std::string>& options) {
  const std::string_view name = typed.substr(0, typed.find('='));
  std::string msg = fmt::format("{}: unknown option {}", command, name);
  // A suggestion must share most of the name ("-Z" is not a typo of "-h").
  const std::string best = Closest(name, options);
  if (!best.empty() && (best.rfind(name, 0) == 0 || EditDistance(name, best) * 2 < name.size())) {
    msg += fmt::format(" (did you mean {}?)", best);
  } else {
    msg += fmt::format(" ({} --help lists the options)", command);
  }
  return msg;
}

}  // namespace leasesim::sim
