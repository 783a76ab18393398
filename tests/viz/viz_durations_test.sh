#!/bin/sh
# viz_durations_test.sh LEASESIM_VIZ TRACE LEASESIM — the standalone viewer's --from/--to/--cursor
# take Go durations, as `leasesim view` does: a value that is not one (a bare number, an
# unknown unit) or a window that ends before it starts is bad input (exit 2) with a message
# naming it, before any window opens; a valid one gets past the flags (exit 2 only for want
# of a display, with that message).
set -u
viz=$1
trace=$2
leasesim=$3
fail=0
# expect_bad ARGS... : exit 2, and stderr names the flag and Go's error.
expect_bad() {
  want=$1; shift
  err=$(env -u DISPLAY -u WAYLAND_DISPLAY "$viz" "$trace" "$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" -ne 2 ]; then
    echo "FAIL $*: exit $rc, want 2: $err"; fail=1; return
  fi
  case "$err" in
    *"$want"*) echo "ok $*: $err" ;;
    *) echo "FAIL $*: message lacks '$want': $err"; fail=1 ;;
  esac
}
expect_bad 'leasesim-viz: --cursor: time: missing unit in duration "90" (a Go duration such as 90s or 2m) (leasesim-viz --help)' --cursor 90
expect_bad '--from: time: unknown unit "x" in duration "2x"' --from 2x --to 3m
expect_bad '--to: time: invalid duration "soon"' --from 1m --to soon
expect_bad 'leasesim-viz: --to must be later than --from (got --from 50s --to 5s)' --from 50s --to 5s
expect_bad 'leasesim-viz: --to must be later than --from (got --from 10s --to 10s)' --from 10s --to 10s
# The window size is a whole number of pixels in range, said as leasesim view says it.
expect_bad 'leasesim-viz: --width: expected an integer from 320 to 8192, got "x" (leasesim-viz --help)' --width x
expect_bad 'leasesim-viz: --height: expected an integer from 240 to 8192, got "9999" (leasesim-viz --help)' --height 9999
# A trace that cannot be read is named after the program.
err=$(env -u DISPLAY -u WAYLAND_DISPLAY "$viz" /nonexistent-dir/ 2>&1 >/dev/null)
case "$err" in
  "leasesim-viz: "*) echo "ok missing trace: $err" ;;
  *) echo "FAIL missing trace: $err"; fail=1 ;;
esac
# Valid durations pass the flags: with no display the viewer stops there, saying so.
err=$(env -u DISPLAY -u WAYLAND_DISPLAY "$viz" "$trace" --from 1m30s --to 2m --cursor 100.5s 2>&1 >/dev/null)
case "$err" in
  *"no display"*) echo "ok valid durations: $err" ;;
  *) echo "FAIL valid durations: $err"; fail=1 ;;
esac
# `leasesim view` shares the window check (viz/viewer.cc RunViewer), naming itself.
err=$(env -u DISPLAY -u WAYLAND_DISPLAY "$leasesim" view "$trace" --from 50s --to 5s 2>&1 >/dev/null)
rc=$?
case "$rc:$err" in
  "2:leasesim view: --to must be later than --from (got --from 50s --to 5s)") echo "ok leasesim view: $err" ;;
  *) echo "FAIL leasesim view --from 50s --to 5s: exit $rc: $err"; fail=1 ;;
esac
# No trace: one line naming the program.
err=$("$viz" 2>&1 >/dev/null)
rc=$?
case "$rc:$err" in
  "2:leasesim-viz: trace is required (leasesim-viz --help)") echo "ok no trace: $err" ;;
  *) echo "FAIL no trace: exit $rc: $err"; fail=1 ;;
esac
exit $fail
