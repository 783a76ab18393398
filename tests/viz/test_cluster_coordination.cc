// Tests of the viewer's cluster (issue 12: worker-node lanes) and coordinated-election
// (issue 13: LeaseCandidates) models, and of invariant-breach findings: the loader, the
// worker counts, the folded worker lanes and the inspector's LeaseCandidates.
#include <catch2/catch.hpp>

#include <algorithm>

#include "fixtures.h"
#include "viz/event_filter.h"
#include "viz/inspector.h"
#include "viz/lane_geometry.h"
#include "viz/navigation.h"
#include "viz/palette.h"
#include "viz/run_summary.h"
#include "viz/screen_layout.h"

namespace leasesim::viz {
namespace {

using testing::kMs;
using testing::kS;

TEST_CASE("cluster: workers, their Ready intervals, taints, kubelet and eviction", "[viz]") {
  auto tr = testing::Load(testing::ClusterTrace(), "cluster.jsonl");
  const ClusterModel& c = tr->cluster;
  REQUIRE(c.present);
  CHECK(c.workers == 50);  // the header's count, not the 12 named
  REQUIRE(c.tracks.size() == 12);
  CHECK(tr->warnings.empty());
  const WorkerTrack& w0 = c.tracks[1];  // w-11's kubelet event came first
  CHECK(w0.name == "w-0");
  REQUIRE(w0.ready.size() == 2);
  CHECK(w0.ready[0].start == 10 * kS);
  CHECK(w0.ready[0].end == 40 * kS);
  CHECK(w0.ready[0].status == ReadyStatus::kUnknown);
  CHECK(w0.ready[1].status == ReadyStatus::kTrue);
  CHECK(w0.ready[1].end == 60 * kS);
  CHECK_FALSE(w0.false_not_ready);
  CHECK(c.tracks[4].name == "w-3");
  CHECK(c.tracks[4].false_not_ready);
  const WorkerTrack& w11 = c.tracks[0];
  CHECK(w11.name == "w-11");
  REQUIRE(w11.kubelet_down.size() == 1);
  CHECK(w11.kubelet_down[0].start == 5 * kS);
  CHECK(w11.kubelet_down[0].end == 60 * kS);  // never restarted: open to the end
  REQUIRE(w11.tainted.size() == 1);
  CHECK(w11.tainted[0].start == 25 * kS);
  CHECK(w11.evicted == 28 * kS);
  CHECK(w11.first_change == 5 * kS);
  // Changed workers by first change: w-11 (5s), w-0..w-9 (10s..10.9s), w-10 (12s).
  REQUIRE(c.by_change.size() == 12);
  CHECK(c.tracks[c.by_change[0]].name == "w-11");
  CHECK(c.tracks[c.by_change[1]].name == "w-0");
  CHECK(c.tracks[c.by_change[11]].name == "w-10");
  REQUIRE(c.zone_states.size() == 1);
  CHECK(c.zone_states[0].state == "FullDisruption");
  // The cluster fault is a fault lane named after its kind and id.
  REQUIRE(tr->fault_lanes.size() == 1);
  CHECK(tr->fault_lanes[0] == "zone_partition dark");
  REQUIRE(tr->faults.size() == 1);
  CHECK(tr->faults[0].start == 8 * kS);
  CHECK(tr->faults[0].end == 35 * kS);
}

TEST_CASE("cluster: worker counts over time", "[viz]") {
  auto tr = testing::Load(testing::ClusterTrace(), "cluster.jsonl");
  const ClusterModel& c = tr->cluster;
  auto at = [&](double s) { return WorkerCountsAt(c, static_cast<TimeNs>(s * 1e9)); };
  CHECK(at(0).unknown == 0);
  CHECK(at(9.9).unknown == 0);
  CHECK(at(10.05).unknown == 1);
  CHECK(at(11).unknown == 10);
  CHECK(at(11).not_ready == 0);
  CHECK(at(12).not_ready == 1);
  CHECK(at(21).unknown == 11);  // w-11 too
  CHECK(at(21).tainted == 0);
  CHECK(at(26).tainted == 1);
  CHECK(at(29).evicted == 1);
  CHECK(at(41).unknown == 1);   // w-0..w-9 Ready again; w-11 still Unknown
  CHECK(at(41).not_ready == 1);
  Inspection in = InspectAt(*tr, 21 * kS);
  CHECK(in.has_cluster);
  CHECK(in.workers == 50);
  CHECK(in.worker_counts.unknown == 11);
  CHECK(in.worker_counts.not_ready == 1);
}

TEST_CASE("cluster: worker lanes fold to the first that changed, the summary counts all", "[viz]") {
  auto tr = testing::Load(testing::ClusterTrace(), "cluster.jsonl");
  REQUIRE(kFoldedWorkerLanes < 12);
  const std::vector<int32_t> folded = WorkerLanes(*tr, false);
  REQUIRE(folded.size() == static_cast<size_t>(kFoldedWorkerLanes));
  CHECK(std::equal(folded.begin(), folded.end(), tr->cluster.by_change.begin()));
  CHECK(WorkerLanes(*tr, true).size() == 12);

  const Rect area{0, 0, 1280, 2000};  // room for every lane
  TimelineLayout lay = LayoutTimeline(*tr, area);
  REQUIRE(lay.Find(LaneKind::kWorkerSummary) != nullptr);
  REQUIRE(lay.Find(LaneKind::kWorkersFolded) != nullptr);
  int workers = 0;
  for (const Lane& l : lay.lanes) workers += l.kind == LaneKind::kWorker ? 1 : 0;
  CHECK(workers == kFoldedWorkerLanes);
  // The summary sits under the candidates, the worker lanes under it, then the "more" line.
  CHECK(lay.Find(LaneKind::kWorkerSummary)->y0 > lay.Find(LaneKind::kNodeState, 0)->y1);
  CHECK(lay.Find(LaneKind::kWorker, folded[0])->y0 > lay.Find(LaneKind::kWorkerSummary)->y1);
  CHECK(lay.Find(LaneKind::kWorkersFolded)->y0 > lay.Find(LaneKind::kWorker, folded.back())->y1);

  TimelineLayout open = LayoutTimeline(*tr, area, 0, /*workers_unfolded=*/true);
  workers = 0;
  for (const Lane& l : open.lanes) workers += l.kind == LaneKind::kWorker ? 1 : 0;
  CHECK(workers == 12);
  CHECK(open.Find(LaneKind::kWorkersFolded) == nullptr);
  CHECK(TimelineContentHeight(*tr, 1280, true) > TimelineContentHeight(*tr, 1280, false));

  // The folded line names how many more changed and how many never did.
  TimeAxis ax = FitAll(tr->end_ns, lay.plot_x0, lay.plot_x1);
  DrawList dl;
  BuildTimeline(*tr, lay, ax, {.cursor_ns = 21e9}, dl);
  const bool named = std::any_of(dl.texts.begin(), dl.texts.end(), [](const DrawText& t) {
    return t.text.find("+ 4 more nodes changed state (38 of 50 never did)") != std::string::npos;
  });
  CHECK(named);
  const bool counts = std::any_of(dl.texts.begin(), dl.texts.end(), [](const DrawText& t) {
    return t.text == "at cursor: 38 Ready, 1 NotReady, 11 Unknown, 0 tainted, 0 evicted";
  });
  CHECK(counts);
}

TEST_CASE("cluster: a worker lane is Ready green, Unknown orange, tainted at its bottom", "[viz]") {
  auto tr = testing::Load(testing::ClusterTrace(), "cluster.jsonl");
  const TimelineLayout lay = LayoutTimeline(*tr, {0, 0, 1280, 2000});
  const TimeAxis ax{0, 60e9, 200, 1400};  // 50 ms per px
  DrawList dl;
  BuildTimeline(*tr, lay, ax, {}, dl);
  const Lane* w11 = lay.Find(LaneKind::kWorker, 0);
  REQUIRE(w11 != nullptr);
  auto rect_at = [&](float x, float y, uint32_t color) {
    return std::any_of(dl.rects.begin(), dl.rects.end(), [&](const DrawRect& r) {
      return r.color == color && r.r.x0 <= x && x < r.r.x1 && r.r.y0 <= y && y < r.r.y1;
    });
  };
  const float mid = (w11->y0 + w11->y1 - kWorkerStripPx) / 2;
  CHECK(rect_at(ax.X(15e9), mid, kWorkerReady));     // before its first status change
  CHECK(rect_at(ax.X(22e9), mid, kWorkerUnknown));
  CHECK(rect_at(ax.X(26e9), w11->y1 - 1, kWorkerTainted));
  CHECK_FALSE(rect_at(ax.X(22e9), w11->y1 - 1, kWorkerTainted));
  CHECK(rect_at(ax.X(6e9), w11->y0 + 1, kWorkerKubeletDown));
  CHECK(rect_at(ax.X(28e9), mid, kWorkerEvicted));
}

TEST_CASE("cluster: the new event kinds have names and one-line descriptions", "[viz]") {
  auto tr = testing::Load(testing::ClusterTrace(), "cluster.jsonl");
  std::vector<std::string> lines;
  for (uint32_t i = 0; i < tr->events.size(); ++i) {
    CHECK(tr->events[i].kind != EventKind::kUnknown);
    lines.push_back(DescribeEvent(*tr, i));
  }
  auto has = [&](const std::string& s) { return std::find(lines.begin(), lines.end(), s) != lines.end(); };
  CHECK(has("node w-3 Ready=Unknown (FALSE NotReady): x"));
  CHECK(has("node w-11 tainted"));
  CHECK(has("kubelet w-11 stopped"));
  CHECK(has("node w-11: last pod evicted"));
  CHECK(has("zone zone-a -> FullDisruption"));
  CHECK(has("cluster fault dark zone_partition begin"));
  CHECK(has("invariant_breach single_writer at 30.000000000s [kcm]: two writers"));
  CHECK(ParseEventKind("node_ready") == EventKind::kNodeReady);
  CHECK(EventKindName(EventKind::kCoordinationLog) == "coordination_log");
}

TEST_CASE("cluster: bad worker events are bad input", "[viz]") {
  const std::string tiny = testing::TinyTrace();
  const std::string header = tiny.substr(0, tiny.find('\n') + 1);
  TraceLoad l = LoadTraceText(header + R"({"seq":0,"t":1,"ev":"node_ready","status":"Unknown"})" "\n", "bad.jsonl");
  CHECK(l.error == "bad.jsonl:2: $.worker: a \"node_ready\" event needs a worker");
  l = LoadTraceText(header + R"({"seq":0,"t":1,"ev":"node_ready","worker":"w","status":"Maybe"})" "\n", "bad.jsonl");
  CHECK(l.error == "bad.jsonl:2: $.status: expected \"True\", \"False\" or \"Unknown\", got \"Maybe\"");
  l = LoadTraceText(header + R"({"seq":0,"t":1,"ev":"node_taint","worker":"w"})" "\n", "bad.jsonl");
  CHECK(l.error == "bad.jsonl:2: $.tainted: missing or not a boolean");
  l = LoadTraceText(header + R"({"seq":0,"t":1,"ev":"finding","finding":"invariant_breach","invariant":"x"})" "\n", "bad.jsonl");
  CHECK(l.error == "bad.jsonl:2: $.at: missing or not an integer");
  const std::string bad_header = R"({"type":"header","format":"leasesim-trace/1","cluster":{"workers":-3}})" "\n";
  l = LoadTraceText(bad_header, "bad.jsonl");
  CHECK(l.error == "bad.jsonl:1: $.cluster.workers: -3 is negative");
}

TEST_CASE("invariant breach: an instant finding, drawn at least kMinViolationPx wide", "[viz]") {
  auto tr = testing::Load(testing::ClusterTrace(), "cluster.jsonl");
  REQUIRE(tr->findings.size() == 1);
  const Finding& f = tr->findings[0];
  CHECK(f.kind == FindingKind::kInvariantBreach);
  CHECK(f.start == 30 * kS);
  CHECK(f.end == 30 * kS);
  CHECK(f.cause == "single_writer");
  CHECK(f.nodes == std::vector<std::string>{"kcm"});
  const TimeAxis ax{0, 60e9, 100, 1100};
  const auto marks = ViolationMarks(*tr, ax);
  REQUIRE(marks.size() == 1);
  CHECK(marks[0].kind == FindingKind::kInvariantBreach);
  CHECK(marks[0].x1 - marks[0].x0 == Approx(kMinViolationPx));
  CHECK((marks[0].x0 + marks[0].x1) / 2 == Approx(ax.X(30e9)));
  // The viewer opens on it: a 30 s window centred on the breach.
  const auto focus = FirstViolationFocus(*tr);
  REQUIRE(focus);
  CHECK(focus->from_ns == Approx(15e9));
  CHECK(focus->to_ns == Approx(45e9));
  CHECK(focus->cursor_ns == 30 * kS);
  // Its colour is in the legend of this trace only.
  auto named = [](const std::vector<LegendEntry>& l, const char* text) {
    return std::any_of(l.begin(), l.end(), [&](const LegendEntry& e) { return e.text == text; });
  };
  CHECK(named(Legend(tr.get()), "invariant breach"));
  CHECK(named(Legend(tr.get()), "tainted (NoExecute)"));
  CHECK_FALSE(named(Legend(), "invariant breach"));
  CHECK_FALSE(named(Legend(), "tainted (NoExecute)"));
}

TEST_CASE("coordinated: LeaseCandidate objects are not Lease writes", "[viz]") {
  auto tr = testing::Load(testing::CoordinatedTrace(), "coord.jsonl");
  CHECK(tr->warnings.empty());
  REQUIRE(tr->lease_writes.size() == 1);  // only the controller's write of the Lease
  CHECK(tr->holders == std::vector<std::string>{"a-1"});
  REQUIRE(tr->lease_candidates.size() == 2);
  const LeaseCandidateTrack& a = tr->lease_candidates[0];
  CHECK(a.name == "a-1");
  REQUIRE(a.objects.size() == 3);
  CHECK_FALSE(a.objects[0].by_controller);
  CHECK(a.objects[1].by_controller);  // the ping
  CHECK(a.objects[1].t == 20 * kS);
  const LeaseCandidateTrack& b = tr->lease_candidates[1];
  REQUIRE(b.objects.size() == 3);
  CHECK(b.objects[2].deleted);
  CHECK(b.objects[2].t == 50 * kS);
  for (uint32_t i = 0; i < tr->events.size(); ++i) CHECK(tr->events[i].kind != EventKind::kUnknown);
}

TEST_CASE("coordinated: the inspector lists each LeaseCandidate at the cursor", "[viz]") {
  auto tr = testing::Load(testing::CoordinatedTrace(), "coord.jsonl");
  SECTION("before any candidate exists") { CHECK(InspectAt(*tr, 500 * kMs).candidates.empty()); }
  SECTION("after creation: identity, versions, renewTime, no ping") {
    Inspection in = InspectAt(*tr, 5 * kS);
    REQUIRE(in.candidates.size() == 2);
    const CandidateInspection& a = in.candidates[0];
    CHECK(a.name == "a-1");
    CHECK(a.exists);
    CHECK(a.binary_version == "1.33.0");
    CHECK(a.emulation_version == "1.33.0");
    CHECK(a.renew_time == "2026-01-01T00:00:01.000000Z");
    CHECK(a.ping_time.empty());
    CHECK_FALSE(a.ping_pending);
    CHECK(in.candidates[1].binary_version == "1.34.0");
    CHECK_THAT(a.yaml, Catch::Contains("kind: LeaseCandidate\n"));
    CHECK_THAT(a.yaml, Catch::Contains("  binaryVersion: 1.33.0\n"));
  }
  SECTION("pinged: pingTime newer than renewTime until the candidate answers") {
    Inspection in = InspectAt(*tr, 20500 * kMs);
    CHECK(in.candidates[0].ping_pending);
    CHECK(in.candidates[0].by_controller);
    CHECK(in.candidates[0].ping_time == "2026-01-01T00:00:20.000000Z");
    in = InspectAt(*tr, 22 * kS);
    CHECK_FALSE(in.candidates[0].ping_pending);  // a answered at 21s
    CHECK(in.candidates[0].renew_time == "2026-01-01T00:00:21.000000Z");
    CHECK(in.candidates[1].ping_pending);        // b never does
  }
  SECTION("deleted by the controller") {
    Inspection in = InspectAt(*tr, 55 * kS);
    REQUIRE(in.candidates.size() == 2);
    CHECK(in.candidates[1].deleted);
    CHECK_FALSE(in.candidates[1].exists);
    CHECK_THAT(in.candidates[1].yaml, Catch::StartsWith("# deleted by the election controller at 50."));
  }
}

TEST_CASE("coordinated: one LeaseCandidate lane each, with pings and renewals", "[viz]") {
  auto tr = testing::Load(testing::CoordinatedTrace(), "coord.jsonl");
  const TimelineLayout lay = LayoutTimeline(*tr, {0, 0, 1280, 800});
  const Lane* a = lay.Find(LaneKind::kLeaseCandidate, 0);
  const Lane* b = lay.Find(LaneKind::kLeaseCandidate, 1);
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(a->label == "LC a-1");
  const TimeAxis ax{0, 60e9, 200, 1400};
  DrawList dl;
  BuildTimeline(*tr, lay, ax, {}, dl);
  auto rect_at = [&](float x, float y, uint32_t color) {
    return std::any_of(dl.rects.begin(), dl.rects.end(), [&](const DrawRect& r) {
      return r.color == color && r.r.x0 <= x && x < r.r.x1 && r.r.y0 <= y && y < r.r.y1;
    });
  };
  const float amid = (a->y0 + a->y1) / 2, bmid = (b->y0 + b->y1) / 2;
  CHECK(rect_at(ax.X(10e9), amid, kCandidateAlive));
  CHECK(rect_at(ax.X(20e9) + 1, a->y0 + 1, kCandidatePing));
  CHECK(rect_at(ax.X(21e9) + 1, a->y1 - 1, kCandidateRenew));
  CHECK(rect_at(ax.X(40e9), bmid, kCandidateAlive));
  CHECK_FALSE(rect_at(ax.X(55e9), bmid, kCandidateAlive));  // deleted at 50s
}

}  // namespace
}  // namespace leasesim::viz

