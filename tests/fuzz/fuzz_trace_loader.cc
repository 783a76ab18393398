// fuzz_trace_loader.cc — the viewer's trace loader (viz::LoadTraceText) on arbitrary
// bytes, with the lean scanner and with SAX only. Invariants: no crash or sanitizer report;
// a rejected trace gets a one-line message. (The two paths may disagree on a malformed
// value the viewer never reads: the lean scanner skips those loosely, by design.)
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_check.h"
#include "viz/trace_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leasesim;
  const std::string text(reinterpret_cast<const char*>(data), size);
  viz::TraceLoad lean = viz::LoadTraceText(text, "fuzz.jsonl");
  viz::TraceLoad sax = viz::LoadTraceText(text, "fuzz.jsonl", {.lean_scan = false});
  if (!lean.ok()) fuzz::RequireOneLine(lean.error);
  if (!sax.ok()) fuzz::RequireOneLine(sax.error);
  return 0;
}
