#!/usr/bin/env bash
# progress_tty.sh LEASESIM SOURCE_DIR — sweep and chaos draw a progress bar on a terminal
# ("[####..] 48/48 runs"), and none with --no-progress or into a file. stderr is made a terminal with
# script(1) (util-linux); without it the test is skipped (exit 77).
set -uo pipefail
leasesim="$1" src="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v script >/dev/null || { echo "script(1) is not installed: skipped"; exit 77; }
tmp="$(mktemp -d "${TMPDIR:-/tmp}/leasesim-progress.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# bars CMD...: how many progress-bar lines CMD draws on a terminal.
bars() {
  rm -rf "$tmp/out"
  script -qec "$(printf '%q ' "$@") --out $(printf '%q' "$tmp/out")" /dev/null | grep -a -c '\] [0-9]*/[0-9]* runs'
}
for cmd in "sweep $src/docs/sweeps/readme.json" "chaos $src/scenarios/chaos/tolerated-1.37.json --seeds 20"; do
  # shellcheck disable=SC2086
  n=$(bars "$leasesim" $cmd --jobs 2)
  [[ "$n" -ge 1 ]] || fail "leasesim $cmd on a terminal drew no progress bar"
  # shellcheck disable=SC2086
  n=$(bars "$leasesim" $cmd --jobs 2 --no-progress)
  [[ "$n" -eq 0 ]] || fail "leasesim $cmd --no-progress drew $n progress bar lines"
  # Not a terminal (a file): no bar either.
  rm -rf "$tmp/out"
  # shellcheck disable=SC2086
  "$leasesim" $cmd --jobs 2 --out "$tmp/out" >/dev/null 2>"$tmp/stderr"
  ! grep -a -q '\] [0-9]*/[0-9]* runs' "$tmp/stderr" || fail "leasesim $cmd drew a progress bar into a file"
  echo "ok $cmd"
done