namespace leasesim::viz {
namespace {

TEST_CASE("coordinated: one lane per kube-apiserver instance: up, controller running, crashes", "[viz]") {
  std::string text = testing::CoordinatedTrace();
  text = text.substr(0, text.rfind("{\"type\":\"footer\""));
  text += R"({"seq":100,"t":30000000000,"ev":"apiserver_instance","apiserver":"kube-apiserver-0","state":"crashed"})" "\n";
  text += R"({"seq":101,"t":40000000000,"ev":"apiserver_instance","apiserver":"kube-apiserver-0","state":"up","identity":"x"})" "\n";
  auto tr = testing::Load(text, "coord.jsonl");
  REQUIRE(tr->apiservers.size() == 1);
  const ApiserverTrack& a = tr->apiservers[0];
  CHECK(a.name == "kube-apiserver-0");
  REQUIRE(a.up.size() == 2);
  CHECK(a.up[0].start == 3 * testing::kS);
  CHECK(a.up[0].end == 30 * testing::kS);
  CHECK(a.up[1].end == tr->end_ns);
  REQUIRE(a.controller.size() == 1);
  CHECK(a.controller[0].end == 30 * testing::kS);  // stopped by the crash
  CHECK(a.crashes == std::vector<TimeNs>{30 * testing::kS});
  const TimelineLayout lay = LayoutTimeline(*tr, {0, 0, 1280, 800});
  const Lane* lane = lay.Find(LaneKind::kApiserver, 0);
  REQUIRE(lane != nullptr);
  const TimeAxis ax{0, 60e9, 200, 1400};
  DrawList dl;
  BuildTimeline(*tr, lay, ax, {}, dl);
  auto rect_at = [&](float x, float y, uint32_t color) {
    return std::any_of(dl.rects.begin(), dl.rects.end(), [&](const DrawRect& r) {
      return r.color == color && r.r.x0 <= x && x < r.r.x1 && r.r.y0 <= y && y < r.r.y1;
    });
  };
  const float mid = (lane->y0 + lane->y1) / 2;
  CHECK(rect_at(ax.X(10e9), mid, kApiserverController));
  CHECK(rect_at(ax.X(30e9), mid, kApiserverCrash));
  CHECK_FALSE(rect_at(ax.X(35e9), mid, kApiserverUp));
  CHECK(rect_at(ax.X(45e9), mid, kApiserverUp));
  CHECK_FALSE(rect_at(ax.X(45e9), mid, kApiserverController));
}

}  // namespace
}  // namespace leasesim::viz

namespace leasesim::viz {
namespace {

TEST_CASE("summary: invariant breaches, worker nodes and LeaseCandidates", "[viz]") {
  auto tr = testing::Load(testing::ClusterTrace(), "cluster.jsonl");
  const std::vector<std::string> lines = FormatSummary(Summarize(*tr, nullptr));
  auto has = [&](const std::string& s) { return std::find(lines.begin(), lines.end(), s) != lines.end(); };
  CHECK(has("invariant breaches: 1 x, first single_writer at 30.000000000s [kcm]"));
  CHECK(has("nodes: 50, ever Unknown/NotReady 12 (false 1), tainted 1, evicted 1"));
  auto coord = testing::Load(testing::CoordinatedTrace(), "coord.jsonl");
  const std::vector<std::string> c = FormatSummary(Summarize(*coord, nullptr));
  CHECK(std::find(c.begin(), c.end(), "LeaseCandidates: 2") != c.end());
  CHECK(std::none_of(c.begin(), c.end(), [](const std::string& l) { return l.rfind("invariant", 0) == 0; }));
}

}  // namespace
}  // namespace leasesim::viz
