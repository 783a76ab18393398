#!/usr/bin/env python3
"""peer-ratio.py — CPU time of leasesim against the SimPy peer, side by side.

Runs the peer model (`lease_sim.py`) and `leasesim run` on the same two workloads
(3 candidates x 24 h with a crash every 10 minutes; 100 candidates x 1 h), alternating
the programs, and reads each whole process's CPU time (user + sys) from the kernel with
wait4(2)'s rusage, to the microsecond. Prints every run, then a table of the best and the
median CPU time per program and the ratio of the bests.

  scripts/peer-ratio.py --peer-dir ../shared/peers/simpy --leasesim build/release/leasesim
  scripts/peer-ratio.py --peer-dir DIR --runs 7 --workload crash-day

The peer directory holds lease_sim.py, peer-crash-day.json and peer-n100-hour.json.
Exit status: 0 when every run exited 0, else 1 (the failing command is printed).
"""
import argparse
import os
import statistics
import subprocess
import sys

WORKLOADS = {
    "crash-day": (["--nodes", "3", "--hours", "24", "--seed", "1"], "peer-crash-day.json", "3 x 24 h"),
    "n100-hour": (["--nodes", "100", "--hours", "1", "--seed", "1"], "peer-n100-hour.json", "100 x 1 h"),
}


def cpu_seconds(cmd):
    """Runs cmd with output discarded; returns (exit status, user + sys CPU seconds)."""
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(cmd, stdout=null, stderr=null)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peer-dir", required=True, help="directory of lease_sim.py and its two workload scenarios")
    ap.add_argument("--leasesim", default="build/release/leasesim", help="the leasesim binary (default: %(default)s)")
    ap.add_argument("--python", default="/usr/bin/python3", help="the Python that has SimPy (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=5, help="runs per program and workload, at least 3 (default: %(default)s)")
    ap.add_argument("--workload", choices=sorted(WORKLOADS) + ["all"], default="all")
    args = ap.parse_args()
    if args.runs < 3:
        ap.error("--runs must be at least 3")
    peer = os.path.join(args.peer_dir, "lease_sim.py")
    for path in (peer, args.leasesim):
        if not os.path.isfile(path):
            ap.error(f"{path}: no such file")

    names = sorted(WORKLOADS) if args.workload == "all" else [args.workload]
    rows = []
    failed = False
    for name in names:
        peer_args, scenario, label = WORKLOADS[name]
        programs = {
            "peer": [args.python, peer] + peer_args,
            "leasesim": [args.leasesim, "run", os.path.join(args.peer_dir, scenario), "-q"],
        }
        times = {k: [] for k in programs}
        for i in range(args.runs):
            for prog, cmd in programs.items():  # alternating: peer, leasesim, peer, ...
                rc, cpu = cpu_seconds(cmd)
                if rc != 0:
                    print(f"exit {rc}: {' '.join(cmd)}", file=sys.stderr)
                    failed = True
                times[prog].append(cpu)
                print(f"{label:10} run {i + 1}  {prog:8} {cpu * 1000:8.1f} ms CPU")
        best = {k: min(v) for k, v in times.items()}
        med = {k: statistics.median(v) for k, v in times.items()}
        rows.append((label, best, med))

    print()
    print("| workload | SimPy peer best (median) | leasesim best (median) | ratio of bests |")
    print("|---|---|---|---|")
    for label, best, med in rows:
        ratio = best["peer"] / best["leasesim"] if best["leasesim"] > 0 else float("inf")
        print(f"| {label} | {best['peer'] * 1000:.1f} ms ({med['peer'] * 1000:.1f}) | "
              f"{best['leasesim'] * 1000:.1f} ms ({med['leasesim'] * 1000:.1f}) | {ratio:.1f}x |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
