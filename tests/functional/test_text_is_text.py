"""Whatever a routine name or a note holds, the CLI shows it as text: nothing reaches the
terminal as a control sequence, and the rest of the text is there as it was written."""

import asyncio
import contextlib
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facecoach.adherence.session_log import SessionLog
from facecoach.cli.main import main
from facecoach.routines.loader import LoadedRoutine, RoutineLibrary
from facecoach.session.clock import FakeClock
from facecoach.tui.widgets.title_bar import TitleBar
from facecoach.wording.text import plain
from tests.support.cli import QUICK as QUICK_TOML
from tests.support.cli import facecoach
from tests.support.tui_support import QUICK, make_app, start_session, until

names = st.one_of(
    st.text(min_size=1, max_size=40),
    st.sampled_from(["\x1b[2J", "\x1b]0;title\x07", "[@click=app.quit]x[/]", "\x9b31m", "\r\x08"]),
)


def run(data_dir: Path, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["--data-dir", str(data_dir), *args]) == 0
    return out.getvalue()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=names, note=names)
def test_history_shows_names_and_notes_as_text(
    tmp_path_factory: pytest.TempPathFactory, name: str, note: str
) -> None:
    data_dir = tmp_path_factory.mktemp("data")
    with SessionLog.open(data_dir / "facecoach.db") as log:
        log.log_manual_session(
            routine_id="r",
            routine_name=name,
            started=datetime.now(UTC) - timedelta(hours=1),
            utc_offset_minutes=0,
            seconds=60,
            zones=[],
            note=note,
        )
    shown = run(data_dir, "history")
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in shown)
    # Shown on one line: the name's own line breaks and tabs become spaces.
    assert " ".join(plain(name).split()) in " ".join(shown.split())


HOSTILE_NAME = "Lift\x1b]2;pwned\x07 \u202eevil\x9b2J"


def test_a_routine_name_reaches_the_title_and_notifications_without_control_codes(
    clock: FakeClock,
) -> None:
    """Issue 28 F8: an OSC in a routine's name set the terminal's title from the session
    screen. What the title bar and a notification draw holds no control character."""
    routine = QUICK.model_copy(update={"name": HOSTILE_NAME})
    library = RoutineLibrary(routines={"quick": LoadedRoutine(routine, "test")})
    drawn: list[str] = []

    async def scenario() -> None:
        app = make_app(clock, library=library)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await pilot.pause()
            screen = await start_session(app, pilot)
            bar = screen.query_one(TitleBar)
            drawn.append("".join(segment.text for segment in bar.render_line(0)))
            app.notify(HOSTILE_NAME, title=HOSTILE_NAME, markup=False)
            await until(pilot, lambda: bool(app.screen.query("Toast")))
            for toast in app.screen.query("Toast"):
                drawn.append(str(toast.render()))

    asyncio.run(scenario())
    assert "Lift" in drawn[0]
    assert "evil" in drawn[0]
    assert len(drawn) == 2
    for text in drawn:  # a toast's title and message are two lines
        assert not any(
            (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in text
        ), repr(text)


CSI_C1 = "\x9b"
OUTSIDE = f"Quick{CSI_C1}2J\u202eevil\x1b]0;t\x07\x08"


@pytest.mark.usefixtures("screened")
def test_coach_json_writes_no_control_character_and_keeps_the_text(tmp_path: Path) -> None:
    """Issue 28 F17: `coach --json` passed the 8-bit CSI (U+009B) raw. Escaped, the line is
    still JSON, and a program reading it gets the name as it was written."""
    file = tmp_path / "quick.toml"
    name = OUTSIDE.encode("unicode_escape").decode().replace("\\x", "\\u00")
    file.write_text(QUICK_TOML.replace('name = "Quick"', f'name = "{name}"'))
    result = facecoach("coach", str(file), "--json", "--confirm-checks", "--no-log")
    assert result.returncode == 0, result.stderr
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in result.stdout)
    assert "\u202e" not in result.stdout
    first = json.loads(result.stdout.splitlines()[0])
    assert OUTSIDE in first["text"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def exported(data_dir: Path, out: io.StringIO) -> str:
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["--data-dir", str(data_dir), "export", "--format", "csv"]) == 0
    return out.getvalue()


def test_export_csv_runs_nothing_on_a_terminal_and_keeps_every_byte_in_a_pipe(
    tmp_path: Path,
) -> None:
    with SessionLog.open(tmp_path / "facecoach.db") as log:
        log.log_manual_session(
            routine_id="r",
            routine_name=OUTSIDE,
            started=datetime.now(UTC) - timedelta(hours=1),
            utc_offset_minutes=0,
            seconds=60,
            zones=[],
            note=OUTSIDE,
        )
    shown = exported(tmp_path, Terminal())
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert "\u202e" not in shown
    header, _row = shown.splitlines()  # one line a row, its CRLF shown as a line break
    assert header.startswith("kind,")
    assert header.endswith(",reason")
    piped = exported(tmp_path, io.StringIO())
    assert piped.count(OUTSIDE) == 2
    assert piped.endswith("\r\n")


@pytest.mark.parametrize("command", [["history"], ["routines", "list"]])
def test_bidi_controls_are_not_shown(
    user_routines_dir: Path, tmp_path: Path, command: list[str]
) -> None:
    """U+202E (right-to-left override) shows text in another order than it is read."""
    (user_routines_dir / "mine.toml").write_text(
        QUICK_TOML.replace('id = "quick"', 'id = "mine"').replace(
            'name = "Quick"', 'name = "Mine \\u202Etxt.exe \\u2066x\\u2069"'
        )
    )
    with SessionLog.open(tmp_path / "facecoach.db") as log:
        log.log_manual_session(
            routine_id="mine",
            routine_name="Mine \u202etxt.exe",
            started=datetime.now(UTC) - timedelta(hours=1),
            utc_offset_minutes=0,
            seconds=60,
            zones=[],
            note="\u200fnote\u061c",
        )
    shown = run(tmp_path, *command)
    assert "Mine" in shown
    assert not any(c in shown for c in "\u202e\u2066\u2069\u200f\u061c")
