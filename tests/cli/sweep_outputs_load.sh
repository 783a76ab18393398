#!/usr/bin/env bash
# sweep_outputs_load.sh LEASESIM SOURCE_DIR SCRATCH [pandas] — issue 14 item 6: the sweep's
# files load as they are. Without "pandas": the shape, checked with the standard library
# only (always runs): points.json is a list of flat records with the same keys, counts
# are integers, durations exact to the nanosecond, no ';'-packed column in any CSV, no
# "//" anywhere. With "pandas": pandas.read_json / read_csv read every file directly;
# exits 77 (ctest: skipped) when no python3 has pandas.
set -uo pipefail
leasesim="$1" src="$2" tmp="$3" mode="${4:-shape}"
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$tmp" && mkdir -p "$tmp" || fail "cannot create $tmp"
cat > "$tmp/sweep.json" <<EOF
{
  "base": "$src/scenarios/basics/crash-failover.json",
  "set": {"duration": "7m"},
  "vary": [{"param": "retryPeriod", "values": ["1s", "2s"]},
           {"param": "leaseDuration", "values": ["15s", "20s"]}],
  "seeds": 3
}
EOF
"$leasesim" sweep "$tmp/sweep.json" --out "$tmp/out" --jobs 2 --no-progress >"$tmp/stdout" 2>"$tmp/stderr" \
  || fail "sweep exited $?: $(cat "$tmp/stderr")"
! grep -q '//' "$tmp/stdout" || fail "the summary shows '//': $(cat "$tmp/stdout")"

if [[ "$mode" == pandas ]]; then
  py=""
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import pandas' 2>/dev/null; then py="$p"; break; fi
  done
  [[ -n "$py" ]] || { echo "pandas is not installed (python3-pandas): skipped"; exit 77; }
  "$py" - "$tmp/out" <<'EOF' || fail "pandas could not load the sweep's files"
import sys, pandas as pd
d = sys.argv[1]
points = pd.read_json(f"{d}/points.json")            # records orientation, directly
assert list(points["point"]) == [0, 1, 2, 3], points["point"]
assert points["runs"].dtype.kind == "i", points["runs"].dtype
assert points["failoverP99Seconds"].dtype.kind == "f", points["failoverP99Seconds"].dtype
assert list(points["retryPeriod"]) == ["1s", "1s", "2s", "2s"], points["retryPeriod"]
csv = pd.read_csv(f"{d}/points.csv")
assert csv["runs"].dtype.kind == "i" and csv["failover_p99_s"].dtype.kind == "f", csv.dtypes
assert (csv["failover_p99_s"].round(9) == points["failoverP99Seconds"].round(9)).all()
runs = pd.read_csv(f"{d}/runs.csv", dtype={"trace_hash": str})
assert all(runs[c].dtype.kind in "iu" for c in runs.columns if c != "trace_hash"), runs.dtypes
fo = pd.read_csv(f"{d}/failovers.csv")
assert fo["failover_ns"].dtype.kind in "if" and fo["recovered"].dtype == bool, fo.dtypes
# The long format joins back to the runs: as many failovers per run as runs.csv counts.
per_run = fo.groupby("run").size()
for _, r in runs.iterrows():
    assert per_run.get(r["run"], 0) == r["failovers"] + r["failovers_unrecovered"], r
# Percentiles from the long file agree with points.csv (nearest rank, in seconds).
for p, g in fo[fo["recovered"]].groupby("point"):
    assert abs(g["failover_ns"].max() / 1e9 - csv.loc[csv["point"] == p, "failover_max_s"].iloc[0]) < 1e-12
EOF
  rm -rf "$tmp"
  echo ok
  exit 0
fi

python3 - "$tmp/out" <<'EOF' || fail "the sweep's files do not have the documented shape"
import json, sys, csv, re
d = sys.argv[1]
points = json.load(open(f"{d}/points.json"))
assert isinstance(points, list) and len(points) == 4, type(points)
keys = list(points[0].keys())
for p in points:
    assert list(p.keys()) == keys, (list(p.keys()), keys)
    for k, v in p.items():
        assert not isinstance(v, (dict, list)), (k, v)   # flat records
    assert isinstance(p["runs"], int) and p["runs"] == 3, p["runs"]
    assert isinstance(p["failovers"], int), p["failovers"]
    assert isinstance(p["candidates"], int), p["candidates"]
for k in ("point", "retryPeriod", "leaseDuration", "valid", "runs", "failoverP99Seconds",
          "invariantBreaches", "expectedFailoverBestSeconds", "pareto", "recommended", "error"):
    assert k in keys, k
meta = json.load(open(f"{d}/sweep.json"))
assert meta["format"] == "leasesim-sweep/1" and "paretoFront" in meta and "recommended" in meta, meta.keys()
text = open(f"{d}/points.json").read()
assert '"runs": 3,' in text and '"runs": 3.0' not in text
# Durations: seconds with 9 decimals in CSVs (exact nanoseconds), integers for counts.
rows = list(csv.DictReader(open(f"{d}/points.csv")))
for r in rows:
    assert re.fullmatch(r"\d+", r["runs"]), r["runs"]
    for c in ("failover_p50_s", "failover_p99_s", "failover_max_s", "lease_duration_s", "expected_failover_worst_s"):
        assert r[c] == "" or re.fullmatch(r"-?\d+\.\d{9}", r[c]), (c, r[c])
# No ';'-packed column; failovers in their own long-format file.
for name in ("runs.csv", "points.csv", "pareto.csv", "failovers.csv"):
    assert ";" not in open(f"{d}/{name}").read(), name
    assert "//" not in open(f"{d}/{name}").read(), name
runs = list(csv.DictReader(open(f"{d}/runs.csv")))
fo = list(csv.DictReader(open(f"{d}/failovers.csv")))
assert list(fo[0].keys()) == ["run", "point", "seed_index", "seed", "failover", "recovered", "failover_ns"], fo[0].keys()
assert len(fo) == sum(int(r["failovers"]) + int(r["failovers_unrecovered"]) for r in runs)
for f in fo:
    assert (f["recovered"] == "true") == (f["failover_ns"] != ""), f
EOF
rm -rf "$tmp"
echo ok
