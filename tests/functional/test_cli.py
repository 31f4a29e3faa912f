"""The command line as a user meets it: output, exit codes, and no tracebacks on bad input."""

import io
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from facecoach.cli.main import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, main
from facecoach.cli.output import print_table
from facecoach.wording.session import NOT_COUNTED
from tests.support.cli import BRIEF, QUICK, facecoach


def test_routines_lists_the_builtins(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routines"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["ID", "NAME", "TIME", "ZONES", "SOURCE"]
    for routine_id in ("lift-5", "full-face-15", "express", "spot-forehead"):
        assert routine_id in out


def test_routines_show_prints_zone_by_zone_with_the_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["routines", "show", "lift-5"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "1. Forehead (from just above the brow up to the hairline)" in out
    assert "left then right: 3 glides of 5 s + 2 s hold per side" in out
    assert out.rstrip().endswith("Total: 5 min 8 s")


def test_a_broken_user_routine_warns_but_the_list_still_works(
    user_routines_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (user_routines_dir / "oops.toml").write_text(
        'id = "oops"\nname = "x"\nzones = [{zone = "nose"}]'
    )
    assert main(["routines", "list"]) == EXIT_OK
    captured = capsys.readouterr()
    assert "lift-5" in captured.out
    assert "oops.toml" in captured.err
    assert "zone 1 (nose), zone: must be one of" in captured.err


def test_validate_reports_ok_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.toml"
    good.write_text(QUICK)
    bad = tmp_path / "bad.toml"
    bad.write_text(QUICK.replace("repeats = 2", "repeats = -1"))
    assert main(["routines", "validate", str(good)]) == EXIT_OK
    assert "good.toml: OK, quick" in capsys.readouterr().out
    assert main(["routines", "validate", str(good), str(bad)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "bad.toml" in err
    assert "repeats: must be at least 1 (got -1)" in err


BAD_INPUTS = {
    "unknown id": (["coach", "no-such-routine"], None, "unknown routine 'no-such-routine'"),
    "malformed toml": (
        ["coach", "{file}"],
        "id = [unclosed",
        "routine.toml, line 1: the value is not one TOML knows",
    ),
    "zero glide": (["coach", "{file}"], QUICK.replace("0.2", "0"), "glide_seconds"),
    "negative glide": (["coach", "{file}"], QUICK.replace("0.2", "-3"), "glide_seconds"),
    "unknown zone": (["coach", "{file}"], QUICK.replace('"cheeks"', '"ears"'), "zone 1 (ears), "),
    "ten hour glide": (
        ["coach", "{file}"],
        QUICK.replace("0.2", "36000"),
        "glide_seconds: must be at most 60 seconds (got 36000)",
    ),
    "absurd override": (
        ["coach", "express", "--glide-seconds", "36000"],
        None,
        "cannot apply --glide-seconds/--repeats: glide length must be at most 60 seconds.",
    ),
    "zero glide override": (
        ["coach", "express", "--glide-seconds", "0"],
        None,
        "cannot apply --glide-seconds/--repeats: glide length must be at least 1 second: "
        "nobody glides a device across the face in 0 s.",
    ),
    "a glide of a millisecond": (
        ["coach", "express", "--glide-seconds", "0.001"],
        None,
        "cannot apply --glide-seconds/--repeats: glide length must be at least 1 second: "
        "nobody glides a device across the face in 0.001 s.",
    ),
    "nan glide override": (
        ["coach", "express", "--glide-seconds", "nan"],
        None,
        "glide length must be a number (not infinity or NaN).",
    ),
    "bad zone alone": (
        ["routines", "validate", "{file}"],
        QUICK.replace('"cheeks"', '"ears"'),
        "zone 1 (ears), zone: must be one of",
    ),
    "missing file": (["routines", "validate", "nope.toml"], None, "file not found"),
    "show unknown": (["routines", "show", "lift"], None, "Did you mean"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_gives_one_clear_message_and_no_traceback(case: str, tmp_path: Path) -> None:
    args, content, expected = BAD_INPUTS[case]
    file = tmp_path / "routine.toml"
    if content is not None:
        file.write_text(content)
    result = facecoach(*(a.replace("{file}", str(file)) for a in args))
    assert result.returncode == EXIT_ERROR
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("facecoach: error: ")
    assert expected in result.stderr
    assert result.stdout == ""


@pytest.mark.usefixtures("screened")
def test_coach_runs_a_session_in_real_time_as_json(tmp_path: Path) -> None:
    file = tmp_path / "quick.toml"
    file.write_text(BRIEF)
    # A real process on the real clock, from start to end. How late each cue comes is measured
    # by bench/cue_lateness.py, not here: a loaded machine would make a bound here flaky.
    result = facecoach("coach", str(file), "--json", "--confirm-checks", real_process=True)
    assert result.returncode == EXIT_OK, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[-1]["event"] == "completed"
    glides = [r for r in records if r["event"] == "step_started" and r["step"]["kind"] == "glide"]
    assert len(glides) == 8
    assert [r["t"] for r in glides] == sorted(r["t"] for r in glides)


@pytest.mark.usefixtures("screened")
def test_ctrl_c_ends_the_session_cleanly_and_says_how_far_it_got(tmp_path: Path) -> None:
    file = tmp_path / "slow.toml"
    file.write_text(QUICK.replace("0.2", "30"))
    process = subprocess.Popen(
        [sys.executable, "-m", "facecoach", "coach", str(file), "--confirm-checks"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line.rstrip("\n"))
        if "glide 1 of 2" in line:
            process.send_signal(signal.SIGINT)
            break
    out, err = process.communicate(timeout=30)
    lines = seen + out.splitlines()
    assert process.returncode == EXIT_INTERRUPTED
    assert err == ""
    assert lines[-2].startswith("Session stopped at Cheeks, left side, glide 1 of 2 after 0 s")
    assert "0 of 2 zones done, 0 of 8 glides done" in lines[-2]
    assert lines[-1] == NOT_COUNTED  # a stop this early does not count toward the goal


def test_no_arguments_opens_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    import facecoach.cli.main
    import facecoach.tui.app

    opened: list[tuple[bool, Path | None]] = []

    def run_tui(*, simulate: bool, replay: Path | None = None, radio: object = None) -> int:
        opened.append((simulate, replay))
        return EXIT_OK

    monkeypatch.setattr(facecoach.tui.app, "run_tui", run_tui)
    monkeypatch.setattr(facecoach.cli.main, "has_terminal", lambda: True)
    assert main([]) == EXIT_OK
    assert main(["--simulate"]) == EXIT_OK
    assert main(["--replay", "bug.trace.jsonl"]) == EXIT_OK
    assert opened == [(False, None), (True, None), (False, Path("bug.trace.jsonl"))]


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "coach" in capsys.readouterr().out


def test_the_app_without_a_terminal_says_what_to_use_instead() -> None:
    result = facecoach()  # no terminal: input and output are not one
    assert result.returncode == EXIT_ERROR
    assert result.stderr.startswith("facecoach: error: the app needs a terminal")
    assert "facecoach coach ROUTINE" in result.stderr
    assert result.stdout == ""


def test_help_lists_no_hidden_command_and_log_actions_show_their_own_words() -> None:
    listing = facecoach("--help")
    assert listing.returncode == 0
    assert "SUPPRESS" not in listing.stdout
    assert "log-edit" not in listing.stdout
    assert facecoach("log", "edit", "--help").stdout.startswith("usage: facecoach log edit ")


USAGE_ERRORS = {
    "bad date": (["log", "express", "--date", "soon"], "facecoach: error: log: argument --date"),
    "unknown command": (["frobnicate"], "facecoach: error: unknown command 'frobnicate'"),
    "unknown action": (["devices", "frob"], "facecoach: error: devices: unknown action 'frob'"),
    "missing argument": (["skip"], "facecoach: error: skip: the following arguments are required"),
}


@pytest.mark.parametrize("case", list(USAGE_ERRORS), ids=list(USAGE_ERRORS))
def test_a_wrong_command_line_gets_the_same_one_line_error(case: str) -> None:
    args, start = USAGE_ERRORS[case]
    result = facecoach(*args)
    assert result.returncode == EXIT_USAGE
    assert result.stderr.startswith(start)
    assert len(result.stderr.splitlines()) == 1  # no usage block before it
    assert "--help` shows how to use it" in result.stderr
    assert "log-edit" not in result.stderr  # hidden commands are not listed


def test_a_wide_table_fits_the_terminal_by_wrapping_its_last_column() -> None:
    out = io.StringIO()
    rows = [
        ("reference-a", "facecoach Reference A", "4", "battery, charging, " * 6 + "stimulation")
    ]
    print_table(("ID", "NAME", "PROGRAMS", "CAPABILITIES", "NOTE"), [(*rows[0], "")], out, width=80)
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "NOTE" not in lines[0]  # empty in every row: left out
    assert lines[1].startswith("reference-a")
    assert lines[2].startswith(" " * 20)  # the wrapped capabilities stay in their column
