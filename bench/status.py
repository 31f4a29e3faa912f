"""`facecoach status`, as a status bar runs it every few seconds: wall time against
`python -c pass` in the same run, with an empty log and with 10 years of sessions.

Runs are interleaved, round after round. Bytecode caches are kept, as a user's Python keeps
them (this machine sets PYTHONDONTWRITEBYTECODE).

    python bench/status.py [--rounds 15]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from stats import build_history

from facecoach.adherence.session_log import SessionLog


def main(rounds: int) -> None:
    facecoach = shutil.which("facecoach", path=str(Path(sys.executable).parent)) or "facecoach"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        envs = {}
        for state in ("empty log", "10 years"):
            data = root / state.replace(" ", "-")
            envs[state] = dict(
                base,
                FACECOACH_CONFIG_DIR=str(data / "config"),
                FACECOACH_DATA_DIR=str(data / "data"),
                FACECOACH_CACHE_DIR=str(data / "cache"),
            )
            with SessionLog.open(data / "data" / "facecoach.db") as store:
                if state == "10 years":
                    build_history(store, 10)
        cases = {
            "python -c pass": ([sys.executable, "-c", "pass"], base),
            "facecoach status, empty log": ([facecoach, "status"], envs["empty log"]),
            "facecoach status, 10 years": ([facecoach, "status"], envs["10 years"]),
        }
        for command, env in cases.values():  # warm-up: file and bytecode caches
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(rounds):
            for name, (command, env) in cases.items():
                start = time.perf_counter()
                subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
                samples[name].append(time.perf_counter() - start)
    floor = statistics.median(samples["python -c pass"])
    print(f"{rounds} rounds, median wall time")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"  {name:<30} {median * 1000:7.1f} ms  {median / floor:6.1f}x python -c pass")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    main(parser.parse_args().rounds)
