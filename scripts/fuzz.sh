#!/usr/bin/env bash
# fuzz.sh — a libFuzzer pass over every parser of user input (tests/fuzz/).
#
#   bash scripts/fuzz.sh                          # the fixed pass CI runs: every target
#   bash scripts/fuzz.sh chaos sweep              # the fixed pass, two targets
#   LEASESIM_FUZZ_SECONDS=300 bash scripts/fuzz.sh scenario   # explore: 5 min, random seed
#   LEASESIM_FUZZ_SECONDS=0 bash scripts/fuzz.sh  # skip
#
# Builds the `fuzz` preset (clang-14, ASan+UBSan incl. float-cast-overflow, libFuzzer
# coverage) into build/fuzz, then runs each fuzz_<target>, seeded with its regression
# corpus tests/fuzz/corpus/<target>/ (plus the bundled scenarios for the scenario target,
# the bundled chaos files for the chaos target and the committed sample trace for the
# trace loader).
#
# Two modes:
# - fixed (the default, what .ci/run does): -seed=1 and a fixed number of executions per
#   target (20-50 s each on an idle 2-core machine, scenario about 2 min; LEASESIM_FUZZ_SCALE
#   multiplies them),
#   starting from an empty working corpus. The same inputs are tried on every machine, so a
#   clean pass here is a clean pass on CI, and a finding is reproducible by rerunning.
# - explore (LEASESIM_FUZZ_SECONDS=N): N seconds per target with libFuzzer's random seed,
#   keeping the working corpus build/fuzz/corpus/<target>/ between runs.
#
# A finding stops that target: the input is saved as build/fuzz/findings/<target>/crash-*;
# minimise it (build/fuzz/tests/fuzz/fuzz_<target> -minimize_crash=1 -runs=10000 FILE),
# add it to tests/fuzz/corpus/<target>/ with a name saying what it found, and fix the bug.
# Exit 0 when no target found anything, 1 otherwise; 0 at once when clang-14 is not
# installed and LEASESIM_FUZZ_REQUIRED is unset (scripts/setup.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${LEASESIM_FUZZ_SECONDS:-}"
scale="${LEASESIM_FUZZ_SCALE:-1}"
jobs="${LEASESIM_FUZZ_JOBS:-1}"
if [[ "$seconds" == 0 ]]; then
  echo "fuzz: skipped (LEASESIM_FUZZ_SECONDS=0)"
  exit 0
fi
if [[ -n "$seconds" && ! "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz: LEASESIM_FUZZ_SECONDS must be a whole number of seconds, got \"$seconds\"" >&2
  exit 2
fi
if [[ ! "$scale" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz: LEASESIM_FUZZ_SCALE must be a positive whole number, got \"$scale\"" >&2
  exit 2
fi
if ! command -v clang++-14 >/dev/null; then
  echo "fuzz: clang++-14 is not installed (apt-get install clang-14 libclang-rt-14-dev)" >&2
  [[ -n "${LEASESIM_FUZZ_REQUIRED:-}" ]] && exit 2
  exit 0
fi

# Executions per target in the fixed mode: 20-50 s each on an idle 2-core machine (scenario,
# which reads every input as JSON and as YAML, about 2 min)
# (docs/ci.md shows a pass).
declare -A runs=([scenario]=400000 [sweep]=500000 [chaos]=100000 [go_duration]=1000000 [trace_loader]=60000)
all=(scenario sweep chaos go_duration trace_loader)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")
for t in "${targets[@]}"; do
  [[ -n "${runs[$t]:-}" ]] || { echo "fuzz: unknown target \"$t\" (targets: ${all[*]})" >&2; exit 2; }
done

cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j"${LEASESIM_BUILD_JOBS:-2}" --target "${targets[@]/#/fuzz_}"

status=0
for t in "${targets[@]}"; do
  findings="build/fuzz/findings/$t"
  seeds=("tests/fuzz/corpus/$t")
  [[ "$t" == scenario ]] && seeds+=(scenarios/basics scenarios/split-brain)
  [[ "$t" == chaos ]] && seeds+=(scenarios/chaos)
  [[ "$t" == trace_loader ]] && seeds+=(tests/data/traces)
  if [[ -n "$seconds" ]]; then
    corpus="build/fuzz/corpus/$t"
    limit=(-max_total_time="$seconds")
    what="${seconds}s"
  else
    corpus="build/fuzz/fixed-corpus/$t"
    rm -rf "$corpus"
    limit=(-seed=1 -runs=$((runs[$t] * scale)))
    what="$((runs[$t] * scale)) executions, seed 1"
  fi
  mkdir -p "$corpus" "$findings"
  parallel=()
  ((jobs > 1)) && parallel=(-jobs="$jobs" -workers="$jobs")
  dict=()
  [[ -f "tests/fuzz/$t.dict" ]] && dict=(-dict="tests/fuzz/$t.dict")
  log="build/fuzz/$t.log"
  echo "fuzz: $t ($what)"
  start=$SECONDS
  # Seed directories are read, only $corpus is written. -rss_limit_mb: a parser must not
  # need more than that for an input of at most -max_len bytes.
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     "build/fuzz/tests/fuzz/fuzz_$t" "$corpus" "${seeds[@]}" "${dict[@]}" "${limit[@]}" \
       "${parallel[@]}" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
       -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1; then
    execs=$(grep -E "^stat::number_of_executed_units" "$log" | awk '{print $2}' | tail -1)
    cov=$(grep -oE "cov: [0-9]+" "$log" | tail -1)
    echo "fuzz: $t: ${execs:-?} executions in $((SECONDS - start)) s, ${cov:-cov: ?}, nothing found"
  else
    status=1
    echo "fuzz: $t FOUND A PROBLEM (log: $log, input: $findings/$(ls -t "$findings" | head -1))" >&2
    grep -E "ERROR|runtime error|invariant|SUMMARY" "$log" | head -5 >&2 || true
  fi
done
exit "$status"
