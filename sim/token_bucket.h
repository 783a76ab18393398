// token_bucket.h — a token-bucket rate limiter with a float rate and an integer burst.
//
// Port of golang.org/x/time/rate's Limiter as client-go's flowcontrol uses it
// (k8s.io/client-go/util/flowcontrol/throttle.go, NewTokenBucketRateLimiter + TryAccept):
// "The bucket is initially filled with 'burst' tokens, and refills at a rate of 'qps'.
// The maximum number of tokens in the bucket is capped at 'burst'." Allow is
// (*Limiter).Allow = AllowN(now, 1): reserveN with maxFutureReserve 0, which takes a token
// only when none has to be waited for and otherwise leaves the bucket unchanged.
//
//   TokenBucket b(0.5, 1, now);   // one request per 2 s, no burst beyond one
//   b.Allow(now);                 // true (starts full), then false until now + 2s
//
// Arithmetic is IEEE double as in Go (+, *, /, min only; no library functions), so the
// same arrivals give the same decisions everywhere. Times are true time in nanoseconds.
#pragma once

#include <cstdint>

#include "sim/true_time.h"

namespace leasesim::sim {

class TokenBucket {
 public:
  // TokenBucket: `qps` tokens per second (> 0; fractional allowed), at most `burst`
  // tokens (>= 1), full at `now`.
  TokenBucket(double qps, int64_t burst, TrueTime now)
      : limit_(qps), burst_(burst), tokens_(static_cast<double>(burst)), last_(now) {}

  double qps() const { return limit_; }
  int64_t burst() const { return burst_; }
  // tokens is the bucket's content as of the last Allow (for tests).
  double tokens() const { return tokens_; }

  // Allow takes one token at `now` if one is there (port of (*Limiter).reserveN with
  // n = 1, maxFutureReserve = 0); false leaves the bucket as it was.
  bool Allow(TrueTime now) {
    // (*Limiter).advance: refill for the time passed since the last take, capped at burst.
    TrueTime last = last_;
    if (now < last) last = now;
    double tokens = tokens_ + TokensFromDuration(now - last);
    if (const double burst = static_cast<double>(burst_); tokens > burst) tokens = burst;
    tokens -= 1;
    // durationFromTokens truncates to whole nanoseconds: a deficit worth less than 1 ns
    // of refill counts as no wait, as in Go.
    const bool ok = burst_ >= 1 && (tokens >= 0 || DurationNsFromTokens(-tokens) <= 0);
    if (ok) {
      last_ = now;
      tokens_ = tokens;
    }
    return ok;
  }

 private:
  // Limit.tokensFromDuration: d.Seconds() * limit, with Duration.Seconds() splitting
  // whole seconds and nanoseconds as Go does.
  double TokensFromDuration(Duration d) const {
    const int64_t ns = d.count();
    const double seconds = static_cast<double>(ns / 1'000'000'000) + static_cast<double>(ns % 1'000'000'000) / 1e9;
    return seconds * limit_;
  }
  // Limit.durationFromTokens: (tokens / limit) * 1e9 ns, truncated; capped at int64's max.
  double DurationNsFromTokens(double tokens) const {
    const double d = (tokens / limit_) * 1e9;
    return d >= 9.2e18 ? 9.2e18 : static_cast<double>(static_cast<int64_t>(d));
  }

  double limit_;
  int64_t burst_;
  double tokens_;
  TrueTime last_;
};

}  // namespace leasesim::sim
