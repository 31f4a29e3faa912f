"""Importing a 24-megapixel camera photo (6000x4000 JPEG): time, and the process's peak memory.

The import decodes a JPEG at a fraction of its size (Pillow's draft mode) and keeps at most
2048 pixels a side, so its memory is about that of the kept size, not of the whole photo. Runs
the import in a fresh process (`facecoach photos add`) and prints its wall time and peak RSS
next to a bare Python start's, where the platform reports RSS (not on Windows).

    python bench/photo_import.py [--runs 3]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAKE = (
    "import sys; from PIL import Image;"
    "Image.effect_noise((6000, 4000), 64).convert('RGB').save(sys.argv[1], quality=92)"
)
PEAK = (
    "import resource, runpy, sys; sys.argv = ['facecoach', *sys.argv[1:]];"
    "code = 0\n"
    "try:\n    runpy.run_module('facecoach', run_name='__main__')\n"
    "except SystemExit as exc:\n    code = exc.code or 0\n"
    "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        photo = root / "24mp.jpg"
        # Noise compresses as a real photo does (a flat image would be unrealistically small).
        # Made in a process of its own: Linux counts a child's peak RSS from its parent's at
        # the fork, so this process stays small.
        subprocess.run([sys.executable, "-c", MAKE, str(photo)], check=True)
        print(f"photo: 6000x4000, {photo.stat().st_size / 1e6:.1f} MB")
        for run in range(args.runs):
            env = {**os.environ, "FACECOACH_DATA_DIR": str(root / f"data{run}"),
                   "FACECOACH_CONFIG_DIR": str(root / "config"),
                   "FACECOACH_CACHE_DIR": str(root / "cache")}  # fmt: skip
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", PEAK, "photos", "add", str(photo)],
                capture_output=True, text=True, env=env, check=True,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            peak = next(
                (line.split()[1] for line in done.stderr.splitlines() if line.startswith("PEAK")),
                "?",
            )
            print(f"run {run + 1}: {seconds:.2f} s, peak RSS {int(peak) // 1024} MiB")
        bare = subprocess.run(
            [sys.executable, "-c", "import resource; print(resource.getrusage("
             "resource.RUSAGE_SELF).ru_maxrss)"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        print(f"bare Python: peak RSS {int(bare.stdout) // 1024} MiB")


if __name__ == "__main__":
    main()
