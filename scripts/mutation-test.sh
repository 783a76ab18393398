#!/usr/bin/env bash
# mutation-test.sh — does leasesim catch plausible bugs in core/ and sim/?
#
# Each tests/mutants/*.patch is one deliberate bug (its first line says which). For each,
# the script applies it to a scratch copy of the source tree, builds only the `leasesim`
# target (incrementally, through ccache), and runs
#   1. `leasesim check scenarios/` (the bundled scenarios' expectations, the oracles and
#      the invariant checkers of sim/invariants.h), and
#   2. `leasesim chaos` on every bundled chaos file (scenarios/chaos/) with a few seeds,
#      comparing the failure classes found with those of the unmutated build (the bug
#      files are *meant* to find kubernetes#47671 etc.: a class that appears or
#      disappears is a catch).
# It prints one line per mutant — KILLED with what caught it, or SURVIVED — then the kill
# rate. Unit tests are deliberately not run: a mutant must be caught by a scenario, an
# invariant or chaos (docs/chaos.md, "Mutation self-test").
#
# Usage: scripts/mutation-test.sh [--seeds N] [--jobs N] [--scratch DIR] [--all] [PATCH...]
#        scripts/mutation-test.sh --check-apply    (ctest: every mutant still applies)
#   --seeds N     seeds per chaos file (default 20)
#   --jobs N      worker threads for check and chaos (default 2)
#   --scratch DIR scratch copy and its build (default build/mutation; reused, and
#                 ccache turns each rebuild into cache hits but for the mutated file)
#   --all         run chaos even when check already caught the mutant (slower; the line
#                 then names every catcher)
#   PATCH...      only these mutants (default tests/mutants/*.patch)
#   --check-apply only check that every tests/mutants/*.patch has its "Mutant:" line and
#                 applies cleanly to this tree (`git apply --check`), that there are at
#                 least 12, and exit: the patches must not rot as core/ and sim/ change
# Exit: 0 every mutant killed, 1 some survived, 2 bad usage or the unmutated tree fails.
#
# ccache: export CCACHE_DIR (and CCACHE_BASEDIR at or above the repository, e.g. /work,
# with CCACHE_NOHASHDIR=true) so the scratch build compiles from the main build's cache.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seeds=20
jobs=2
scratch="$root/build/mutation"
all=0
check_apply=0
patches=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seeds) seeds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --scratch) scratch=$2; shift 2 ;;
    --all) all=1; shift ;;
    --check-apply) check_apply=1; shift ;;
    -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
    -*) echo "mutation-test.sh: unknown option $1" >&2; exit 2 ;;
    *) patches+=("$(realpath "$1")"); shift ;;
  esac
