#!/usr/bin/env bash
# cli_errors_run.sh LEASESIM SOURCE_DIR SCRATCH — issue 14 item 5 as typed: an unknown option
# names itself (with "did you mean"), --jobs gets a plain range, `run DIR` says it is a
# directory, `view --from/--to/--cursor` take Go durations, sweep and chaos files inside a
# `check` directory are skipped with a note, reproduce lines name leasesim as it was
# invoked, and the manual page generated from the help texts renders.
set -uo pipefail
leasesim="$1" src="$2" tmp="$3"
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$tmp" && mkdir -p "$tmp" || fail "cannot create $tmp"
# expect CODE WANT_STDOUT WANT_STDERR -- ARGS...: exact outputs and exit code.
expect() {
  local code="$1" want_out="$2" want_err="$3"; shift 4
  local out err rc
  out="$(timeout 60 "$leasesim" "$@" 2>"$tmp/err")"; rc=$?  # (124: it hung)
  err="$(cat "$tmp/err")"
  [[ $rc == "$code" ]] || fail "leasesim $*: exit $rc, want $code (stderr: $err)"
  [[ "$out" == "$want_out" ]] || fail "leasesim $*: stdout
$out
--- want
$want_out"
  [[ "$err" == "$want_err" ]] || fail "leasesim $*: stderr
$err
--- want
$want_err"
}
steady="$src/scenarios/basics/steady.json"

# An unknown option names itself, with the nearest option when there is one.
expect 2 "" "leasesim run: unknown option --sed (did you mean --seed?)" -- run --sed 3 "$steady"
expect 2 "" "leasesim run: unknown option --sed (did you mean --seed?)" -- run "$steady" --sed=3
expect 2 "" "leasesim check: unknown option --jbos (did you mean --jobs?)" -- check --jbos 2
expect 2 "" "leasesim check: unknown option -Z (leasesim check --help lists the options)" -- check -Z
expect 2 "" "leasesim: unknown option --bogus (leasesim --help lists the options)" -- --bogus
expect 2 "" "leasesim run: unexpected argument(s): extra.json (leasesim help run)" -- run "$steady" extra.json
expect 2 "" "leasesim run: scenario is required (leasesim help run)" -- run
# A missing file names what kind of file (not the command's own name again).
expect 2 "" "leasesim sweep: sweep-file is required (leasesim help sweep)" -- sweep
expect 2 "" "leasesim chaos: chaos-file is required (leasesim help chaos)" -- chaos --seeds 3
expect 2 "" "leasesim view: input is required (leasesim help view)" -- view
expect 2 "" "leasesim export: trace is required (leasesim help export)" -- export
# --seeds is checked as typed: the number the user gave, however large, and the bound.
expect 2 "" "leasesim chaos: --seeds: expected an integer from 1 to 100000000, got \"0\" (leasesim help chaos)" \
  -- chaos c.json --seeds 0
expect 2 "" "leasesim chaos: --seeds: expected an integer from 1 to 100000000, got \"99999999999999999999\" (leasesim help chaos)" \
  -- chaos c.json --seeds 99999999999999999999
expect 2 "" "leasesim sweep: --seeds: expected an integer from 1 to 1000000, got \"1000001\" (leasesim help sweep)" \
  -- sweep s.json --seeds 1000001
# A value that starts with '-' is a value, not an unknown option.
expect 2 "" "leasesim sweep: --jobs: expected an integer from 0 to 1024 (0: one worker per core), got \"x\" (leasesim help sweep)" \
  -- sweep s.json --min-safety-margin -1s --jobs x

# --jobs: a plain range, never CLI11's range over the whole double type.
expect 2 "" "leasesim check: --jobs: expected an integer from 0 to 1024 (0: one worker per core), got \"-3\" (leasesim help check)" \
  -- check --jobs -3
expect 2 "" "leasesim chaos: --jobs: expected an integer from 0 to 1024 (0: one worker per core), got \"1e9\" (leasesim help chaos)" \
  -- chaos c.json -j 1e9
expect 2 "" "leasesim merge: --min-clock-rate-ratio: expected a number >= 0, got \"-1\" (leasesim help merge)" \
  -- merge a --min-clock-rate-ratio -1

# --seed is a seed as files write one: CLI11 alone would wrap -1 and clamp a larger
# number to 2^64-1, and run that seed.
expect 2 "" "leasesim run: --seed: expected an integer from 0 to 18446744073709551615, got \"-1\" (leasesim help run)" \
  -- run "$steady" --seed -1
