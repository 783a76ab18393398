// layout_test.cc — the folders are the architecture; this test keeps them so.
//
// Layers (dependencies point down only; DESIGN.md, the folder READMEs):
//
//   cli/ ──> harness/ ──> sim/ ──> core/
//     └────> viz/ ──────────────────┘   (viz/ reads trace files, core/prng.h only)
//
// - core/ includes only core/, the C++ standard library and <nlohmann/json.hpp> (the
//   Kubernetes JSON shape of API objects), and nothing that does I/O on its own: no
//   <random>, threads or clock reads (it is sans-I/O: inputs carry the clock readings).
// - sim/ includes nothing from harness/, cli/ or viz/ (one run knows nothing of many).
// - viz/ includes nothing from harness/ or cli/ (nor sim/: it reads trace files);
//   harness/ nothing from cli/ or viz/.
// - Nothing includes cli/ except cli/ itself and its tests (tests/cli).
// - No include cycles between the project's files.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace fs = std::filesystem;

namespace {

struct Include {
  std::string target;  // as written between the quotes or brackets
  bool angled = false;
  int line = 0;
};

// Sources maps each project file (path relative to the root, '/'-separated) to its includes.
using Sources = std::map<std::string, std::vector<Include>>;

const fs::path kRoot = LEASESIM_SOURCE_DIR;

Sources ScanSources() {
  Sources out;
  static const std::regex kInclude(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  for (const char* top : {"core", "sim", "harness", "cli", "viz", "bench", "tests"}) {
    if (!fs::exists(kRoot / top)) continue;
    for (const auto& e : fs::recursive_directory_iterator(kRoot / top)) {
      const std::string ext = e.path().extension().string();
      if (!e.is_regular_file() || (ext != ".h" && ext != ".cc" && ext != ".cpp")) continue;
      std::ifstream in(e.path());
      std::vector<Include> incs;
      std::string line;
      int n = 0;
      while (std::getline(in, line)) {
        ++n;
        std::smatch m;
        if (std::regex_search(line, m, kInclude)) incs.push_back({m[2].str(), m[1].str() == "<", n});
      }
      out[fs::relative(e.path(), kRoot).generic_string()] = std::move(incs);
    }
  }
  return out;
}

bool Under(const std::string& path, const std::string& dir) { return path.rfind(dir + "/", 0) == 0; }

// The C++ standard library headers (C++20) and the C headers in their <c...> form.
const std::set<std::string> kStandard = {
    "algorithm", "any", "array", "atomic", "bit", "bitset", "cassert", "cctype", "cerrno", "cfloat",
    "charconv", "chrono", "cinttypes", "climits", "cmath", "compare", "concepts", "cstddef", "cstdint",
    "cstdio", "cstdlib", "cstring", "deque", "exception", "functional", "initializer_list", "iomanip",
    "ios", "iosfwd", "iostream", "istream", "iterator", "limits", "list", "map", "memory", "new",
    "numbers", "numeric", "optional", "ostream", "queue", "ranges", "set", "span", "sstream", "stack",
    "stdexcept", "string", "string_view", "system_error", "tuple", "type_traits", "typeinfo",
    "unordered_map", "unordered_set", "utility", "variant", "vector", "version"};

// Forbidden in core/ even though standard: real randomness, threads and clocks.
const std::set<std::string> kCoreForbidden = {"random", "thread", "mutex", "future", "condition_variable",
                                              "ctime"};

std::vector<std::string> Violations(const Sources& src) {
  std::vector<std::string> bad;
  auto report = [&](const std::string& file, const Include& inc, const std::string& why) {
    bad.push_back(file + ":" + std::to_string(inc.line) + ": includes " + (inc.angled ? "<" : "\"") + inc.target +
                  (inc.angled ? ">" : "\"") + ": " + why);
  };
  for (const auto& [file, incs] : src) {
    for (const Include& inc : incs) {
      const std::string& t = inc.target;
      if (Under(file, "core")) {
        if (!inc.angled && !Under(t, "core")) report(file, inc, "core/ includes only core/");
        if (inc.angled && kCoreForbidden.count(t)) report(file, inc, "core/ is sans-I/O");
        if (inc.angled && !kStandard.count(t) && !kCoreForbidden.count(t) && t != "nlohmann/json.hpp") {
          report(file, inc, "core/ includes only the standard library and nlohmann/json.hpp");
        }
      }
      if (Under(file, "sim") && (Under(t, "harness") || Under(t, "cli") || Under(t, "viz"))) {
        report(file, inc, "sim/ may include only core/ and sim/");
      }
      if (Under(file, "viz") && (Under(t, "harness") || Under(t, "cli") || Under(t, "sim"))) {
        report(file, inc, "viz/ needs only a trace file: never sim/, harness/ or cli/");
      }
      if (Under(file, "harness") && (Under(t, "cli") || Under(t, "viz"))) {
        report(file, inc, "harness/ never includes cli/ or viz/");
      }
      if (Under(t, "cli") && !Under(file, "cli") && !Under(file, "tests/cli")) {
        report(file, inc, "nothing outside cli/ (and its tests) includes cli/");
      }
    }
  }
  return bad;
}

// Cycle returns one include cycle among the project's own files ("a -> b -> a"), or "".
std::string Cycle(const Sources& src) {
  std::map<std::string, int> state;  // 0 unvisited, 1 on the stack, 2 done
  std::vector<std::string> stack;
  std::string found;
  std::function<void(const std::string&)> visit = [&](const std::string& f) {
    state[f] = 1;
    stack.push_back(f);
    for (const Include& inc : src.at(f)) {
      if (inc.angled || !src.count(inc.target) || !found.empty()) continue;
      if (state[inc.target] == 1) {
        auto it = std::find(stack.begin(), stack.end(), inc.target);
        for (; it != stack.end(); ++it) found += *it + " -> ";
        found += inc.target;
        return;
      }
      if (state[inc.target] == 0) visit(inc.target);
    }
    stack.pop_back();
    state[f] = 2;
  };
  for (const auto& [f, incs] : src) {
    if (state[f] == 0 && found.empty()) visit(f);
  }
  return found;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += x + "\n";
  return s;
}

}  // namespace

TEST_CASE("layout: every include points down the layers (cli -> harness, viz -> sim -> core)", "[layout]") {
  const Sources src = ScanSources();
  REQUIRE(src.count("core/leader_elector.h"));
  REQUIRE(src.count("sim/world.h"));
  REQUIRE(src.count("harness/check/suite.h"));
  REQUIRE(src.count("cli/main.cc"));
  const std::vector<std::string> bad = Violations(src);
  INFO(Join(bad));
  CHECK(bad.empty());
}

TEST_CASE("layout: the rules catch what they forbid", "[layout]") {
  // A synthetic tree with one violation of each rule and one cycle.
  Sources src;
  src["core/a.h"] = {{"sim/world.h", false, 1}, {"random", true, 2}, {"boost/asio.hpp", true, 3}};
  src["sim/b.h"] = {{"harness/check/suite.h", false, 1}, {"viz/viewer.h", false, 2}};
  src["viz/c.h"] = {{"harness/sweep/sweep.h", false, 1}};
  src["harness/d.h"] = {{"cli/commands.h", false, 1}, {"harness/e.h", false, 2}};
  src["harness/e.h"] = {{"harness/d.h", false, 1}};
  src["tests/cli/ok.cc"] = {{"cli/commands.h", false, 1}};
  src["cli/commands.h"] = {};
  const std::vector<std::string> bad = Violations(src);
  INFO(Join(bad));
  CHECK(bad.size() == 8);  // harness/d.h breaks two rules
  CHECK(Cycle(src) == "harness/d.h -> harness/e.h -> harness/d.h");
}

TEST_CASE("layout: no include cycles between the project's files", "[layout]") {
  const std::string cycle = Cycle(ScanSources());
  INFO(cycle);
  CHECK(cycle.empty());
}

TEST_CASE("layout: core/ reads no clock and sim/ parses no flags and draws no progress bar", "[layout]") {
  std::vector<std::string> bad;
  static const std::regex kClock(R"((steady_clock|system_clock|high_resolution_clock)::now|std::random_device)");
  static const std::regex kCli(R"(CLI/CLI\.hpp|isatty|ProgressBar|getopt)");
  for (const auto& [file, incs] : ScanSources()) {
    const bool core = Under(file, "core"), sim = Under(file, "sim");
    if (!core && !sim) continue;
    std::ifstream in(kRoot / file);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    if (std::regex_search(text, kClock)) bad.push_back(file + ": reads a real clock or real randomness");
    if (sim && std::regex_search(text, kCli)) bad.push_back(file + ": command-line or terminal code in sim/");
  }
  INFO(Join(bad));
  CHECK(bad.empty());
}
