"""`facecoach profiles learn` on large captures: time and peak memory against capture size.

A real capture (the red-light panel's, from ../shared/captures) is repeated record by record,
its timestamps moved on each time, until the file is N MiB: every copy brings its own
connections, discovery, commands and notifications, as a long session would. Each size is
learned in a fresh process, so the peak resident size is that run's alone.

    python bench/learn.py [--sizes 10 30 60] [--capture FILE]
"""

import argparse
import resource
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CAPTURES = Path(__file__).resolve().parents[2] / "shared" / "captures"
DEFAULT = Path("/work/shared/captures/aitjcize_ha-blockbluelight_btsnoop_hci.log")
_RECORD = struct.Struct(">IIIIq")
_LEARN = (
    "import sys; from pathlib import Path; "
    "from facecoach.devices.learning import learn_profile; "
    "learned = learn_profile(Path(sys.argv[1])); print(learned.vectors)"
)


def grown(source: bytes, size: int) -> bytes:
    """The capture's records repeated until the file is `size` bytes, times moved on."""
    header, body = source[:16], source[16:]
    records: list[tuple[bytes, int, bytes]] = []
    at = 0
    while at + _RECORD.size <= len(body):
        original, included, flags, drops, stamp = _RECORD.unpack_from(body, at)
        data = body[at + _RECORD.size : at + _RECORD.size + included]
        records.append((struct.pack(">IIII", original, included, flags, drops), stamp, data))
        at += _RECORD.size + included
    span = records[-1][1] - records[0][1] + 1_000_000
    out = bytearray(header)
    copy = 0
    while len(out) < size:
        for head, stamp, data in records:
            out += head + struct.pack(">q", stamp + copy * span) + data
            if len(out) >= size:
                break
        copy += 1
    return bytes(out)


def run(path: Path) -> tuple[float, float, float, str]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_maxrss
    cpu_before = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _LEARN, str(path)], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    if done.returncode:
        raise SystemExit(done.stderr)
    # ru_maxrss is the largest child so far (KiB on Linux): sizes run smallest first.
    return seconds, cpu, max(usage.ru_maxrss, before) / 1024, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 30, 60])
    parser.add_argument("--capture", type=Path, default=DEFAULT)
    args = parser.parse_args()
    source = args.capture.read_bytes()
    print(f"capture {args.capture.name}, {len(source)} bytes, grown to each size")
    # CPU seconds as well as wall-clock ones: on a shared machine the wall clock measures the
    # other users too.
    print("| MiB | wall s | CPU s | peak MB | vectors |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for mib in sorted(args.sizes):
            path = Path(folder) / f"grown-{mib}.log"
            path.write_bytes(grown(source, mib * 2**20))
            seconds, cpu, peak, vectors = run(path)
            print(f"| {mib} | {seconds:.1f} | {cpu:.1f} | {peak:.0f} | {vectors} |")
            path.unlink()


if __name__ == "__main__":
    main()
