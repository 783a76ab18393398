#!/bin/sh
# view_temp_trace_test.sh LEASESIM SCENARIO — `leasesim view SCENARIO` runs the scenario
# into a trace in a directory of its own under TMPDIR (mkdtemp), removed on exit: two
# viewers of one scenario at once never share a trace, and nothing is left behind. Run
# without a display, so each viewer stops at the window (exit 2) after the trace was made.
set -u
leasesim=$1
scenario=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/leasesim-view-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
TMPDIR="$tmp" env -u DISPLAY -u WAYLAND_DISPLAY "$leasesim" view "$scenario" > "$tmp.out1" 2>&1 &
a=$!
TMPDIR="$tmp" env -u DISPLAY -u WAYLAND_DISPLAY "$leasesim" view "$scenario" > "$tmp.out2" 2>&1 &
b=$!
wait $a; rc_a=$?
wait $b; rc_b=$?
for f in "$tmp.out1" "$tmp.out2"; do
  case "$(cat "$f")" in
    *"no display"*) echo "ok: $(head -1 "$f")" ;;
    *) echo "FAIL: the viewer did not get as far as the window: $(cat "$f")"; fail=1 ;;
  esac
done
rm -f "$tmp.out1" "$tmp.out2"
[ "$rc_a" -eq 2 ] && [ "$rc_b" -eq 2 ] || { echo "FAIL: exits $rc_a and $rc_b, want 2 (no display)"; fail=1; }
left=$(ls -A "$tmp")
[ -z "$left" ] || { echo "FAIL: left in TMPDIR: $left"; fail=1; }
exit $fail
