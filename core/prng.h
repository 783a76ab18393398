// prng.h — the project's deterministic pseudo-random numbers.
//
// `<random>` distributions differ between standard libraries, so leasesim uses a fixed
// generator (xoshiro256**, seeded through splitmix64) and its own conversions. Named
// streams are split from one run seed with a stable hash of the name, so adding a stream
// never perturbs another:
//
//   core::Prng jitter = core::Prng::Stream(seed, "node/a/jitter");
//   double u = jitter.Float64();   // uniform in [0, 1), like Go's rand.Float64
//
// Everything here is header-only and allocation-free.
#pragma once

#include <cstdint>
#include <string_view>

namespace leasesim::core {

// SplitMix64 advances `state` and returns the next output (Steele, Lea, Flood 2014).
constexpr uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// StableHash is 64-bit FNV-1a: the same value on every platform and run, used to derive
// named streams and for trace hashing.
constexpr uint64_t StableHash(std::string_view s, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Prng is xoshiro256** (Blackman, Vigna 2018). Copyable: a copy continues the same stream.
class Prng {
 public:
  explicit constexpr Prng(uint64_t seed = 0) {
    uint64_t sm = seed;
    for (auto& w : s_) w = SplitMix64(sm);
  }
  // Stream returns the stream named `name` of run seed `seed`.
  static constexpr Prng Stream(uint64_t seed, std::string_view name) {
    return Prng(seed ^ StableHash(name));
  }

  constexpr uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Float64 is uniform in [0, 1) with 53 bits, as Go's math/rand Float64.
  constexpr double Float64() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform is uniform in [0, n) for n > 0 (Lemire's multiply-shift; bias < n/2^64).
  constexpr uint64_t Uniform(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  // Bernoulli is true with probability num/den (0 <= num <= den, den > 0).
  constexpr bool Bernoulli(uint64_t num, uint64_t den) { return Uniform(den) < num; }

 private:
  static constexpr uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4]{};
};

}  // namespace leasesim::core
