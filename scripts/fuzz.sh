#!/usr/bin/env bash
# fuzz.sh — a short libFuzzer pass over every parser of user input (tests/fuzz/).
#
#   bash scripts/fuzz.sh                        # every target, 60 s each
#   LEASESIM_FUZZ_SECONDS=300 bash scripts/fuzz.sh scenario
#   LEASESIM_FUZZ_SECONDS=0 bash scripts/fuzz.sh   # skip (what CI does when asked to)
#
# Builds the `fuzz` preset (clang-14, ASan+UBSan incl. float-cast-overflow, libFuzzer
# coverage) into build/fuzz, then runs each fuzz_<target> for LEASESIM_FUZZ_SECONDS
# seconds (default 60) on LEASESIM_FUZZ_JOBS workers (default 1), seeded with its
# regression corpus tests/fuzz/corpus/<target>/ (plus the bundled scenarios for the
# scenario target and the committed sample trace for the trace loader). New interesting
# inputs go to build/fuzz/corpus/<target>/ (never into the source tree). A finding stops
# the pass: the input is saved as build/fuzz/findings/<target>/crash-*; minimise it
# (fuzz_<target> -minimize_crash=1 FILE), add it to tests/fuzz/corpus/<target>/ with a
# name saying what it found, and fix the bug. Exit 0 when no target found anything, 1
# otherwise; 0 at once when clang-14 is not installed and LEASESIM_FUZZ_REQUIRED is unset.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${LEASESIM_FUZZ_SECONDS:-60}"
jobs="${LEASESIM_FUZZ_JOBS:-1}"
if [[ "$seconds" == 0 ]]; then
  echo "fuzz: skipped (LEASESIM_FUZZ_SECONDS=0)"
  exit 0
fi
if ! command -v clang++-14 >/dev/null; then
  echo "fuzz: clang++-14 is not installed (apt-get install clang-14 libclang-rt-14-dev)" >&2
  [[ -n "${LEASESIM_FUZZ_REQUIRED:-}" ]] && exit 2
  exit 0
fi
all=(scenario sweep go_duration trace_loader)   # chaos: add here with its target (tests/fuzz/CMakeLists.txt)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")

cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j"${LEASESIM_BUILD_JOBS:-2}" --target "${targets[@]/#/fuzz_}"

status=0
for t in "${targets[@]}"; do
  corpus="build/fuzz/corpus/$t"
  findings="build/fuzz/findings/$t"
  mkdir -p "$corpus" "$findings"
  seeds=("tests/fuzz/corpus/$t")
  [[ "$t" == scenario ]] && seeds+=(scenarios/basics scenarios/split-brain)
  [[ "$t" == trace_loader ]] && seeds+=(tests/data/traces)
  parallel=()
  ((jobs > 1)) && parallel=(-jobs="$jobs" -workers="$jobs")
  dict=()
  [[ -f "tests/fuzz/$t.dict" ]] && dict=(-dict="tests/fuzz/$t.dict")
  log="build/fuzz/$t.log"
  echo "fuzz: $t for ${seconds}s"
  # Seed directories are read, only $corpus is written. -rss_limit_mb: a parser must not
  # need more than that for an input of at most -max_len bytes.
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     "build/fuzz/tests/fuzz/fuzz_$t" "$corpus" "${seeds[@]}" "${dict[@]}" -max_total_time="$seconds" \
       "${parallel[@]}" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
       -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1; then
    grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$log" | tail -2 | sed "s/^/fuzz: $t: /"
  else
    status=1
    echo "fuzz: $t FOUND A PROBLEM (log: $log, input: $(ls -t "$findings" | head -1))" >&2
    grep -E "ERROR|runtime error|invariant|SUMMARY" "$log" | head -5 >&2 || true
  fi
done
exit "$status"
