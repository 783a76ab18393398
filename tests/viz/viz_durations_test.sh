#!/bin/sh
# viz_durations_test.sh LEASESIM_VIZ TRACE — the standalone viewer's --from/--to/--cursor
# take Go durations, as `leasesim view` does: a value that is not one (a bare number, an
# unknown unit) is bad input (exit 2) with Go's own message, before any window opens; a
# valid one gets past the flags (exit 2 only for want of a display, with that message).
set -u
viz=$1
trace=$2
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
expect_bad '--cursor: time: missing unit in duration "90" (a Go duration such as 90s or 2m)' --cursor 90
expect_bad '--from: time: unknown unit "x" in duration "2x"' --from 2x --to 3m
expect_bad '--to: time: invalid duration "soon"' --from 1m --to soon
# Valid durations pass the flags: with no display the viewer stops there, saying so.
err=$(env -u DISPLAY -u WAYLAND_DISPLAY "$viz" "$trace" --from 1m30s --to 2m --cursor 100.5s 2>&1 >/dev/null)
case "$err" in
  *"no display"*) echo "ok valid durations: $err" ;;
  *) echo "FAIL valid durations: $err"; fail=1 ;;
esac
exit $fail
