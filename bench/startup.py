"""Start-up cost of `facecoach coach --help` against importing Textual, in the same run.

Commands are run interleaved, round after round, so machine noise hits all of them alike.

    python bench/startup.py [--rounds 20]
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    'python -c "import textual"': [sys.executable, "-c", "import textual"],
    "facecoach coach --help": [shutil.which("facecoach") or "facecoach", "coach", "--help"],
    "facecoach routines": [shutil.which("facecoach") or "facecoach", "routines"],
}


def main(rounds: int) -> None:
    samples: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(rounds):
        for name, command in CASES.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            samples[name].append(time.perf_counter() - start)
    floor = statistics.median(samples['python -c "import textual"'])
    print(f"{rounds} rounds, python {sys.version.split()[0]}")
    print(f"{'command':<30} {'median ms':>10} {'min ms':>8} {'vs import textual':>18}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(
            f"{name:<30} {median * 1000:>10.1f} {min(values) * 1000:>8.1f} {median / floor:>17.2f}x"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    main(parser.parse_args().rounds)
