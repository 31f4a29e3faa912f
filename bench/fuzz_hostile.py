"""A fuzz of facecoach's outside surface (issue 28): the CLI with hostile arguments in several
time zones, hostile imports, damaged session logs and damaged TOML files (settings, paired
devices, routines, profiles). Every input must end in words and an exit code of
cli/output.py, never a traceback or a hang. Prints how many inputs it tried, per area, and
each finding with the command line and the world that gave it.

    python bench/fuzz_hostile.py [--inputs 2000] [--seed 0] [--areas cli imports ...]

The engine is tests/support/hostile_fuzz.py; the suite runs a short slice of it
(tests/functional/test_hostile_fuzz.py).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from tests.support.hostile_fuzz import AREAS, fuzz


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--areas", nargs="+", choices=AREAS, default=AREAS)
    args = parser.parse_args()
    began = time.monotonic()

    def progress(index: int) -> None:
        if (index + 1) % 250 == 0:
            print(f"  {index + 1} inputs, {time.monotonic() - began:.0f} s", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="facecoach-fuzz-") as folder:
        report = fuzz(
            args.inputs, args.seed, root=Path(folder), areas=args.areas, on_input=progress
        )
    areas = ", ".join(f"{area} {count}" for area, count in report.by_area.items())
    print(f"{report.inputs} inputs (seed {args.seed}: {areas}) in {time.monotonic() - began:.0f} s")
    took, argv = report.slowest
    print(f"slowest: {took:.2f} s for {argv!r}")
    for finding in report.findings:
        print(f"FINDING {finding.kind}: {finding.argv!r} [{finding.world}]\n    {finding.detail}")
    print(f"{len(report.findings)} findings")
    return 1 if report.findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
