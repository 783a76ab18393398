// chrome_trace_test.cc — the Perfetto / chrome://tracing export (sim/chrome_trace.h)
// checked against the Trace Event Format's documented fields ("Trace Event Format",
// Google: JSON Object Format with "traceEvents"; every event has "ph", "name", "pid",
// "tid"; "ts" in microseconds; "dur" on complete events "X"; "s" on instants "i"; "args";
// metadata events "M" process_name / thread_name / thread_sort_index naming the tracks),
// and for its content on scenarios/split-brain/clock-drift.json (seed 11), whose figures
// the README prints: split-brain [2m9.456s .. 2m11.335s), no leader [0s .. 8ms).
#include "sim/chrome_trace.h"

#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/runner.h"
#include "sim/scenario.h"

using namespace leasesim::sim;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// ClockDriftTrace runs the bundled clock-drift scenario once into a trace file.
std::string ClockDriftTrace() {
  static const std::string path = [] {
    std::string err;
    auto s = LoadScenarioFile(fs::path(LEASESIM_SOURCE_DIR) / "scenarios/split-brain/clock-drift.json", &err);
    REQUIRE(s);
    // One file per process: ctest runs each test case as its own process, in parallel.
    const fs::path p =
        fs::temp_directory_path() / ("leasesim-test-chrome-trace-clock-drift-" + std::to_string(::getpid()) + ".jsonl");
    RunOptions o;
    o.trace_path = p.string();
    RunScenario(*s, o);
    return p.string();
  }();
  return path;
}

json Convert(const std::string& trace_path) {
  std::ifstream in(trace_path);
  std::ostringstream out;
  std::string err;
  REQUIRE(WriteChromeTrace(in, out, &err));
  return json::parse(out.str());
}

bool ErrorFor(const std::string& text, std::string* err) {
  std::istringstream in(text);
  std::ostringstream out;
  return !WriteChromeTrace(in, out, err);
}

