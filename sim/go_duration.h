// go_duration.h — Go duration strings under sim/'s names.
//
// The parser and printer are core/go_duration.h (a port of Go's time.ParseDuration and
// Duration.String); scenario, sweep and chaos files and every leasesim flag that takes a
// time use them through these names.
//
//   auto d = sim::ParseGoDuration("1m30s", &err);   // *d == 90s
//   sim::FormatGoDuration(1500ms);                  // "1.5s"
#pragma once

#include "core/go_duration.h"

namespace leasesim::sim {

using core::Duration;
using core::FormatGoDuration;
using core::ParseGoDuration;
using core::QuoteGo;

}  // namespace leasesim::sim