expect 2 "" "leasesim run: --seed: expected an integer from 0 to 18446744073709551615, got \"18446744073709551616\" (leasesim help run)" \
  -- run "$steady" --seed 18446744073709551616
expect 0 "seed: 18446744073709551615
PASS $steady" "" -- run "$steady" --seed 18446744073709551615 -q
expect 2 "" "leasesim view: --seed: expected an integer from 0 to 18446744073709551615, got \"x\" (leasesim help view)" \
  -- view "$steady" --seed x
# --shard is checked like every other flag, before any file is read.
expect 2 "" "leasesim chaos: --shard: expected \"i/N\" with 0 <= i < N, got \"5/3\" (leasesim help chaos)" \
  -- chaos c.json --shard 5/3
expect 2 "" "leasesim sweep: --shard: expected \"i/N\" with 0 <= i < N, got \"99999999999999999999/1\" (leasesim help sweep)" \
  -- sweep s.json --shard 99999999999999999999/1
# Numbers out of CLI11's conversion say the range, not "Could not convert".
expect 2 "" "leasesim init: --replicas: expected an integer from 1 to 1000, got \"99999999999\" (leasesim help init)" \
  -- init --replicas 99999999999
expect 2 "" "leasesim chaos: --shrink-budget: expected an integer from 0 to 9223372036854775807 (0: no shrinking), got \"-1\" (leasesim help chaos)" \
  -- chaos c.json --shrink-budget -1
expect 2 "" "leasesim view: --width: expected an integer from 320 to 8192, got \"x\" (leasesim help view)" \
  -- view "$steady" --width x
# A trace or report the viewer cannot read is named after the command.
expect 2 "" "leasesim view: $tmp/none.jsonl: cannot open the trace file: No such file or directory" -- view "$tmp/none.jsonl" --screenshot "$tmp/v.png"

# A FIFO is never opened (opening one blocks until a writer comes): every command that
# reads a file says it is not a regular file, at once.
mkfifo "$tmp/fifo" || fail "mkfifo"
expect 2 "" "leasesim: $tmp/fifo: is not a regular file" -- export "$tmp/fifo" --perfetto "$tmp/p.json"
expect 2 "" "leasesim: $tmp/fifo: is not a regular file" -- run "$tmp/fifo"
mkdir -p "$tmp/fifo-shard" && mkfifo "$tmp/fifo-shard/manifest.json" || fail "mkfifo"
expect 2 "" "leasesim: $tmp/fifo-shard/manifest.json: cannot read file (is $tmp/fifo-shard a sweep output directory?)" \
  -- merge "$tmp/fifo-shard" --out "$tmp/merged"
out="$(timeout 20 "$leasesim" check "$tmp/fifo" 2>"$tmp/err")"; rc=$?
[[ $rc == 2 ]] || fail "check FIFO: exit $rc, want 2"
grep -qF "$tmp/fifo: is not a regular file" <<<"$out" || fail "check FIFO: $out"

# check on a path that does not exist: one line naming it.
expect 2 "" "leasesim: $tmp/no-such-dir: no such file or directory" -- check "$tmp/no-such-dir"

# run DIR says it is a directory.
expect 2 "" "leasesim: $src/scenarios/basics: is a directory" -- run "$src/scenarios/basics"

# A bad chaos or sweep file is named like a bad scenario: "leasesim: FILE: PATH: what".
printf '{"kind": "scenario"}\n' > "$tmp/not-chaos.json"
expect 2 "" "leasesim: $tmp/not-chaos.json: \$.kind: expected \"chaos\" (a chaos file starts with \"kind\": \"chaos\")" \
  -- chaos "$tmp/not-chaos.json" --out "$tmp/chaos-out"
printf '{"seeds": 2}\n' > "$tmp/no-base.json"
expect 2 "" "leasesim: $tmp/no-base.json: \$: missing required key \"base\" (a scenario file path or an inline scenario object)" \
  -- sweep "$tmp/no-base.json" --out "$tmp/sweep-out"
[[ ! -e "$tmp/chaos-out" && ! -e "$tmp/sweep-out" ]] || fail "a rejected chaos or sweep file left an output directory"

# view: Go durations like every other flag (the check runs before any window opens).
expect 2 "" "leasesim view: --from: time: missing unit in duration \"109\" (a Go duration such as 90s or 2m) (leasesim help view)" \
  -- view "$steady" --from 109 --to 151s
