"""Whatever a routine name or a note holds, the CLI shows it as text: nothing reaches the
terminal as a control sequence, and the rest of the text is there as it was written."""

import contextlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facecoach.adherence.session_log import SessionLog
from facecoach.cli.main import main
from facecoach.wording.text import plain

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
