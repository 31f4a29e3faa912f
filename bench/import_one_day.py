"""Importing many sessions on one day (issue 28, F4): how long the import takes, and the
longest a live session's write waits for the lock meanwhile (a second connection takes the
write lock again and again, as a session writes its glides).

    python bench/import_one_day.py [--sessions 500 1000 2000]
"""

import argparse
import json
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from facecoach.adherence.session_log import SessionLog
from facecoach.adherence.transfer import import_data, read_export
from facecoach.storage.leases import SessionLease


def export_file(folder: Path, sessions: int) -> Path:
    """`sessions` sessions of four zones and 24 glides, all on 1 November 2026."""
    records = []
    for number in range(sessions):
        start = f"2026-11-01T08:{number // 60 % 60:02d}:{number % 60:02d}+00:00"
        records.append(
            {
                "uid": uuid.uuid4().hex,
                "routine_id": "express",
                "routine_name": "Express",
                "source": "tui",
                "started_utc": start,
                "utc_offset_minutes": 0,
                "ended_utc": start,
                "status": "completed",
                "planned_seconds": 120.0,
                "active_seconds": 120.0,
                "zones": [
                    {"zone_index": i, "zone": "forehead", "glides_planned": 6, "glides_done": 6}
                    for i in range(4)
                ],
                "glides": [
                    {
                        "step_index": step,
                        "zone_index": step // 6,
                        "side": "left",
                        "glide": 1,
                        "seconds": 5.0,
                        "completed_offset": 5.0 * step,
                    }
                    for step in range(24)
                ],
            }
        )
    path = folder / f"export-{sessions}.json"
    path.write_text(
        json.dumps({"format": "facecoach-export", "version": 1, "sessions": records}),
        encoding="utf-8",
    )
    return path


def longest_wait_while(database: Path, work: threading.Thread) -> float:
    """Takes and gives back the write lock on `database` until `work` ends, as a live session
    does (holding a session's lease, as it does); the longest wait."""
    lease = SessionLease(database, uuid.uuid4().hex)
    lease.acquire()
    connection = sqlite3.connect(database, timeout=60, isolation_level=None)
    longest = 0.0
    work.start()
    while work.is_alive():
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        longest = max(longest, time.perf_counter() - start)
        connection.execute("ROLLBACK")
        time.sleep(0.002)
    connection.close()
    lease.release()
    return longest


def import_into(database: Path, path: Path, count: int, took: list[float]) -> None:
    export = read_export(path)
    with SessionLog.open(database) as store:
        start = time.perf_counter()
        added, _ = import_data(store, export)
        took.append(time.perf_counter() - start)
        assert added == count


def main(counts: list[int]) -> None:
    print("| sessions on one day | import alone | beside a live session | its longest wait |")
    print("|---|---|---|---|")
    for count in counts:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            path = export_file(folder, count)
            database = folder / "facecoach.db"
            SessionLog.open(database).close()
            took: list[float] = []
            import_into(database, path, count, took)
            database.unlink()
            SessionLog.open(database).close()
            work = threading.Thread(target=import_into, args=(database, path, count, took))
            waited = longest_wait_while(database, work)
            print(f"| {count} | {took[0]:.2f} s | {took[1]:.2f} s | {waited * 1000:.0f} ms |")
            sys.stdout.flush()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[500, 1000, 2000])
    main(parser.parse_args().sessions)
