"""Benchmark: `icpflow check --jobs 1` against `--jobs 2` on the same JSONL batch, in one run.

    .venv/bin/python bench/cli_jobs.py [--filings 10000] [--rounds 3]

Runs the real command (a subprocess each time, JSON output to /dev/null) alternately with one and two
worker processes and prints filings/s of both and the speed-up. The machine has two cores.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from precheck import generate


def run(path: Path, jobs: int) -> float:
    icpflow = Path(sys.executable).with_name("icpflow")
    start = time.perf_counter()
    result = subprocess.run(
        [str(icpflow), "check", str(path), "--format", "json", "--no-images", "--jobs", str(jobs)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"icpflow check failed ({result.returncode}): {result.stderr.decode()[:500]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filings", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.jsonl"
        path.write_bytes(b"\n".join(generate(args.filings)) + b"\n")
        one, two = [], []
        for _ in range(args.rounds):
            one.append(run(path, 1))
            two.append(run(path, 2))
    t1, t2 = statistics.median(one), statistics.median(two)
    n = args.filings
    print(f"filings: {n}; rounds: {args.rounds} (median), whole command incl. start-up and JSON output")
    print(f"  --jobs 1 : {n / t1:8,.0f} filings/s  ({t1:.2f} s)")
    print(f"  --jobs 2 : {n / t2:8,.0f} filings/s  ({t2:.2f} s)")
    print(f"  speed-up : {t1 / t2:.2f}x on {len(__import__('os').sched_getaffinity(0))} cores")
    print("command: .venv/bin/python bench/cli_jobs.py " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
