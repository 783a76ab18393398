// init.cc — `leasesim init`: a commented starter scenario from flags, a Lease, replicas and
// a client-go version (sim/starter_scenario.h).
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "sim/document_input.h"
#include "sim/starter_scenario.h"

namespace leasesim::sim {

int InitCommand(const InitArgs& a, std::ostream& out, std::ostream& err) {
  auto bad = [&](const std::string& msg) {
    err << "leasesim: init: " << msg << "\n";
    return kExitBadInput;
  };
  StarterInput in;
  std::string error;
  // The Lease first: the flags are what every replica runs with, so they win.
  if (!a.from_lease.empty()) {
    std::optional<Document> lease = ReadDocumentFile(a.from_lease, &error);
    if (!lease || !ApplyLease(lease->root, a.from_lease, &in, &error)) return bad(error);
  }
  if (!a.from_flags.empty() && !ApplyLeaderElectFlags(a.from_flags, &in, &error)) return bad(error);
  if (a.replicas) {
    in.replicas = *a.replicas;
    in.sources.push_back(fmt::format("--replicas {}", *a.replicas));
  }
  if (!a.client_go.empty()) {
    in.client_go = a.client_go;
    in.sources.push_back("--client-go " + a.client_go);
  }
  StarterFormat format = StarterFormat::kJson;
  if (a.format == "yaml" || (a.format.empty() && IsYamlPath(a.file))) format = StarterFormat::kYaml;
  std::optional<std::string> text = StarterScenarioText(in, format, &error);
  if (!text) return bad(error);
  if (a.file.empty() || a.file == "-") {
    out << *text;
    return kExitPass;
  }
  std::error_code ec;
  if (!a.force && std::filesystem::exists(a.file, ec)) {
    return bad(fmt::format("{}: file exists (use --force to overwrite)", a.file));
  }
  if (!WriteFileAtomically(a.file, *text, &error)) return bad(error);
  out << fmt::format("wrote {}; run it with: leasesim run {}\n", a.file, a.file);
  return kExitPass;
}

}  // namespace leasesim::sim
