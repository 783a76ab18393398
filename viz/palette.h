// palette.h — the viewer's colours, shared by the geometry (model) and the legend.
//
// Colours are packed as ImGui's IM_COL32 packs them (R in the low byte, A in the high
// byte), so the app passes them to ImDrawList unchanged while the model stays ImGui-free.
//
//   uint32_t c = viz::StateColor(viz::NodeState::kLeading);   // green
#pragma once

#include <cstdint>
#include <string_view>

#include "viz/trace_model.h"

namespace leasesim::viz {

// Rgba packs a colour as IM_COL32(r, g, b, a) does.
constexpr uint32_t Rgba(uint32_t r, uint32_t g, uint32_t b, uint32_t a = 255) {
  return r | (g << 8) | (b << 16) | (a << 24);
}
constexpr uint8_t Red(uint32_t c) { return c & 0xff; }
constexpr uint8_t Green(uint32_t c) { return (c >> 8) & 0xff; }
constexpr uint8_t Blue(uint32_t c) { return (c >> 16) & 0xff; }
constexpr uint8_t Alpha(uint32_t c) { return c >> 24; }

inline constexpr uint32_t kBackground = Rgba(24, 26, 30);
inline constexpr uint32_t kLaneBackground = Rgba(36, 39, 45);
inline constexpr uint32_t kLabelBackground = Rgba(30, 32, 37);
inline constexpr uint32_t kText = Rgba(225, 228, 232);
inline constexpr uint32_t kTextDim = Rgba(150, 155, 165);
inline constexpr uint32_t kGrid = Rgba(70, 74, 82, 140);
inline constexpr uint32_t kCursor = Rgba(255, 255, 255);
inline constexpr uint32_t kFolded = Rgba(160, 140, 200);      // several items under 3 px
inline constexpr uint32_t kActing = Rgba(20, 110, 40);         // dark green strip
inline constexpr uint32_t kSplitBrain = Rgba(230, 30, 30);     // solid, in the violations lane
inline constexpr uint32_t kSplitBrainBand = Rgba(230, 30, 30, 48);  // across all lanes
inline constexpr uint32_t kNoLeader = Rgba(240, 170, 30);
inline constexpr uint32_t kNoLeaderBand = Rgba(240, 170, 30, 40);
inline constexpr uint32_t kInvariantBreach = Rgba(255, 60, 220);
inline constexpr uint32_t kInvariantBreachBand = Rgba(255, 60, 220, 56);
// Worker nodes (cluster scenarios): Ready condition, taint, kubelet down, eviction.
inline constexpr uint32_t kWorkerReady = Rgba(60, 130, 80);
inline constexpr uint32_t kWorkerUnknown = Rgba(235, 140, 40);
inline constexpr uint32_t kWorkerNotReady = Rgba(215, 50, 50);
inline constexpr uint32_t kWorkerTainted = Rgba(175, 90, 230);
inline constexpr uint32_t kWorkerKubeletDown = Rgba(20, 20, 22);
inline constexpr uint32_t kWorkerEvicted = Rgba(250, 250, 250);
// LeaseCandidates (coordinated election): the candidate's writes and the controller's pings.
inline constexpr uint32_t kCandidateAlive = Rgba(70, 95, 120);
inline constexpr uint32_t kCandidateRenew = Rgba(80, 230, 220);
inline constexpr uint32_t kCandidatePing = Rgba(250, 210, 60);
// kube-apiserver instances: up, running the election controller, crashed.
inline constexpr uint32_t kApiserverUp = Rgba(95, 100, 115);
inline constexpr uint32_t kApiserverController = Rgba(60, 190, 80);
inline constexpr uint32_t kApiserverCrash = Rgba(230, 40, 40);
inline constexpr uint32_t kLeaseRenewal = Rgba(235, 235, 235, 200);
inline constexpr uint32_t kClockLine = Rgba(120, 200, 255);
inline constexpr uint32_t kClockZero = Rgba(110, 110, 120);

// StateColor is a lane state's bar colour (leading is the green the screenshot test
// looks for).
constexpr uint32_t StateColor(NodeState s) {
  switch (s) {
    case NodeState::kFollowing: return Rgba(70, 110, 160);
    case NodeState::kAcquiring: return Rgba(200, 190, 80);
    case NodeState::kLeading: return Rgba(60, 190, 80);
    case NodeState::kReleasing: return Rgba(60, 170, 170);
    case NodeState::kStopped: return Rgba(85, 85, 90);
    case NodeState::kCrashed: return Rgba(140, 40, 120);
    case NodeState::kPaused: return Rgba(230, 120, 40);
    case NodeState::kUnknown: return Rgba(55, 58, 64);
  }
  return Rgba(55, 58, 64);
}

// VerbColor is the upper half of an API request tick.
constexpr uint32_t VerbColor(ApiVerb v) {
  switch (v) {
    case ApiVerb::kGet: return Rgba(110, 170, 255);
    case ApiVerb::kCreate: return Rgba(200, 120, 255);
    case ApiVerb::kUpdate: return Rgba(80, 230, 220);
    case ApiVerb::kOther: return Rgba(200, 200, 200);
  }
  return Rgba(200, 200, 200);
}

// OutcomeColor is the lower half of an API request tick.
constexpr uint32_t OutcomeColor(ApiOutcome o) {
  switch (o) {
    case ApiOutcome::kOk: return Rgba(90, 200, 90);
    case ApiOutcome::kConflict: return Rgba(255, 150, 40);
    case ApiOutcome::kError: return Rgba(255, 60, 60);
    case ApiOutcome::kTimeout: return Rgba(255, 60, 200);
    case ApiOutcome::kCancelled: return Rgba(170, 170, 170);
    case ApiOutcome::kPending: return Rgba(110, 110, 110);
  }
  return Rgba(110, 110, 110);
}

// ReadyColor is a worker lane's colour for its Ready condition.
constexpr uint32_t ReadyColor(ReadyStatus s) {
  switch (s) {
    case ReadyStatus::kTrue: return kWorkerReady;
    case ReadyStatus::kFalse: return kWorkerNotReady;
    case ReadyStatus::kUnknown: return kWorkerUnknown;
  }
  return kWorkerUnknown;
}

// HolderColor is the Lease lane colour of a holder: the holder's node index hue, or grey
// for an unknown identity / a released lease (-1).
constexpr uint32_t HolderColor(int node) {
  constexpr uint32_t kHues[] = {Rgba(66, 135, 245), Rgba(245, 130, 48), Rgba(145, 30, 180),
                                Rgba(70, 240, 240), Rgba(240, 50, 230), Rgba(188, 246, 12),
                                Rgba(250, 190, 190), Rgba(0, 128, 128)};
  return node < 0 ? Rgba(100, 100, 100) : kHues[node % 8];
}

// FaultColor is a fault lane's shading, by fault name ("partition", "clock_drift", …).
uint32_t FaultColor(std::string_view fault_label);

}  // namespace leasesim::viz