const json* Find(const json& events, const std::string& ph, const std::string& name) {
  for (const json& e : events) {
    if (e["ph"] == ph && e["name"] == name) return &e;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("chrome trace: every event has the format's documented fields", "[sim][chrome_trace]") {
  const json doc = Convert(ClockDriftTrace());
  REQUIRE(doc.is_object());
  REQUIRE(doc["traceEvents"].is_array());
  CHECK(doc["displayTimeUnit"] == "ms");
  const json& events = doc["traceEvents"];
  REQUIRE(events.size() > 100);

  std::map<int, std::string> thread_names;
  std::set<int> sorted_tids;
  bool process_named = false;
  for (const json& e : events) {
    CAPTURE(e.dump());
    REQUIRE(e["ph"].is_string());
    const std::string ph = e["ph"];
    REQUIRE((ph == "X" || ph == "i" || ph == "M" || ph == "C"));
    REQUIRE(e["name"].is_string());
    REQUIRE(e["pid"].is_number_integer());
    REQUIRE(e["args"].is_object());
    if (ph == "M") {
      const std::string name = e["name"];
      if (name == "process_name") {
        process_named = true;
        CHECK(e["args"]["name"] == "leasesim split-brain/clock-drift (seed 11)");
      } else if (name == "thread_name") {
        thread_names[e["tid"].get<int>()] = e["args"]["name"];
      } else if (name == "thread_sort_index") {
        sorted_tids.insert(e["tid"].get<int>());
        CHECK(e["args"]["sort_index"].is_number_integer());
      } else {
        CHECK(name == "process_sort_index");
      }
      continue;
    }
    REQUIRE(e["tid"].is_number_integer());
    REQUIRE(e["ts"].is_number());
    CHECK(e["ts"].get<double>() >= 0);
    CHECK(e["ts"].get<double>() <= 300e6);  // microseconds: the run is 5 minutes
    if (ph == "X") {
      REQUIRE(e["dur"].is_number());
      CHECK(e["dur"].get<double>() >= 0);
      CHECK(e["ts"].get<double>() + e["dur"].get<double>() <= 300e6 + 1e-3);
    }
    if (ph == "i") CHECK(e["s"] == "t");
    if (ph == "C") CHECK(e["args"]["value"].is_number());
  }
  CHECK(process_named);
  // Every track that carries an event is named and ordered by metadata.
  for (const json& e : events) {
    if (e["ph"] == "M") continue;
    CAPTURE(e.dump());
    CHECK(thread_names.count(e["tid"].get<int>()) == 1);
    CHECK(sorted_tids.count(e["tid"].get<int>()) == 1);
  }
}

TEST_CASE("chrome trace: slices on one track never partly overlap", "[sim][chrome_trace]") {
  // chrome://tracing and Perfetto nest X events of a thread by time; a slice that starts
  // inside another must end inside it. The converter keeps tracks free of overlaps.
  const json events = Convert(ClockDriftTrace())["traceEvents"];
  std::map<int, std::vector<std::pair<double, double>>> by_tid;
  for (const json& e : events) {
    if (e["ph"] == "X") by_tid[e["tid"].get<int>()].push_back({e["ts"].get<double>(), e["ts"].get<double>() + e["dur"].get<double>()});
  }
  REQUIRE(by_tid.size() >= 8);
  for (auto& [tid, v] : by_tid) {
    std::sort(v.begin(), v.end());
    for (size_t i = 1; i < v.size(); ++i) {
      CAPTURE(tid, v[i - 1].first, v[i - 1].second, v[i].first);
      CHECK(v[i].first >= v[i - 1].second - 1e-6);
    }
  }
}

TEST_CASE("chrome trace: the clock-drift run's tracks", "[sim][chrome_trace]") {
  const json events = Convert(ClockDriftTrace())["traceEvents"];
  std::map<std::string, int> tid_of;
  for (const json& e : events) {
    if (e["ph"] == "M" && e["name"] == "thread_name") tid_of[e["args"]["name"]] = e["tid"];
  }
  REQUIRE(tid_of.count("a (client-go 1.37, 15s/10s/2s)"));
  REQUIRE(tid_of.count("a API"));
  REQUIRE(tid_of.count("Lease kube-system/kube-controller-manager"));
  REQUIRE(tid_of.count("split-brain"));
  REQUIRE(tid_of.count("no leader"));
  REQUIRE(tid_of.count("faults"));
  const int a = tid_of["a (client-go 1.37, 15s/10s/2s)"];

  SECTION("split-brain and no-leader slices in microseconds, with the cause") {
    const json* sb = Find(events, "X", "split-brain");
    REQUIRE(sb);
    CHECK((*sb)["tid"] == tid_of["split-brain"]);
    CHECK((*sb)["ts"].get<double>() == Approx(129456365.715).margin(1e-3));
    CHECK((*sb)["dur"].get<double>() == Approx(1878745.397).margin(1e-3));
    CHECK((*sb)["args"]["nodes"] == json::array({"a", "c"}));
    CHECK((*sb)["args"]["cause"].get<std::string>().find("clock rate ratio 1.56") != std::string::npos);
    const json* nl = Find(events, "X", "no leader");
    REQUIRE(nl);
    CHECK((*nl)["ts"].get<double>() == 0);
    CHECK((*nl)["dur"].get<double>() == 8000);
  }
  SECTION("candidate a: acquiring, then leading until the partition cost it the lease") {
    std::vector<std::string> states;
    for (const json& e : events) {
      if (e["ph"] == "X" && e["tid"] == a) states.push_back(e["name"]);
    }
    REQUIRE(states.size() >= 3);
    CHECK(states[0] == "acquiring");
    CHECK(states[1] == "leading");
    const json* lead = nullptr;
    for (const json& e : events) {
      if (e["ph"] == "X" && e["tid"] == a && e["name"] == "leading") lead = &e;
    }
    REQUIRE(lead);
    CHECK((*lead)["ts"].get<double>() == 8000);
    // a leads from 8ms to 2m11.335s (README: "a (a) led [8ms .. 2m11.335s)").
    CHECK((*lead)["ts"].get<double>() + (*lead)["dur"].get<double>() == Approx(131335111.112).margin(1e-3));
  }
  SECTION("API requests are slices named by verb and code on the candidate's API track") {
    const json* create = Find(events, "X", "create 201");
    REQUIRE(create);
    CHECK((*create)["tid"] == tid_of["a API"]);
    CHECK((*create)["args"]["verb"] == "create");
    CHECK((*create)["args"]["code"] == 201);
    CHECK((*create)["args"]["resource"] == "leases");
    CHECK((*create)["ts"].get<double>() == 4000);  // sent at 4ms, when the first get's 404 arrived
    CHECK(Find(events, "X", "get 404"));
    CHECK(Find(events, "X", "update 200"));
  }
  SECTION("log lines are instants on the candidate's track") {
    const json* log = Find(events, "i", "Attempting to acquire leader lease...");
    REQUIRE(log);
    CHECK((*log)["tid"] == a);
    CHECK((*log)["args"]["level"] == "info");
    CHECK((*log)["args"]["text"].get<std::string>().find("lock=\"kube-system/kube-controller-manager\"") !=
          std::string::npos);
  }
  SECTION("the Lease track: one slice per stored version, named by the holder, with resourceVersion") {
    std::vector<const json*> lease;
    for (const json& e : events) {
      if (e["ph"] == "X" && e["tid"] == tid_of["Lease kube-system/kube-controller-manager"]) lease.push_back(&e);
    }
    REQUIRE(lease.size() > 10);
    CHECK((*lease[0])["name"] == "a");
    CHECK((*lease[0])["args"]["resourceVersion"] == "1001");
    CHECK((*lease[0])["args"]["holderIdentity"] == "a");
    CHECK((*lease[0])["args"]["object"]["kind"] == "Lease");
    CHECK((*lease[0])["ts"].get<double>() == 7000);
    CHECK((*lease.back())["name"] == "c");
    CHECK((*lease.back())["ts"].get<double>() + (*lease.back())["dur"].get<double>() == 300e6);
  }
  SECTION("the partition fault is a slice on the faults track") {
    const json* f = Find(events, "X", "partition a");
    REQUIRE(f);
    CHECK((*f)["tid"] == tid_of["faults"]);
    CHECK((*f)["ts"].get<double>() == 120e6);
    CHECK((*f)["args"]["id"] == "cut-leader");
  }
}

TEST_CASE("chrome trace: the same trace converts to the same bytes", "[sim][chrome_trace]") {
  auto text = [] {
    std::ifstream in(ClockDriftTrace());
    std::ostringstream out;
    std::string err;
    REQUIRE(WriteChromeTrace(in, out, &err));
    return out.str();
  };
  CHECK(text() == text());
}

TEST_CASE("chrome trace: bad input names the line", "[sim][chrome_trace]") {
  std::string err;
  CHECK(ErrorFor("", &err));
  CHECK(err == "line 0: empty trace (no header line)");
  CHECK(ErrorFor("{\"type\":\"header\",\"format\":\"other\"}\n", &err));
  CHECK(err == "line 1: not a leasesim trace (expected a header with \"format\":\"leasesim-trace/1\")");
  CHECK(ErrorFor("not json\n", &err));
  CHECK(err.rfind("line 1: invalid JSON: ", 0) == 0);
  const std::string header =
      R"({"type":"header","format":"leasesim-trace/1","scenario":"x","seed":1,"duration_ns":1000,"nodes":[{"node":"a"}]})"
      "\n";
  CHECK(ErrorFor(header + R"({"seq":0,"t":"soon","ev":"state","node":"a","state":"acquiring"})" "\n", &err));
  CHECK(err.rfind("line 2: ", 0) == 0);
  CHECK(ErrorFor(header + R"({"seq":0,"t":5,"ev":"state","node":"a","state":"acquiring"})" "\n", &err));
  CHECK(err == "line 2: truncated trace (no footer line)");
  CHECK_FALSE(ErrorFor(header + R"({"seq":0,"t":5,"ev":"state","node":"a","state":"acquiring"})" "\n"
                                R"({"type":"footer","events":1,"trace_hash":"0"})" "\n",
                       &err));
}
