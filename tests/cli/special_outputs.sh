#!/usr/bin/env bash
# special_outputs.sh LEASESIM SOURCE_DIR — an output path that is a FIFO or a device
# (/dev/null, /dev/stdout, a shell's >(...)) is written in place and stays what it was.
# Every output is otherwise written to PATH.tmp and renamed over PATH: renaming over a
# FIFO left a regular file where the reader's pipe was, and over /dev/null (as root) would
# have replaced the device. The FIFO half runs everywhere; the device half needs root
# (mknod) and is skipped without it.
set -uo pipefail
leasesim="$1" src="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp="$(mktemp -d "${TMPDIR:-/tmp}/leasesim-special.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
steady="$src/scenarios/basics/steady.json"

# read_fifo NAME OUT: a reader on FIFO NAME copying into OUT, in the background (for at
# most 60 s: a FIFO renamed away never gets a writer).
read_fifo() { mkfifo "$1" || fail "mkfifo"; timeout 60 cat "$1" > "$2" & reader=$!; }

# --trace into a FIFO: the reader gets the whole trace, and the FIFO is still a FIFO.
read_fifo "$tmp/trace.fifo" "$tmp/trace.got"
timeout 60 "$leasesim" run "$steady" -q --trace "$tmp/trace.fifo" > /dev/null || fail "run --trace FIFO failed"
[[ -p "$tmp/trace.fifo" ]] || { kill "$reader"; fail "run --trace replaced the FIFO: $(ls -l "$tmp/trace.fifo")"; }
wait "$reader"
head -1 "$tmp/trace.got" | grep -q '"format":"leasesim-trace/1"' || fail "the FIFO's reader got no trace header"
tail -1 "$tmp/trace.got" | grep -q '"type":"footer"' || fail "the FIFO's reader got no trace footer"
[[ ! -e "$tmp/trace.fifo.tmp" ]] || fail "a .tmp was left beside the FIFO"

# --report into a FIFO, and init into one: the same.
read_fifo "$tmp/report.fifo" "$tmp/report.got"
timeout 60 "$leasesim" run "$steady" -q --report "$tmp/report.fifo" > /dev/null || fail "run --report FIFO failed"
[[ -p "$tmp/report.fifo" ]] || { kill "$reader"; fail "run --report replaced the FIFO"; }
wait "$reader"
grep -q '"traceHash"' "$tmp/report.got" || fail "the FIFO's reader got no report"
read_fifo "$tmp/init.fifo" "$tmp/init.got"
timeout 60 "$leasesim" init "$tmp/init.fifo" --force > /dev/null || fail "init FIFO failed"
[[ -p "$tmp/init.fifo" ]] || { kill "$reader"; fail "init replaced the FIFO"; }
wait "$reader"
grep -q '"candidates"' "$tmp/init.got" || fail "the FIFO's reader got no starter scenario"

# /dev/stdout: the trace goes to standard output.
lines="$(timeout 60 "$leasesim" run "$steady" -q --trace /dev/stdout | grep -c '"ev":')"
[[ "$lines" -gt 100 ]] || fail "run --trace /dev/stdout wrote $lines events to stdout"

# --trace - is standard output, as --report - is: the trace alone there (the text goes to
# stderr), appended under >>, and never through /dev/stdout.tmp.
echo "before" > "$tmp/stdout.jsonl"
timeout 60 "$leasesim" run "$steady" -q --trace - >> "$tmp/stdout.jsonl" 2> "$tmp/stdout.err" || fail "run --trace - failed"
[[ "$(head -1 "$tmp/stdout.jsonl")" == before ]] || fail "--trace - under >> truncated the file"
sed -n 2p "$tmp/stdout.jsonl" | grep -q '"format":"leasesim-trace/1"' || fail "--trace -: no header after the old line"
tail -1 "$tmp/stdout.jsonl" | grep -q '"type":"footer"' || fail "--trace -: no footer at the end"
grep -q "^PASS " "$tmp/stdout.err" || fail "--trace -: the verdict did not go to stderr: $(cat "$tmp/stdout.err")"
timeout 60 "$leasesim" run "$steady" -q --trace /dev/stdout > "$tmp/redirected.jsonl" 2>/dev/null || fail "--trace /dev/stdout failed"
head -1 "$tmp/redirected.jsonl" | grep -q '"format":"leasesim-trace/1"' || fail "--trace /dev/stdout into a file: no header first"
[[ ! -e /dev/stdout.tmp ]] || fail "/dev/stdout.tmp was created"
timeout 60 "$leasesim" export "$tmp/redirected.jsonl" --perfetto - > "$tmp/export.json" || fail "export --perfetto - failed"
grep -q '"traceEvents"' "$tmp/export.json" || fail "export --perfetto - wrote no Perfetto JSON to stdout"
[[ ! -e ./- && ! -e "$tmp/-" ]] || fail "export --perfetto - wrote a file named -"
timeout 60 "$leasesim" run "$steady" -q --trace - --report - > /dev/null 2> "$tmp/both.err"
[[ $? == 2 ]] || fail "--trace - --report - is bad usage"
grep -q "both ask for stdout" "$tmp/both.err" || fail "--trace - --report -: $(cat "$tmp/both.err")"

if [[ "$(id -u)" != 0 ]] || ! mknod "$tmp/null" c 1 3 2>/dev/null; then
  echo "not root (or no mknod): the device half is skipped"
  echo ok
  exit 0
fi
# A copy of /dev/null's device node: every output into it leaves it a device, even
# --trace with --perfetto (which reads the trace back), and a failed report never removes it.
timeout 60 "$leasesim" run "$steady" -q --trace "$tmp/null" --report "$tmp/null" --perfetto "$tmp/p.json" > /dev/null \
  || fail "run into the device failed"
[[ -c "$tmp/null" ]] || fail "run replaced the device: $(ls -l "$tmp/null")"
grep -q '"traceEvents"' "$tmp/p.json" || fail "--perfetto with --trace on a device wrote no Perfetto file"
timeout 60 "$leasesim" run "$steady" -q --trace "$tmp/null" --report "$tmp/no-such-dir/r.json" > /dev/null 2>&1
[[ $? == 2 ]] || fail "a report into a missing directory is bad input"
[[ -c "$tmp/null" ]] || fail "a failed report removed the trace device"
timeout 60 "$leasesim" check "$steady" -q --junit "$tmp/null" > /dev/null || fail "check --junit device failed"
timeout 60 "$leasesim" export "$tmp/p.json" --perfetto "$tmp/null" > /dev/null 2>&1  # (not a trace: exit 2)
timeout 60 "$leasesim" init "$tmp/null" --force > /dev/null || fail "init into the device failed"
[[ -c "$tmp/null" ]] || fail "check, export or init replaced the device"
[[ -z "$(find "$tmp" -name '*.tmp')" ]] || fail "a .tmp was left: $(find "$tmp" -name '*.tmp')"
echo ok
