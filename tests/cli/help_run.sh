#!/usr/bin/env bash
# help_run.sh LEASESIM SOURCE_DIR — the helping CLI as typed: `leasesim help [COMMAND]`,
# "did you mean" for a mistyped command, `--version` with the client-go profiles, and
# `run --report -` (the report JSON alone on stdout) and bash completion.
set -uo pipefail
leasesim="$1" src="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect CODE WANT_STDOUT WANT_STDERR -- ARGS...: exact outputs and exit code.
expect() {
  local code="$1" want_out="$2" want_err="$3"; shift 4
  local out err rc
  out="$("$leasesim" "$@" 2>/tmp/leasesim-help-err.$$)"; rc=$?
  err="$(cat /tmp/leasesim-help-err.$$)"; rm -f /tmp/leasesim-help-err.$$
  [[ $rc == "$code" ]] || fail "leasesim $*: exit $rc, want $code"
  [[ "$out" == "$want_out" ]] || fail "leasesim $*: stdout
$out
--- want
$want_out"
  [[ "$err" == "$want_err" ]] || fail "leasesim $*: stderr
$err
--- want
$want_err"
}
cmds="run, check, sweep, merge, chaos, export, init, view, completion, man, help"
expect 2 "" "leasesim: unknown command \"runn\"; did you mean \"run\"? (commands: $cmds; leasesim help COMMAND)" -- runn x.json
expect 2 "" "leasesim: unknown command \"chek\"; did you mean \"check\"? (commands: $cmds; leasesim help COMMAND)" -- chek scenarios
expect 2 "" "leasesim: unknown command \"frobnicate\" (commands: $cmds; leasesim help COMMAND)" -- frobnicate
expect 2 "" "leasesim: a command is required (commands: $cmds; leasesim help COMMAND)" --
expect 2 "" "leasesim: help: unknown command \"swep\"; did you mean \"sweep\"? (commands: $cmds; leasesim help COMMAND)" -- help swep
expect 0 "leasesim 0.1.0
client-go profiles: 1.20 1.21 1.22 1.23 1.24 1.25 1.26 1.27 1.28 1.29 1.30 1.31 1.32 1.33 1.34 1.35 1.36 1.37 (clientGo in scenarios, --client-go in init; default 1.37)
lock kinds: leases, configmaps, endpoints, configmapsleases, endpointsleases" "" -- --version

# help: the overview lists every command; help COMMAND is that command's help.
top="$("$leasesim" help)" || fail "leasesim help exited $?"
grep -q '^Usage: leasesim \[OPTIONS\] SUBCOMMAND$' <<<"$top" || fail "help: no usage line"
for c in run check sweep merge chaos export init view completion man help; do grep -qE "^  $c +" <<<"$top" || fail "help does not list $c"; done
run_help="$("$leasesim" help run)" || fail "leasesim help run exited $?"
grep -q '^Usage: leasesim run \[OPTIONS\] scenario$' <<<"$run_help" || fail "help run: $run_help"
grep -q -- '--perfetto FILE' <<<"$run_help" || fail "help run does not show --perfetto"
# COMMAND --help says "leasesim" too, whatever path the binary was started by.
run_dash_help="$("$leasesim" run --help)" || fail "leasesim run --help exited $?"
grep -q '^Usage: leasesim run \[OPTIONS\] scenario$' <<<"$run_dash_help" || fail "run --help: $run_dash_help"

# --report -: stdout is the report JSON alone; the text goes to stderr.
out="$("$leasesim" run "$src/scenarios/basics/steady.json" -q --report - 2>/tmp/leasesim-help-err.$$)" || fail "run --report - exited $?"
err="$(cat /tmp/leasesim-help-err.$$)"; rm -f /tmp/leasesim-help-err.$$
python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); assert d["verdict"]=="pass", d["verdict"]' <<<"$out" \
  || fail "run --report -: stdout is not the report JSON: $out"
[[ "$err" == "seed: 1
PASS $src/scenarios/basics/steady.json" ]] || fail "run --report -: stderr $err"
# Bash completion from the command's own definition: commands, a command's options, help's topics.
complete_words() {  # complete_words WORD...: what <TAB> offers after `leasesim WORD...`
  bash -c 'source <("$1" completion bash); shift; COMP_WORDS=(leasesim "$@"); COMP_CWORD=$#; _leasesim; echo "${COMPREPLY[*]}"' \
    _ "$leasesim" "$@"
}
[[ "$(complete_words ru)" == "run" ]] || fail "completion of ru: $(complete_words ru)"
[[ "$(complete_words i)" == "init" ]] || fail "completion of i: $(complete_words i)"
[[ "$(complete_words run --pe)" == "--perfetto" ]] || fail "completion of run --pe: $(complete_words run --pe)"
[[ "$(complete_words init --from-)" == "--from-flags --from-lease" ]] || fail "completion of init --from-: $(complete_words init --from-)"
[[ "$(complete_words check --test)" == "" ]] || fail "completion shows a hidden option: $(complete_words check --test)"
[[ "$(complete_words help sw)" == "sweep" ]] || fail "completion of help sw: $(complete_words help sw)"
echo ok
