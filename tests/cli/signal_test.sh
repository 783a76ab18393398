#!/bin/sh
# signal_test.sh LEASESIM SCRATCH_DIR — issue15 item 13: SIGINT and SIGTERM during
# `leasesim run --trace` remove the trace's temporary file and exit 130 / 143 with a
# message; nothing is left next to the trace target. (timeout --preserve-status reports
# 128 + N for a process killed by signal N too, so the message and the absence of the
# .tmp are what tell a handled signal from a default death.)
set -u
LEASESIM=$1
DIR=$2
rm -rf "$DIR"
mkdir -p "$DIR"
# Long enough never to finish within the timeout.
printf '{"name": "long", "duration": "1000h", "candidateCount": 20}\n' > "$DIR/long.json"
for sig in INT TERM; do
  want=130
  [ "$sig" = TERM ] && want=143
  timeout --preserve-status -s "$sig" 1 "$LEASESIM" run "$DIR/long.json" --trace "$DIR/t.jsonl" > "$DIR/out" 2> "$DIR/err"
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "SIG$sig: exit $rc, want $want"; cat "$DIR/err"; exit 1
  fi
  if ! grep -q "interrupted by SIG$sig" "$DIR/err"; then
    echo "SIG$sig: no 'interrupted by SIG$sig' on stderr:"; cat "$DIR/err"; exit 1
  fi
  if [ -e "$DIR/t.jsonl.tmp" ] || [ -e "$DIR/t.jsonl" ]; then
    echo "SIG$sig: trace files left behind:"; ls -l "$DIR"; exit 1
  fi
done
# A stale temporary file of the same target (as SIGKILL leaves it) is gone after the next run.
printf '{"type":"header","cut mid-li' > "$DIR/t.jsonl.tmp"
printf '{"name": "short", "duration": "10s", "candidateCount": 2}\n' > "$DIR/short.json"
"$LEASESIM" run "$DIR/short.json" --trace "$DIR/t.jsonl" --report "$DIR/no-such-dir/r.json" > /dev/null 2>&1
if [ -e "$DIR/t.jsonl.tmp" ] || [ -e "$DIR/t.jsonl" ]; then
  echo "stale or new trace files left behind by a run that could not write its report:"; ls -l "$DIR"; exit 1
fi
rm -rf "$DIR"
echo "ok"
