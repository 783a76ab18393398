#!/usr/bin/env bash
# init_run.sh LEASESIM SOURCE_DIR — the binary as a user types it: `leasesim init` from the
# issue's flags and from a kubectl Lease dump, then `leasesim run` on the result passes.
set -euo pipefail
leasesim="$1" src="$2"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/leasesim-init.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$leasesim" init "$tmp/kcm.yaml" --from-flags "--leader-elect-lease-duration=30s --leader-elect-renew-deadline=20s --leader-elect-retry-period=5s --leader-elect-resource-lock=leases" --client-go 1.31
"$leasesim" run "$tmp/kcm.yaml" -q
"$leasesim" init --from-lease "$src/tests/data/init/lease.yaml" --replicas 3 > "$tmp/scheduler.json"
"$leasesim" run "$tmp/scheduler.json" -q
# An existing file is kept: exit 2.
if "$leasesim" init "$tmp/kcm.yaml" 2>"$tmp/err"; then echo "FAIL: overwrote kcm.yaml" >&2; exit 1; fi
grep -q "file exists (use --force to overwrite)" "$tmp/err"
