// time_format.h — how the viewer prints instants and durations.
//
//   viz::FormatRFC3339Micros(1767225600'050000000) == "2026-01-01T00:00:00.050000Z"
//   viz::FormatDuration(1'500'000'000) == "1.500s"
#pragma once

#include <cstdint>
#include <string>

namespace leasesim::viz {

// FormatRFC3339Micros formats a wall reading (ns since the Unix epoch, UTC) as
// metav1.MicroTime does on the wire (RFC3339Micro): "2026-01-01T00:00:05.000000Z".
std::string FormatRFC3339Micros(int64_t wall_ns);
// FormatRFC3339Seconds formats it as metav1.Time does: "2026-01-01T00:00:05Z".
std::string FormatRFC3339Seconds(int64_t wall_ns);
// FormatDuration prints ns with a unit that keeps 3-4 significant digits: "850ns",
// "12.300us", "4.250ms", "1.500s" (negative values get a leading '-').
std::string FormatDuration(int64_t ns);
// FormatTrueTime prints true time since scenario start as seconds with ns: "38.052113000s".
std::string FormatTrueTime(int64_t t_ns);

}  // namespace leasesim::viz
