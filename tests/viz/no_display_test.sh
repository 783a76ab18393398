#!/bin/sh
# no_display_test.sh LEASESIM TRACE — issue15 item 17: `leasesim view` with no display
# exits 2 (bad usage, harness/exit_codes.h) with a message saying so, never 1 (which
# means "an expectation failed").
set -u
err=$(env -u DISPLAY -u WAYLAND_DISPLAY "$1" view "$2" 2>&1 >/dev/null)
rc=$?
if [ "$rc" -ne 2 ]; then
  echo "exit $rc, want 2: $err"; exit 1
fi
case "$err" in
  *"no display to open a window on"*xvfb-run*) echo "ok: $err" ;;
  *) echo "unclear message: $err"; exit 1 ;;
esac
