#!/usr/bin/env bash
# pgo-build.sh — build `leasesim` with GCC's profile-guided optimisation, trained on the
# bundled scenarios, and link-time optimisation: build/pgo/leasesim. Same code and same
# results as the Release build (every trace hash and report figure is identical); only
# the machine code is laid out and inlined after what a run actually executes
# (docs/performance.md has the figures).
#
# Usage: bash scripts/pgo-build.sh            (after scripts/setup.sh has installed the packages)
#
# Three steps in one build directory, build/pgo (GCC finds each object's profile by the
# object's path, so both builds must share it):
#   1. configure with LEASESIM_PGO=generate and build an instrumented leasesim;
#   2. train: `leasesim check scenarios/` (every bundled scenario) and a 200-seed chaos
#      search, which write the profile to build/pgo/profile;
#   3. reconfigure with LEASESIM_PGO=use and build leasesim again from that profile, with
#      link-time optimisation.
# The whole script costs about two Release builds of leasesim (the training itself takes
# seconds). Nothing outside build/pgo is left behind. The benchmarks can be
# built from the same profile afterwards: cmake --build build/pgo --target bench_speed.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/pgo
profile="$PWD/$dir/profile"

common=(-S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLEASESIM_BUILD_VIZ=OFF
        "-DLEASESIM_PGO_DIR=$profile")

echo "pgo-build: 1/3 instrumented build" >&2
rm -rf "$profile"
cmake "${common[@]}" -DLEASESIM_PGO=generate >/dev/null
cmake --build "$dir" --target leasesim

echo "pgo-build: 2/3 training on the bundled scenarios" >&2
"$dir/leasesim" check scenarios/ --jobs 1 -q >/dev/null 2>&1 || {
  echo "pgo-build: the training run failed: $dir/leasesim check scenarios/ --jobs 1" >&2
  exit 1
}
train_out=$(mktemp -d)
trap 'rm -rf "$train_out"' EXIT
# The search finds failures in this file on purpose: exit 1 is its normal outcome.
rc=0
"$dir/leasesim" chaos scenarios/chaos/operator-15s-10s-2s.json --seeds 200 --jobs 1 --no-progress \
  --out "$train_out/chaos" >/dev/null 2>&1 || rc=$?
if ((rc > 1)); then
  echo "pgo-build: the training chaos search failed (exit $rc): $dir/leasesim chaos scenarios/chaos/operator-15s-10s-2s.json" >&2
  exit 1
fi

echo "pgo-build: 3/3 optimised build" >&2
cmake "${common[@]}" -DLEASESIM_PGO=use >/dev/null
cmake --build "$dir" --target leasesim
echo "pgo-build: built $dir/leasesim" >&2
