"""The test suite's wall time and CPU, paired against another tree in the same minutes.

Each round runs the suite of this checkout and of a baseline tree (`git archive REV src tests
device_profiles pyproject.toml | tar -x -C DIR`), one after the other, in alternating order
(ABBA...), each with its own `src` first on PYTHONPATH. Per run: pytest's wall time, the CPU of
pytest and every process it started (user + system, from the children's rusage), the load
before, pytest's last line, and its exit status (a run with a failing test is marked FAILED: its
time is not the suite's). On a shared machine the load drifts from minute to minute: read the
pairs, not one run. Linux and macOS (it reads the load and the children's rusage).

    python bench/suite.py --before DIR [--rounds 2] [--args "-n auto"] [--before-args "-n auto"]
"""

import argparse
import os
import resource
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    tree: str
    wall: float
    cpu: float
    load: float
    summary: str
    passed: bool


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_suite(name: str, tree: Path, args: list[str]) -> Run:
    env = dict(os.environ)
    env["PYTHONPATH"] = f"{tree / 'src'}{os.pathsep}{tree}"
    load = os.getloadavg()[0]
    cpu0 = children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    summary = lines[-1] if lines else "(no output)"
    return Run(name, wall, children_cpu() - cpu0, load, summary, done.returncode == 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the baseline tree")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--args", default="-n auto", help="pytest's options for this checkout")
    parser.add_argument("--before-args", default="-n auto", help="pytest's options, baseline")
    options = parser.parse_args()
    trees = {
        "now": (HERE, shlex.split(options.args)),
        "before": (options.before.resolve(), shlex.split(options.before_args)),
    }
    runs: list[Run] = []
    for round_ in range(options.rounds):
        order = ["now", "before"] if round_ % 2 == 0 else ["before", "now"]
        for name in order:
            tree, args = trees[name]
            run = run_suite(name, tree, args)
            runs.append(run)
            print(
                f"{run.tree:6} {run.wall:7.1f} s wall {run.cpu:7.1f} s CPU "
                f"load {run.load:4.1f}  {'' if run.passed else 'FAILED '}{run.summary}",
                flush=True,
            )
    for name in trees:
        kept = [run for run in runs if run.tree == name and run.passed]
        if not kept:
            print(f"{name:6} no run passed")
            continue
        walls = [run.wall for run in kept]
        cpus = [run.cpu for run in kept]
        print(
            f"{name:6} median {statistics.median(walls):7.1f} s wall "
            f"{statistics.median(cpus):7.1f} s CPU over {len(walls)} passing runs"
        )


if __name__ == "__main__":
    main()
