// man_page.h — `leasesim man`: the manual page, generated from the command line's own
// definition (CLI11) like the bash completion, so the page and `leasesim help` never
// disagree. The build writes it to build/<preset>/leasesim.1 and `cmake --install`
// installs it under share/man/man1.
//
//   std::cout << sim::ManPage(app, "leasesim", "0.1.0", extra);   // man -l leasesim.1
#pragma once

#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace leasesim::sim {

// ManPage is a man(7) page (roff): NAME, SYNOPSIS, DESCRIPTION (the app's description),
// COMMANDS (per visible subcommand: its description, usage line and visible options with
// their value names, as `leasesim help COMMAND` shows them), then `tail` verbatim (roff
// sections such as EXIT STATUS, FILES, SEE ALSO). Deterministic: no date.
std::string ManPage(const CLI::App& app, std::string_view program, std::string_view version, std::string_view tail);

// RoffEscape escapes text for a roff body line: backslashes, hyphens ("\-", so that
// options copy and paste), non-ASCII characters (UTF-8, as "\[u2014]") and a leading '.'
// or '\'' (which roff would read as a request).
std::string RoffEscape(std::string_view text);

}  // namespace leasesim::sim
