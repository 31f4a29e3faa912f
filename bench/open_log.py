"""Opening the session log: with the quick check (a file facecoach did not leave, or changed
since) and without it (unchanged since facecoach checked and closed it), on 10 years of
sessions with their glides. Interleaved, medians.

    python bench/open_log.py [--years 10] [--rounds 15]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from adherence import synthetic_history

from facecoach.adherence.session_log import SessionLog
from facecoach.storage.database import checked_stamp_path


def main(years: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facecoach.db"
        with SessionLog.open(path) as store:
            synthetic_history(store, years)
        size = path.stat().st_size / 1e6
        checked, unchanged = [], []
        for _ in range(rounds):
            checked_stamp_path(path).unlink()  # as if another tool had changed it
            start = time.perf_counter()
            SessionLog.open(path).close()
            checked.append(time.perf_counter() - start)
            start = time.perf_counter()
            SessionLog.open(path).close()
            unchanged.append(time.perf_counter() - start)
        print(f"open and close a {size:.1f} MB log ({years} years), median of {rounds}:")
        print(f"  changed since checked (quick check): {statistics.median(checked) * 1000:6.1f} ms")
        print(
            f"  unchanged since checked:             {statistics.median(unchanged) * 1000:6.1f} ms"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=15)
    arguments = parser.parse_args()
    main(arguments.years, arguments.rounds)
