"""`--data-dir` where a user types it: after the command as well as before it
(`facecoach coach express --data-dir D`), in commands and in their actions (`safety screen`)."""

from pathlib import Path

from facecoach.cli.main import EXIT_OK, EXIT_USAGE
from tests.support.cli import QUICK, facecoach


def test_data_dir_after_the_command_is_the_log_every_command_uses(
    tmp_path: Path, isolated_dirs: Path
) -> None:
    elsewhere = ["--data-dir", str(tmp_path / "elsewhere")]
    routine = tmp_path / "quick.toml"
    routine.write_text(QUICK)
    screened = facecoach("safety", "screen", "--none", *elsewhere)  # an action of a command
    assert screened.returncode == EXIT_OK, screened.stderr
    # The screening is found there: no --accept-risk is needed for the session.
    session = facecoach("coach", str(routine), "--confirm-checks", *elsewhere)
    assert session.returncode == EXIT_OK, session.stderr
    logged = facecoach("log", "express", *elsewhere)
    assert logged.returncode == EXIT_OK, logged.stderr
    history = facecoach("history", *elsewhere)
    assert history.returncode == EXIT_OK, history.stderr
    assert [line.split()[3] for line in history.stdout.splitlines()[1:]] == ["Express,", "Quick"]
    # Nothing went to the usual data folder.
    assert not (isolated_dirs.parent / "data" / "facecoach.db").exists()


def test_data_dir_after_the_command_wins_over_the_one_before(tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    logged = facecoach("--data-dir", str(before), "log", "express", "--data-dir", str(after))
    assert logged.returncode == EXIT_OK, logged.stderr
    assert (after / "facecoach.db").exists()
    assert not (before / "facecoach.db").exists()


def test_data_dir_without_a_folder_after_the_command_says_so() -> None:
    result = facecoach("stats", "--data-dir")
    assert result.returncode == EXIT_USAGE
    assert result.stderr.startswith("facecoach: error: stats: argument --data-dir: expected one")


def test_a_commands_options_are_found_by_their_whole_name(tmp_path: Path) -> None:
    """`--dat` is neither `--date` nor `--data-dir`: said, and nothing logged (with `--data-dir`
    on every command it was ambiguous; argparse's guess would break when an option is added)."""
    elsewhere = ["--data-dir", str(tmp_path)]
    guessed = facecoach("log", "express", "--dat", "2026-12-01", *elsewhere)
    assert guessed.returncode == EXIT_USAGE
    assert "unrecognized arguments: --dat 2026-12-01" in guessed.stderr
    assert not (tmp_path / "facecoach.db").exists()
    whole = facecoach("log", "express", "--date", "2026-12-01", *elsewhere)
    assert whole.returncode == EXIT_OK, whole.stderr
    assert "Tue 01 Dec 2026" in whole.stdout
