// completion.h — shell completion generated from the CLI11 definition of the command.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace leasesim::sim {

// BashCompletion is a bash script completing `program`'s subcommands, each subcommand's
// options (hidden ones left out), command names after `help`, and file names otherwise.
std::string BashCompletion(const CLI::App& app, const std::string& program);

}  // namespace leasesim::sim
