// trace_hash_test.cc — the trace's rolling hash (sim/trace.h) against its definition.
//
// docs/trace-format.md defines the hash over each field's bytes as little-endian 8-byte
// words, the last 0-7 bytes zero-padded into one word, then the length. Trace::HashBytes
// computes the tail with wide loads; this checks it against the byte-by-byte definition
// for every length around the word boundaries.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/trace.h"

namespace leasesim::sim {
namespace {

uint64_t ReferenceBytes(uint64_t h, std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w = 0;
    for (size_t k = 0; k < 8; ++k) w |= static_cast<uint64_t>(static_cast<unsigned char>(s[i + k])) << (8 * k);
    h = TraceMix(h, w);
  }
  uint64_t tail = 0;
  for (size_t k = 0; i + k < s.size(); ++k) tail |= static_cast<uint64_t>(static_cast<unsigned char>(s[i + k])) << (8 * k);
  h = TraceMix(h, tail);
  return TraceMix(h, s.size());
}

TEST_CASE("trace hash: a field of any length hashes as its bytes' little-endian words, zero-padded, then its length",
          "[sim][trace]") {
  // Bytes that differ at every position, including high bits (sign extension would show).
  std::string all;
  for (int k = 0; k < 40; ++k) all.push_back(static_cast<char>(0x81 + 37 * k));
  for (size_t len = 0; len <= all.size(); ++len) {
    const std::string_view field(all.data(), len);
    Trace trace;  // hash only
    trace.Begin(kTrueEpoch + Duration{1234}, "kind", "node-1").Str("k", field);
    uint64_t want = 0xcbf29ce484222325ULL;
    want = TraceMix(want, 0);     // the event's sequence number
    want = TraceMix(want, 1234);  // its true time in ns
    want = ReferenceBytes(want, "kind");
    want = ReferenceBytes(want, "node-1");
    want = ReferenceBytes(want, field);
    INFO("length " << len);
    CHECK(trace.hash() == want);
  }
}

}  // namespace
}  // namespace leasesim::sim
