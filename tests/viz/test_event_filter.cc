// Tests of viz/event_filter.h, viz/navigation.h and viz/run_summary.h.
#include <catch2/catch.hpp>

#include "fixtures.h"
#include "viz/event_filter.h"
#include "viz/navigation.h"
#include "viz/run_summary.h"

namespace leasesim::viz {
namespace {

using testing::kMs;
using testing::kS;

TEST_CASE("events: the default filter keeps everything, in order", "[viz]") {
  auto tr = testing::LoadTiny();
  auto rows = FilterEvents(*tr, EventFilter::All(*tr));
  REQUIRE(rows.size() == tr->events.size());
  for (size_t i = 0; i < rows.size(); ++i) CHECK(rows[i] == i);
}

TEST_CASE("events: filter by node, by kind and by text", "[viz]") {
  auto tr = testing::LoadTiny();
  EventFilter f = EventFilter::All(*tr);
  f.nodes[0] = false;  // hide a
  f.no_node = false;   // and events of no node (api_served, faults, findings)
  for (uint32_t i : FilterEvents(*tr, f)) CHECK(tr->events[i].node == 1);
  f = EventFilter::All(*tr);
  f.kinds.fill(false);
  f.kinds[static_cast<int>(EventKind::kState)] = true;
  auto states = FilterEvents(*tr, f);
  CHECK(states.size() == 5);
  for (uint32_t i : states) CHECK(tr->events[i].kind == EventKind::kState);
  f = EventFilter::All(*tr);
  f.text = "\"id\":7";
  auto seven = FilterEvents(*tr, f);
  REQUIRE(seven.size() == 2);  // the request and its cancel
  CHECK(tr->events[seven[0]].kind == EventKind::kApiRequest);
  CHECK(tr->events[seven[1]].kind == EventKind::kApiCancel);
}

TEST_CASE("events: one-line descriptions", "[viz]") {
  auto tr = testing::LoadTiny();
  std::vector<std::string> d;
  for (uint32_t i = 0; i < tr->events.size(); ++i) d.push_back(DescribeEvent(*tr, i));
  auto has = [&](const std::string& s) { return std::find(d.begin(), d.end(), s) != d.end(); };
  CHECK(has("state -> leading"));
  CHECK(has("create id 1 -> 201 Created"));
  CHECK(has("update id 8 served 200 OK (rv 2)"));
  CHECK(has("cancel id 7: context deadline exceeded"));
  CHECK(has("fault partition begin [a]"));
  CHECK(has("acting starts"));
}

TEST_CASE("navigation: next and previous violation and transition", "[viz]") {
  auto tr = testing::LoadTiny();
  CHECK(NextViolation(*tr, 0) == 4050 * kMs);
  CHECK_FALSE(NextViolation(*tr, 4050 * kMs).has_value());  // strictly after
  CHECK(PrevViolation(*tr, 9 * kS) == 4050 * kMs);
  CHECK_FALSE(PrevViolation(*tr, 4050 * kMs).has_value());
  // State changes at 0 (both), 1 s (a leads), 4 s (b leads), 5 s (a follows); holder
  // changes at 950 ms and 3950 ms.
  CHECK(NextTransition(*tr, 0) == 950 * kMs);
  CHECK(NextTransition(*tr, 950 * kMs) == 1 * kS);
  CHECK(NextTransition(*tr, 4 * kS) == 5 * kS);
  CHECK_FALSE(NextTransition(*tr, 5 * kS).has_value());
  CHECK(PrevTransition(*tr, 4 * kS) == 3950 * kMs);
}

TEST_CASE("navigation: stepping walks the filtered list and stops at its ends", "[viz]") {
  auto tr = testing::LoadTiny();
  auto rows = FilterEvents(*tr, EventFilter::All(*tr));
  const int last = static_cast<int>(rows.size()) - 1;
  CHECK(StepEvent(rows, -1, +1) == 0);
  CHECK(StepEvent(rows, 0, +1) == 1);
  CHECK(StepEvent(rows, 0, -1) == 0);
  CHECK(StepEvent(rows, last, +1) == last);
  CHECK(StepEvent({}, 3, +1) == -1);
  const int p = EventPositionAt(*tr, rows, 4 * kS);
  CHECK(tr->events[rows[p]].t == 4 * kS);
  CHECK(tr->events[rows[p + 1]].t > 4 * kS);
}

TEST_CASE("summary: findings, transitions and requests from the trace, scalars from a report", "[viz]") {
  auto tr = testing::LoadTiny();
  auto report = nlohmann::json::parse(R"({"verdict":"fail","split_brain":{"total_s":1.45},"nodes":["a","b"]})");
  RunSummary s = Summarize(*tr, &report);
  CHECK(s.split_brain.count == 1);
  CHECK(s.split_brain.total_ns == 1450 * kMs);
  CHECK(s.split_brain.first_cause == "clock-rate ratio 1.5");
  CHECK(s.no_leader.count == 0);
  CHECK(s.holder_transitions == 1);
  CHECK(s.lease_writes == 2);
  CHECK(s.requests_by_verb[static_cast<int>(ApiVerb::kUpdate)] == 2);
  CHECK(s.requests_by_outcome[static_cast<int>(ApiOutcome::kCancelled)] == 1);
  CHECK_THAT(s.hash_status, Catch::StartsWith("ok "));
  CHECK(s.report == std::vector<std::pair<std::string, std::string>>{
                        {"nodes[0]", "a"}, {"nodes[1]", "b"}, {"split_brain.total_s", "1.45"}, {"verdict", "fail"}});
  auto lines = FormatSummary(s);
  CHECK(std::find(lines.begin(), lines.end(), "split-brain: 1 x, total 1.450s, longest 1.450s") != lines.end());
}

}  // namespace
}  // namespace leasesim::viz
