// `leasesim check` (cli/check.cc and harness/check/: suite*.h, junit.h, trace_diff.h,
// determinism_check.h), as issue 4 asks: a suite with a passing scenario and one whose
// expectation is broken on purpose exits 1 and its JUnit failure names the expectation and
// the reproduce command; output does not depend on --jobs; bad input exits 2 naming the
// file; --determinism passes on a good suite and, with --test-perturb-order, exits 4 and
// names the first divergent event of both runs.
//
// Fixtures: tests/data/check/suite (crash-failover.json passes,
// crash-failover-broken-expectation.json fails on purpose) and tests/data/check/bad
// (bad-timings.json does not load, good.json passes). Each simulates two minutes.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "harness/check/junit.h"
#include "harness/parallel_for.h"
#include "sim/runner.h"
#include "harness/check/suite.h"
#include "harness/check/trace_diff.h"

using namespace leasesim::sim;
namespace fs = std::filesystem;

namespace {

std::string Fixture(const std::string& rel) { return std::string(LEASESIM_SOURCE_DIR) + "/tests/data/check/" + rel; }

// ScratchDir is an empty directory of this test under the build tree.
std::string ScratchDir(const std::string& name) {
  const fs::path p = fs::path(LEASESIM_BINARY_DIR) / "check_test" / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct CheckRun {
  int code = -1;
  std::string out;
  std::string err;
};

// Check runs CheckCommand with a constant wall clock, so its output is comparable.
CheckRun Check(CheckArgs a) {
  std::ostringstream out, err;
  CheckRun r;
  r.code = CheckCommand(a, [] { return 0.0; }, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// XmlNode is a parsed element of the tiny XML well-formedness checker below.
struct XmlNode {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<XmlNode> children;
  std::string text;
  const XmlNode* Child(const std::string& n) const {
    for (const XmlNode& c : children)
      if (c.name == n) return &c;
    return nullptr;
  }
};

// XmlParser checks XML 1.0 well-formedness for the subset JUnit uses (declaration,
// elements, attributes, text, the five entities and character references; no DTD, CDATA
// or comments) and builds the element tree. Throws std::runtime_error on any problem.
class XmlParser {
 public:
  explicit XmlParser(std::string s) : s_(std::move(s)) {}
  XmlNode Parse() {
    if (s_.compare(0, 5, "<?xml") == 0) {
      const size_t end = s_.find("?>");
      if (end == std::string::npos) Fail("unterminated declaration");
      i_ = end + 2;
    }
    SkipSpace();
    XmlNode root = Element();
    SkipSpace();
    if (i_ != s_.size()) Fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) {
    throw std::runtime_error(fmt::format("XML offset {}: {}", i_, what));
  }
  void SkipSpace() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  std::string Name() {
    const size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == '-' ||
                              s_[i_] == ':' || s_[i_] == '.'))
      ++i_;
    if (i_ == start) Fail("expected a name");
    return s_.substr(start, i_ - start);
  }
  // Chars reads text up to `stop`, decoding references; `<` and control characters other
  // than tab/newline/CR are not allowed.
  std::string Chars(char stop) {
    std::string out;
    while (i_ < s_.size() && s_[i_] != stop) {
      const char c = s_[i_];
      if (c == '<') Fail("'<' in character data");
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') Fail("control character");
      if (c != '&') {
        out.push_back(c);
        ++i_;
        continue;
      }
      const size_t semi = s_.find(';', i_);
      if (semi == std::string::npos) Fail("unterminated reference");
      const std::string ref = s_.substr(i_ + 1, semi - i_ - 1);
      static const std::map<std::string, char> kEntities{
          {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
      if (auto it = kEntities.find(ref); it != kEntities.end()) {
        out.push_back(it->second);
      } else if (ref.size() > 1 && ref[0] == '#') {
        const long code = ref[1] == 'x' ? std::stol(ref.substr(2), nullptr, 16) : std::stol(ref.substr(1));
        if (code != 9 && code != 10 && code != 13 && (code < 0x20 || code > 0x7e)) Fail("unexpected char reference");
        out.push_back(static_cast<char>(code));
      } else {
        Fail("unknown entity &" + ref + ";");
      }
      i_ = semi + 1;
    }
    if (i_ >= s_.size()) Fail("unexpected end of document");
    return out;
  }
  XmlNode Element() {
    if (s_[i_] != '<') Fail("expected '<'");
    ++i_;
    XmlNode n;
    n.name = Name();
    for (;;) {
      SkipSpace();
      if (i_ >= s_.size()) Fail("unterminated start tag");
      if (s_.compare(i_, 2, "/>") == 0) {
        i_ += 2;
        return n;
      }
      if (s_[i_] == '>') {
        ++i_;
        break;
      }
      const std::string key = Name();
      if (i_ + 1 >= s_.size() || s_[i_] != '=' || s_[i_ + 1] != '"') Fail("expected =\" after " + key);
      i_ += 2;
      if (!n.attrs.emplace(key, Chars('"')).second) Fail("duplicate attribute " + key);
      ++i_;
    }
    for (;;) {
      n.text += Chars('<');
      if (s_.compare(i_, 2, "</") == 0) {
        i_ += 2;
        if (Name() != n.name) Fail("mismatched end tag for " + n.name);
        SkipSpace();
        if (i_ >= s_.size() || s_[i_] != '>') Fail("expected '>'");
        ++i_;
        return n;
      }
      n.children.push_back(Element());
    }
  }

  std::string s_;
  size_t i_ = 0;
};

// ParseJunit checks `path` with xmllint when it is installed, then with XmlParser, and
// checks the JUnit shape: <testsuites> holding one <testsuite name="leasesim"> whose
// counts match its <testcase> children.
XmlNode ParseJunit(const std::string& path) {
  if (std::system("command -v xmllint >/dev/null 2>&1") == 0) {
    INFO("xmllint --noout " << path);
    CHECK(std::system(("xmllint --noout '" + path + "'").c_str()) == 0);
  }
  XmlNode root;
  try {
    root = XmlParser(ReadFile(path)).Parse();
  } catch (const std::runtime_error& e) {
    FAIL(path << ": " << e.what());
  }
  REQUIRE(root.name == "testsuites");
  REQUIRE(root.children.size() == 1);
  const XmlNode& suite = root.children[0];
  REQUIRE(suite.name == "testsuite");
  CHECK(suite.attrs.at("name") == "leasesim");
  size_t failures = 0, errors = 0;
  for (const XmlNode& c : suite.children) {
    REQUIRE(c.name == "testcase");
    CHECK(c.attrs.count("classname") == 1);
    CHECK(c.attrs.count("name") == 1);
    CHECK(c.attrs.count("time") == 1);
    CHECK(c.children.size() <= 1);
    failures += c.Child("failure") != nullptr;
    errors += c.Child("error") != nullptr;
  }
  CHECK(suite.attrs.at("tests") == std::to_string(suite.children.size()));
  CHECK(suite.attrs.at("failures") == std::to_string(failures));
  CHECK(suite.attrs.at("errors") == std::to_string(errors));
  return root;
}

const XmlNode& TestCase(const XmlNode& root, const std::string& name) {
  for (const XmlNode& c : root.children[0].children)
    if (c.attrs.at("name") == name) return c;
  FAIL("no testcase " << name);
  throw std::logic_error("unreachable");
}

Scenario Load(const std::string& path) {
  std::string err;
  std::optional<Scenario> s = LoadScenarioFile(path, &err);
  INFO(err);
  REQUIRE(s.has_value());
  return *s;
}

}  // namespace

TEST_CASE("check: a broken expectation exits 1 and JUnit names the expectation, seed and reproduce command",
          "[sim][check]") {
  const std::string dir = ScratchDir("broken-expectation");
  CheckArgs a;
  a.paths = {Fixture("suite")};
  a.junit = dir + "/junit.xml";
  a.jobs = 2;
  const CheckRun r = Check(a);
  INFO(r.out << r.err);
  CHECK(r.code == kExitExpectationFailed);
  CHECK(r.out.find("2 scenarios: 1 passed, 1 failed\n") != std::string::npos);

  // What the failing scenario's run says about itself, independently of the suite runner.
  const std::string broken = Fixture("suite/crash-failover-broken-expectation.json");
  const Scenario s = Load(broken);
  const RunResult run = RunScenario(s, {});
  REQUIRE_FALSE(run.passed);
  std::vector<ExpectationResult> failed, held;
  for (const ExpectationResult& e : run.expectations) (e.held ? held : failed).push_back(e);
  REQUIRE(failed.size() == 1);
  REQUIRE(failed[0].kind == ExpectKind::kTransitionsAtMost);
  const std::string reproduce = fmt::format("leasesim run {} --seed {}", broken, s.seed);

  const XmlNode root = ParseJunit(a.junit);
  CHECK(root.children[0].children.size() == 2);
  const XmlNode& bad = TestCase(root, "crash-failover-broken-expectation");
  CHECK(bad.attrs.at("classname") == Fixture("suite"));
  const XmlNode* failure = bad.Child("failure");
  REQUIRE(failure != nullptr);
  CHECK(failure->attrs.at("type") == "expectation");
  for (const std::string& text : {failure->attrs.at("message"), failure->text}) {
    CHECK_THAT(text, Catch::Contains(failed[0].expect));
    CHECK_THAT(text, Catch::Contains(failed[0].actual));
    CHECK_THAT(text, Catch::Contains(fmt::format("seed {}", s.seed)) || Catch::Contains(fmt::format("seed: {}", s.seed)));
    CHECK_THAT(text, Catch::Contains(reproduce));
    for (const ExpectationResult& e : held) CHECK_THAT(text, !Catch::Contains(e.expect));
  }
  const XmlNode& good = TestCase(root, "crash-failover");
  CHECK(good.children.empty());

  // The console says the same: the failed expectation, then the reproduce command.
  CHECK_THAT(r.out, Catch::Contains(fmt::format("FAIL {} (seed {})", broken, s.seed)));
  CHECK_THAT(r.out, Catch::Contains(failed[0].expect));
  CHECK_THAT(r.out, Catch::Contains("reproduce: " + reproduce));
}

TEST_CASE("check: output, exit code and JUnit are the same for --jobs 1 and --jobs 4", "[sim][check]") {
  const std::string dir = ScratchDir("jobs");
  CheckRun runs[2];
  std::string junit[2];
  const int jobs[2] = {1, 4};
  for (int k = 0; k < 2; ++k) {
    CheckArgs a;
    a.paths = {Fixture("suite"), Fixture("bad")};
    a.jobs = jobs[k];
    a.junit = fmt::format("{}/junit-{}.xml", dir, jobs[k]);
    runs[k] = Check(a);
    junit[k] = ReadFile(a.junit);
  }
  INFO(runs[0].out);
  CHECK(runs[0].code == kExitBadInput);  // bad input outranks a failed expectation
  CHECK(runs[0].code == runs[1].code);
  CHECK(runs[0].out == runs[1].out);
  CHECK(runs[0].err == runs[1].err);
  CHECK(junit[0] == junit[1]);
  CHECK(runs[0].out.find("4 scenarios: 2 passed, 1 failed, 1 bad input\n") != std::string::npos);
}

TEST_CASE("check: a scenario that does not load exits 2 naming the file and JSON path, and the others still run",
          "[sim][check]") {
  const std::string dir = ScratchDir("bad-input");
  CheckArgs a;
  a.paths = {Fixture("bad")};
  a.junit = dir + "/junit.xml";
  const CheckRun r = Check(a);
  INFO(r.out << r.err);
  CHECK(r.code == kExitBadInput);
  const std::string file = Fixture("bad/bad-timings.json");
  std::string loader_error;
  REQUIRE_FALSE(LoadScenarioFile(file, &loader_error).has_value());
  CHECK_THAT(loader_error, Catch::StartsWith(file + ": $.timings.leaseDuration: "));
  CHECK_THAT(r.out, Catch::Contains("ERROR " + file + "\n  " + loader_error + "\n"));
  CHECK_THAT(r.out, Catch::Contains("2 scenarios: 1 passed, 0 failed, 1 bad input"));

  const XmlNode root = ParseJunit(a.junit);
  const XmlNode* error = TestCase(root, "bad-timings").Child("error");
  REQUIRE(error != nullptr);
  CHECK(error->attrs.at("message") == loader_error);
  CHECK(TestCase(root, "good").children.empty());

  SECTION("a path that does not exist") {
    CheckArgs b;
    b.paths = {Fixture("suite/crash-failover.json"), Fixture("no-such-dir")};
    const CheckRun m = Check(b);
    CHECK(m.code == kExitBadInput);
    CHECK_THAT(m.err, Catch::Contains(Fixture("no-such-dir") + ": no such file or directory"));
    CHECK_THAT(m.out, Catch::Contains("1 scenario: 1 passed, 0 failed"));
  }
  SECTION("nothing to run is bad input, not a silent pass") {
    CheckArgs b;
    b.paths = {Fixture("suite")};
    b.filter = "*no-such-scenario*";
    const CheckRun m = Check(b);
    CHECK(m.code == kExitBadInput);
    CHECK_THAT(m.err, Catch::Contains("no scenario files"));
  }
}

TEST_CASE("check: --filter selects scenarios by a glob on their path", "[sim][check]") {
  CheckArgs a;
  a.paths = {Fixture("")};
  a.filter = "*/suite/*-expectation.json";
  const CheckRun r = Check(a);
  INFO(r.out);
  CHECK(r.code == kExitExpectationFailed);
  CHECK_THAT(r.out, Catch::Contains("1 scenario: 0 passed, 1 failed"));
  CHECK_THAT(r.out, !Catch::Contains("good.json"));
}

TEST_CASE("DiscoverSuite: JSON files under directories recursively, sorted, files named directly taken as they are",
          "[sim][check]") {
  const std::string dir = ScratchDir("discover");
  fs::create_directories(dir + "/z/y");
  for (const char* f : {"/b.json", "/a.txt", "/z/y/c.json", "/z/a.json", "/z/y/d.json.tmp"}) std::ofstream(dir + f) << "{}";
  const SuiteSelection sel = DiscoverSuite({dir + "/z", dir, dir + "/a.txt"}, "");
  CHECK(sel.errors.empty());
  CHECK(sel.files == std::vector<std::string>{dir + "/a.txt", dir + "/b.json", dir + "/z/a.json", dir + "/z/y/c.json"});
  CHECK(DiscoverSuite({dir}, "*/y/*").files == std::vector<std::string>{dir + "/z/y/c.json"});
}

TEST_CASE("check --determinism: a deterministic suite passes", "[sim][check]") {
  CheckArgs a;
  a.paths = {Fixture("suite/crash-failover.json"), Fixture("bad/good.json")};
  a.determinism = true;
  a.jobs = 2;
  const CheckRun r = Check(a);
  INFO(r.out << r.err);
  CHECK(r.code == kExitPass);
  CHECK_THAT(r.out, Catch::Contains("2 scenarios: 2 passed, 0 failed\n"));
  CHECK_THAT(r.out, !Catch::Contains("DIFFERS"));
}

TEST_CASE("check --determinism --test-perturb-order: exit 4 naming the first divergent event of both runs",
          "[sim][check]") {
  // The expected divergence, found independently: trace both variants (perturb_order N
  // and N+1) and take the first event line whose running hash `h` differs.
  const uint64_t kPerturb = 3;
  const std::string scenario_path = Fixture("suite/crash-failover.json");
  const Scenario s = Load(scenario_path);
  const std::string own = ScratchDir("perturb-own");
  std::vector<std::string> lines[2];
  for (int k = 0; k < 2; ++k) {
    RunOptions o;
    o.perturb_order = kPerturb + k;
    o.trace_path = fmt::format("{}/run{}.jsonl", own, k);
    (void)RunScenario(s, o);
    std::ifstream f(o.trace_path);
    for (std::string l; std::getline(f, l);) lines[k].push_back(l);
  }
  size_t at = 1;
  while (at < lines[0].size() && at < lines[1].size() &&
         nlohmann::json::parse(lines[0][at]).value("h", "") == nlohmann::json::parse(lines[1][at]).value("h", ""))
    ++at;
  REQUIRE(at < lines[0].size() - 1);  // they do diverge, before the footers
  std::string expected[2];
  for (int k = 0; k < 2; ++k) {
    const nlohmann::json ev = nlohmann::json::parse(lines[k][at]);
    const int64_t t = ev["t"].get<int64_t>();
    expected[k] = fmt::format("t={}.{:09d}s node {} ev {} (seq {})", t / 1'000'000'000, t % 1'000'000'000,
                              ev.value("node", ""), ev["ev"].get<std::string>(), ev["seq"].get<int64_t>());
  }

  // Traces of the re-runs go to $TMPDIR and are removed afterwards.
  const std::string tmp = ScratchDir("perturb-tmpdir");
  const char* old_tmpdir = std::getenv("TMPDIR");
  const std::string saved = old_tmpdir ? old_tmpdir : "";
  setenv("TMPDIR", tmp.c_str(), 1);
  CheckArgs a;
  a.paths = {scenario_path};
  a.determinism = true;
  a.test_perturb_order = kPerturb;
  a.junit = ScratchDir("perturb") + "/junit.xml";
  const CheckRun r = Check(a);
  if (old_tmpdir) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  INFO(r.out << r.err);
  CHECK(r.code == kExitNondeterminism);
  CHECK_THAT(r.out, Catch::Contains("1 scenario: 1 passed, 0 failed, 1 nondeterministic"));
  CHECK_THAT(r.out, Catch::Contains(fmt::format("first divergent event (line {}): run 1: {}; run 2: {}", at + 1,
                                                expected[0], expected[1])));
  CHECK(fs::is_empty(tmp));

  const XmlNode root = ParseJunit(a.junit);
  const XmlNode* failure = TestCase(root, "crash-failover").Child("failure");
  REQUIRE(failure != nullptr);
  CHECK(failure->attrs.at("type") == "nondeterminism");
  CHECK_THAT(failure->attrs.at("message"), Catch::Contains(expected[0]) && Catch::Contains(expected[1]));
}

TEST_CASE("CompareTraces: the first line whose running hash differs, or the end of the shorter trace",
          "[sim][check]") {
  const std::string dir = ScratchDir("compare");
  const std::string header = R"({"type":"header","seed":1})";
  auto ev = [](int seq, int64_t t, const char* node, const char* kind, const char* h) {
    return fmt::format(R"({{"seq":{},"t":{},"ev":"{}","node":"{}","h":"{}"}})", seq, t, kind, node, h);
  };
  const std::string footer = R"({"type":"footer","events":2,"trace_hash":"00000000000000bb"})";
  auto write = [&](const std::string& name, const std::vector<std::string>& ls) {
    std::ofstream f(dir + "/" + name);
    for (const std::string& l : ls) f << l << "\n";
    return dir + "/" + name;
  };
  const std::string a = write("a", {header, ev(0, 5, "a", "state", "00000000000000aa"),
                                    ev(1, 1'500'000'007, "b", "api_request", "00000000000000bb"), footer});
  const std::string b = write("b", {header, ev(0, 5, "a", "state", "00000000000000aa"),
                                    ev(1, 1'500'000'008, "c", "api_served", "00000000000000cc"), footer});
  const std::string c = write("c", {header, ev(0, 5, "a", "state", "00000000000000aa"), footer});

  TraceComparison same = CompareTraces(a, a);
  CHECK(same.error.empty());
  CHECK_FALSE(same.divergence.has_value());

  TraceComparison diff = CompareTraces(a, b);
  REQUIRE(diff.divergence.has_value());
  CHECK(diff.divergence->line == 3);
  CHECK(EventRefText(diff.divergence->first) == "t=1.500000007s node b ev api_request (seq 1)");
  CHECK(EventRefText(diff.divergence->second) == "t=1.500000008s node c ev api_served (seq 1)");

  TraceComparison shorter = CompareTraces(a, c);
  REQUIRE(shorter.divergence.has_value());
  CHECK(shorter.divergence->line == 3);
  CHECK(shorter.divergence->second.end);
  CHECK(EventRefText(shorter.divergence->second) == "end of trace");

  CHECK_THAT(CompareTraces(a, dir + "/missing").error, Catch::Contains(dir + "/missing"));
}

TEST_CASE("JunitXml: names and messages with markup and control characters stay well-formed", "[sim][check]") {
  const std::string nasty = "a<b>&\"c\" 'd'\x01\te\nf";
  JunitSuite suite{.name = "leasesim", .cases = {}};
  suite.cases.push_back({.classname = nasty, .name = nasty, .time_s = 0.25, .kind = JunitCase::Kind::kFailure,
                         .message = nasty, .type = "expectation", .text = nasty + "]]>"});
  JunitCase pass;
  pass.classname = "x";
  pass.name = "y";
  pass.time_s = 1;
  suite.cases.push_back(pass);
  const std::string path = ScratchDir("escape") + "/junit.xml";
  std::string err;
  REQUIRE(WriteFileAtomically(path, JunitXml(suite), &err));
  const XmlNode root = ParseJunit(path);
  const XmlNode& c = root.children[0].children[0];
  const std::string readable = "a<b>&\"c\" 'd'\\x01\te\nf";  // the control character as text
  CHECK(c.attrs.at("name") == readable);
  CHECK(c.Child("failure")->attrs.at("message") == readable);
  CHECK(c.Child("failure")->text == readable + "]]>");
  CHECK(root.children[0].attrs.at("time") == "1.250");
}

TEST_CASE("ParallelFor: every index once on any number of workers, and an exception reaches the caller",
          "[sim][check]") {
  for (int jobs : {1, 3, 16}) {
    std::vector<int> seen(50, 0);
    ParallelFor(seen.size(), {.jobs = jobs, .reverse = jobs == 3}, [&](size_t i) { seen[i] += 1; });
    CHECK(seen == std::vector<int>(50, 1));
  }
  CHECK(WorkerCount(3, 8) == 3);
  CHECK(WorkerCount(0, 8) == 1);
  CHECK_THROWS_WITH(ParallelFor(10, {.jobs = 2},
                                [](size_t i) {
                                  if (i == 4) throw std::logic_error("item 4");
                                }),
                    "item 4");
}

TEST_CASE("issue15 item 12: check --junit into a missing directory fails before any scenario runs", "[sim][check]") {
  const std::string dir = ScratchDir("junit-missing-dir");
  CheckArgs a;
  a.paths = {Fixture("suite/crash-failover.json")};
  a.junit = dir + "/no-such-dir/junit.xml";
  const CheckRun r = Check(a);
  CHECK(r.code == kExitBadInput);
  CHECK(r.err == "leasesim: " + a.junit + ": cannot write: No such file or directory\n");
  CHECK(r.out.empty());  // no table: nothing ran
  CHECK(fs::is_empty(dir));
}

TEST_CASE("issue15 item 18: check gives a file whose number overflows a double an ERROR row, and the suite runs on",
          "[sim][check]") {
  CheckArgs a;
  a.paths = {Fixture("overflow")};
  const CheckRun r = Check(a);
  INFO(r.out << r.err);
  CHECK(r.code == kExitBadInput);  // before the fix: exit 3, "internal error: [json.exception.out_of_range.406]"
  const std::string file = Fixture("overflow/number-overflow.json");
  CHECK_THAT(r.out, Catch::Contains("ERROR " + file + "\n  " + file +
                                    ": line 1, column 5: invalid JSON: number \"7e880\" is out of range (it does not fit a double)\n"));
  CHECK_THAT(r.out, Catch::Contains("2 scenarios: 1 passed, 0 failed, 1 bad input"));
}