expect 2 "" "leasesim view: --cursor: time: unknown unit \"x\" in duration \"2x\" (a Go duration such as 90s or 2m) (leasesim help view)" \
  -- view "$steady" --cursor 2x

# check: sweep and chaos files (JSON or YAML) in a directory are skipped with a note.
mkdir -p "$tmp/suite/sweeps" "$tmp/suite/chaos"
cp "$steady" "$tmp/suite/steady.json"
printf '{"base": "../steady.json", "vary": [{"param": "retryPeriod", "values": ["1s", "2s"]}]}\n' > "$tmp/suite/sweeps/rp.json"
printf 'base: ../steady.json\nseeds: 2\n' > "$tmp/suite/sweeps/rp.yaml"
cp "$src/scenarios/chaos/kube-controller-manager.json" "$tmp/suite/chaos/kcm.json"
out="$("$leasesim" check "$tmp/suite" -q 2>"$tmp/err")"; rc=$?
[[ $rc == 0 ]] || fail "check of a directory with sweep and chaos files: exit $rc: $(cat "$tmp/err")"
[[ "$(cat "$tmp/err")" == "leasesim: note: $tmp/suite/chaos/kcm.json: a chaos file (\"kind\": \"chaos\"), not a scenario: skipped (run it with \`leasesim chaos $tmp/suite/chaos/kcm.json\`)
leasesim: note: $tmp/suite/sweeps/rp.json: a sweep file (\"base\"), not a scenario: skipped (run it with \`leasesim sweep $tmp/suite/sweeps/rp.json\`)
leasesim: note: $tmp/suite/sweeps/rp.yaml: a sweep file (\"base\"), not a scenario: skipped (run it with \`leasesim sweep $tmp/suite/sweeps/rp.yaml\`)" ]] \
  || fail "check notes: $(cat "$tmp/err")"
grep -q "^1 scenario: 1 passed, 0 failed$" <<<"$out" || fail "check summary: $out"

# Reproduce lines name leasesim as it was invoked, so that they work as printed.
broken="$src/tests/data/check/suite/crash-failover-broken-expectation.json"
out="$("$leasesim" check "$broken" -q --junit "$tmp/junit.xml" 2>/dev/null)"
grep -qF "  reproduce: $leasesim run $broken --seed " <<<"$out" || fail "check reproduce line: $out"
grep -qF "reproduce: $leasesim run $broken --seed " "$tmp/junit.xml" || fail "JUnit reproduce line: $(cat "$tmp/junit.xml")"
line="$(grep -m1 "  reproduce: " <<<"$out")"
(cd / && eval "${line#  reproduce: } -q" >/dev/null 2>&1); rc=$?
[[ $rc == 1 ]] || fail "the reproduce line as printed exits $rc, want 1 (the expectation fails again)"

# The manual page: generated from the help texts, every command in it, and it renders.
"$leasesim" man > "$tmp/leasesim.1" || fail "leasesim man exited $?"
for c in run check sweep merge chaos export init view completion man help; do
  grep -q "^\.SS \\\\fB$c\\\\fR$" "$tmp/leasesim.1" || fail "the man page has no section for $c"
done
grep -q '^\.TH LEASESIM 1 "" "leasesim 0.1.0" "User Commands"$' "$tmp/leasesim.1" || fail "man page header: $(head -3 "$tmp/leasesim.1")"
grep -qF '\fB\-\-perfetto\fR \fIFILE\fR' "$tmp/leasesim.1" || fail "the man page does not show run --perfetto FILE"
grep -qF '\fB\-\-from\fR \fIDURATION\fR' "$tmp/leasesim.1" || fail "the man page does not show view --from DURATION"
if command -v groff >/dev/null; then
  rendered="$(groff -man -Tutf8 -ww "$tmp/leasesim.1" 2>"$tmp/groff.err")" || fail "groff failed: $(cat "$tmp/groff.err")"
  [[ ! -s "$tmp/groff.err" ]] || fail "groff warnings: $(cat "$tmp/groff.err")"
  rendered="$(sed 's/.\x08//g' <<<"$rendered")"  # drop overstriking (bold/underline)
  grep -qE '^ +leasesim run \[OPTIONS\] scenario$' <<<"$rendered" || fail "rendered page has no run synopsis"
  grep -qE '^ +--seed N$' <<<"$rendered" || fail "rendered page has no --seed N"
  grep -qE '^EXIT STATUS$' <<<"$rendered" || fail "rendered page has no EXIT STATUS"
else
  echo "groff not installed: rendering not checked"
fi
rm -rf "$tmp"
echo ok
