"""A short, fixed slice of the hostile-input fuzz (bench/fuzz_hostile.py runs thousands): the
CLI with hostile arguments in several time zones, and damaged TOML files. Each input ends in
words and an exit code, never a traceback."""

from pathlib import Path

from tests.support.hostile_fuzz import KNOWN_HOSTILE, fuzz


def test_a_slice_of_the_hostile_input_fuzz_ends_every_input_in_words(tmp_path: Path) -> None:
    """Every input issue 28 found (the "known" area), and as many random ones."""
    count = 3 * len(KNOWN_HOSTILE)
    report = fuzz(count, seed=28, root=tmp_path, areas=["known", "cli", "toml"])
    assert report.inputs == count
    assert report.by_area["known"] == len(KNOWN_HOSTILE)
    assert [(f.kind, f.argv, f.detail) for f in report.findings] == []