done
if [[ ${#patches[@]} -eq 0 ]]; then
  for p in "$root"/tests/mutants/*.patch; do [[ -f "$p" ]] && patches+=("$p"); done
fi
if [[ $check_apply -eq 1 ]]; then
  bad=0
  for p in "${patches[@]}"; do
    if ! head -n 1 "$p" | grep -q '^Mutant: '; then
      echo "$p: the first line must say 'Mutant: <the bug>'"; bad=1
    fi
    if ! (cd "$root" && git apply --check "$p"); then
      echo "$p: no longer applies: update the mutant to the code it mutates"; bad=1
    fi
  done
  if [[ ${#patches[@]} -lt 12 ]]; then echo "only ${#patches[@]} mutant(s) in tests/mutants (at least 12)"; bad=1; fi
  [[ $bad -eq 0 ]] && echo "${#patches[@]} mutant(s) apply cleanly"
  exit $bad
fi
: "${CCACHE_BASEDIR:=$(dirname "$root")}"
: "${CCACHE_NOHASHDIR:=true}"
export CCACHE_BASEDIR CCACHE_NOHASHDIR

src="$scratch/src"
bld="$src/build/release"
out="$scratch/out"
mkdir -p "$src" "$out"
# The scratch copy may sit inside this repository (build/ is ignored): keep git from
# finding it, so `git apply` treats the copy as a plain directory.
export GIT_CEILING_DIRECTORIES="$scratch"

# The scratch copy: the working tree's tracked and unignored files, stamped now (-m) so
# that the build never keeps an object compiled from an older mutant; ccache makes the
# rebuild cheap.
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
  tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -m -xf - -C "$src"

if [[ ! -f "$bld/build.ninja" ]]; then
  cmake -S "$src" -B "$bld" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DLEASESIM_BUILD_VIZ=OFF -DLEASESIM_BUILD_BENCH=OFF >"$out/configure.log" 2>&1 ||
    { echo "mutation-test.sh: configure failed (see $out/configure.log)" >&2; exit 2; }
fi

build() { cmake --build "$bld" -j"$jobs" --target leasesim >"$out/build.log" 2>&1; }

# check_catches: the failing scenarios of `leasesim check scenarios/`, one per line
# ("check exit N (...)" when check itself failed, e.g. an internal error). Empty when
# every scenario passes.
check_catches() {
  local code=0
  (cd "$src" && timeout 900 "$bld/leasesim" check scenarios/ --jobs "$jobs" >"$out/check.txt" 2>&1) || code=$?
  if [[ $code -ne 0 && $code -ne 1 ]]; then echo "check exit $code ($(tail -n 1 "$out/check.txt"))"; return; fi
  # Rows are "<file>  <VERDICT>  <figures...>".
  awk '$2 == "FAIL" || $2 == "ERROR" { f = $1; n++; print f; next }' "$out/check.txt"
}

# chaos_classes FILE: the sorted failure classes that chaos finds in FILE, or "exit N".
chaos_classes() {
  local f=$1 dir="$out/chaos-$(basename "$f" .json)" code=0
  rm -rf "$dir"
  (cd "$src" && timeout 900 "$bld/leasesim" chaos "$f" --seeds "$seeds" --jobs "$jobs" --shrink-budget 0 \
    --no-progress --out "$dir" >"$out/chaos.txt" 2>&1) || code=$?
  if [[ $code -ne 0 && $code -ne 1 ]]; then echo "exit-$code"; return; fi
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "failures") c = i; next }
           c && $c != "" { n = split($c, a, ";"); for (i = 1; i <= n; i++) print a[i] }' "$dir/runs.csv" | sort -u
}

chaos_files=()
for f in "$src"/scenarios/chaos/*.json "$src"/scenarios/chaos/*.yaml "$src"/scenarios/chaos/*.yml; do
  [[ -f "$f" ]] && chaos_files+=("scenarios/chaos/$(basename "$f")")
done

echo "mutation-test: ${#patches[@]} mutant(s); check scenarios/ and ${#chaos_files[@]} chaos file(s) at $seeds seed(s) each"
build || { echo "mutation-test.sh: the unmutated tree does not build (see $out/build.log)" >&2; exit 2; }
base_check=$(check_catches)
if [[ -n "$base_check" ]]; then
  echo "mutation-test.sh: the unmutated tree fails leasesim check: $base_check" >&2
  exit 2
fi
declare -A base_classes
for f in "${chaos_files[@]}"; do base_classes[$f]=$(chaos_classes "$f" | tr '\n' ' '); done

killed=0
total=0
survivors=()
for p in "${patches[@]}"; do
  name=$(basename "$p" .patch)
  total=$((total + 1))
  if ! (cd "$src" && git apply "$p" 2>"$out/apply.log"); then
    printf '%-40s NOT APPLIED (%s)\n' "$name" "$(head -n 1 "$out/apply.log")"
    survivors+=("$name")
    continue
  fi
  caught=()
  if ! build; then
    printf '%-40s BUILD FAILED (see %s)\n' "$name" "$out/build.log"
    (cd "$src" && git apply -R "$p")
    survivors+=("$name")
    continue
  fi
  cc=$(check_catches)
  if [[ "$cc" == "check exit "* ]]; then
    caught+=("check: ${cc#check }")
  elif [[ -n "$cc" ]]; then
    n=$(wc -l <<<"$cc")
    first=$(head -n 3 <<<"$cc" | tr '\n' ' ')
    # Why the first one fails: its first breached invariant or failed expectation.
    why=$(cd "$src" && timeout 300 "$bld/leasesim" run "$(head -n 1 <<<"$cc")" 2>&1 |
      grep -m 1 -E '\[(BREACHED|FAILED)\]' | sed -E 's/^ +//; s/(.{110}).*/\1.../') || true
    more=""
    if [[ $n -gt 3 ]]; then more=" ..."; fi
    caught+=("check: $n scenario(s): ${first% }$more${why:+ (first: $why)}")
  fi
  if [[ ${#caught[@]} -eq 0 || $all -eq 1 ]]; then
    for f in "${chaos_files[@]}"; do
      got=$(chaos_classes "$f" | tr '\n' ' ')
      [[ "$got" == "${base_classes[$f]}" ]] && continue
      diff=""
      for c in $got; do [[ " ${base_classes[$f]} " == *" $c "* ]] || diff+=" +$c"; done
      for c in ${base_classes[$f]}; do [[ " $got " == *" $c "* ]] || diff+=" -$c"; done
      caught+=("chaos $(basename "$f"):$diff")
    done
  fi
  (cd "$src" && git apply -R "$p")
  if [[ ${#caught[@]} -eq 0 ]]; then
    printf '%-40s SURVIVED\n' "$name"
    survivors+=("$name")
  else
    killed=$((killed + 1))
    printf '%-40s KILLED by %s\n' "$name" "$(IFS='|'; echo "${caught[*]}" | sed 's/|/; /g')"
  fi
done
build >/dev/null 2>&1 || true  # leave the scratch build unmutated
echo "kill rate: $killed/$total ($((100 * killed / total))%)"
[[ ${#survivors[@]} -eq 0 ]] || { echo "survived: ${survivors[*]}"; exit 1; }
