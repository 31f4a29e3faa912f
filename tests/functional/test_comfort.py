"""How a session felt, and the tolerance ramp: recorded after a session (the summary screen,
`log --felt`, the plain coach's question), shown in History, `stats` and exports; repeated
side effects suggest going easier (halve), comfortable sessions step back up, each answer is
recorded; a stop-level side effect says stop and gates the next session start."""

import asyncio
import json
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from facecoach.cli.main import EXIT_ERROR, EXIT_OK, main
from facecoach.cli.time_source import time_from
from facecoach.companion.comfort import advice, record_feeling
from facecoach.config.settings import load_settings
from facecoach.safety.comfort import Comfort, Feeling, SideEffect
from facecoach.safety.comfort_records import ComfortRecords
from facecoach.session.clock import FakeClock
from facecoach.storage.database import Database, statements
from facecoach.storage.schema import APPLICATION_ID, MIGRATIONS
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.dialogs import ConfirmDialog, SafetyOverrideDialog
from facecoach.tui.screens.felt import FeltDialog
from facecoach.tui.screens.history import HistoryScreen
from facecoach.tui.screens.session import SessionScreen
from facecoach.tui.screens.summary import SummaryScreen
from facecoach.tui.widgets.toggles import TickBox
from tests.support.cli import QUICK
from tests.support.tui_support import log_one_session, make_companion, start_session, until
from tests.support.virtual_time import VIRTUAL_TIME


@pytest.fixture
def config_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs


@pytest.fixture
def database() -> Path:
    return Path(os.environ["FACECOACH_DATA_DIR"]) / "facecoach.db"


def log(*words: str) -> int:
    return main(["log", "express", "--force", *words])


# --- the command line ---------------------------------------------------------------------------


def test_repeated_side_effects_suggest_halving_and_comfort_steps_back_up(
    config_dir: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert log("--felt", "mild", "--side-effects", "tingling") == EXIT_OK
    assert "Going easier" not in capsys.readouterr().out  # once is not a pattern
    assert log("--felt", "mild", "--side-effects", "tingling,headache") == EXIT_OK
    out = capsys.readouterr().out
    assert "Going easier for a while may help: tingling in 2 of your last 2 sessions" in out
    assert "1 repeats per zone instead of 3" in out  # express: 3 repeats, halved (down)
    assert "`facecoach comfort accept`" in out

    assert main(["comfort", "accept"]) == EXIT_OK
    assert load_settings(config_dir).repeats == 1
    # Comfortable sessions: a step back up (50% to 75%), then to the user's own again.
    assert log("--felt", "comfortable") == EXIT_OK
    assert log("--felt", "comfortable") == EXIT_OK
    assert "step back up to 75% of your usual" in capsys.readouterr().out
    assert main(["comfort", "accept"]) == EXIT_OK
    assert load_settings(config_dir).repeats == 2
    assert log("--felt", "comfortable") == EXIT_OK
    assert log("--felt", "comfortable") == EXIT_OK
    assert "step back up to 100% of your usual" in capsys.readouterr().out
    assert main(["comfort", "accept"]) == EXIT_OK
    assert load_settings(config_dir).repeats is None  # each routine's own, as before

    with Database.open(database) as db:
        decisions = ComfortRecords(db).decisions()
    assert [(d.change.value, d.level_to, d.accepted) for d in reversed(decisions)] == [
        ("ease", 0.5, True),
        ("step_up", 0.75, True),
        ("step_up", 1.0, True),
    ]


def test_a_declined_suggestion_is_recorded_and_changes_nothing(
    config_dir: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):
        assert log("--felt", "uncomfortable") == EXIT_OK
    assert "uncomfortable sessions in 2 of your last 2" in capsys.readouterr().out
    assert main(["comfort", "decline"]) == EXIT_OK
    assert "declined" in capsys.readouterr().out
    assert load_settings(config_dir).repeats is None
    # Not asked again for the same sessions.
    assert main(["comfort"]) == EXIT_OK
    assert "Going easier for a while" not in capsys.readouterr().out
    assert main(["comfort", "accept"]) == EXIT_ERROR
    assert "nothing is suggested now" in capsys.readouterr().err
    with Database.open(database) as db:
        (decision,) = ComfortRecords(db).decisions()
    assert not decision.accepted


def test_a_stop_level_side_effect_says_stop_and_gates_the_next_start(
    capsys: pytest.CaptureFixture[str], user_routines_dir: Path
) -> None:
    assert main(["safety", "screen", "--none"]) == EXIT_OK
    assert log("--felt", "uncomfortable", "--side-effects", "burning") == EXIT_OK
    out = capsys.readouterr().out
    assert "You noted burning. Stop using the device and ask a doctor" in out
    assert main(["coach", "express", "--confirm-checks"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "Last time you noted a reason to stop" in err
    assert "--accept-risk" in err
    # A later session noted without it lifts the gate.
    assert log("--felt", "comfortable") == EXIT_OK
    (user_routines_dir / "quick.toml").write_text(QUICK)
    with time_from(VIRTUAL_TIME):  # the session's waits take no real time
        assert main(["coach", "quick", "--no-prep", "--confirm-checks", "--no-log"]) == EXIT_OK


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (["--felt", "mild", "--side-effects", "nosebleed"], "'nosebleed' is not a side effect"),
        (["--side-effects", "tingling"], "--side-effects and --felt-note go with --felt"),
        (["--felt", "mild", "--felt-note", "x" * 501], "at most 500 characters"),
    ],
)
def test_bad_felt_words_are_refused_and_log_nothing(
    database: Path, capsys: pytest.CaptureFixture[str], words: list[str], said: str
) -> None:
    assert log(*words) == EXIT_ERROR
    err = capsys.readouterr().err
    assert said in err
    assert "Traceback" not in err
    if said != "at most 500 characters":
        assert main(["history"]) == EXIT_OK
        assert "No sessions" in capsys.readouterr().out or not database.exists()


def test_stats_and_exports_carry_how_sessions_felt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert log("--felt", "mild", "--side-effects", "tingling,metallic_taste") == EXIT_OK
    assert log("--felt", "comfortable", "--felt-note", "fine") == EXIT_OK
    capsys.readouterr()
    assert main(["stats"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "How it felt (last 2 noted): comfortable 1, a little uncomfortable 1" in out
    assert "Side effects: tingling 1, a metallic taste 1" in out
    assert main(["stats", "--json"]) == EXIT_OK
    felt = json.loads(capsys.readouterr().out)["felt"]
    assert felt["side_effects"] == {"tingling": 1, "metallic_taste": 1}
    exported = tmp_path / "log.json"
    assert main(["export", "-o", str(exported)]) == EXIT_OK
    sessions = json.loads(exported.read_text())["sessions"]
    assert [s["felt"] for s in sessions] == [
        {"comfort": "mild", "side_effects": ["tingling", "metallic_taste"], "note": ""},
        {"comfort": "comfortable", "side_effects": [], "note": "fine"},
    ]
    # The export still imports (how it felt is read and left out).
    assert main(["import", str(exported)]) == EXIT_OK


# --- the app -----------------------------------------------------------------------------------


async def finish_a_session(app: FacecoachApp, pilot: Pilot[None], clock: FakeClock) -> None:
    screen = await start_session(app, pilot)
    assert isinstance(screen, SessionScreen)
    clock.advance(120)
    screen.tick()
    await until(pilot, lambda: isinstance(app.screen, SummaryScreen))


async def note_felt(pilot: Pilot[None], comfort: Comfort, *effects: SideEffect) -> None:
    app = pilot.app
    await pilot.press("f")
    await until(pilot, lambda: isinstance(app.screen, FeltDialog))
    await pilot.click(f"#comfort-{comfort.value}")
    for effect in effects:
        box = app.screen.query_one(f"#effect-{effect.value}", TickBox)
        box.scroll_visible(animate=False, immediate=True)
        await pilot.pause()
        box.value = True
    await pilot.click("#save")
    await pilot.pause()


def test_the_summary_notes_how_it_felt_and_offers_to_go_easier(clock: FakeClock) -> None:
    companion = make_companion(clock)
    log_one_session(companion, "quick", "Quick test", days_ago=1)
    (earlier,) = companion.log_service.recent_sessions(1)
    record_feeling(companion, earlier.id, Feeling(Comfort.MILD, (SideEffect.STINGING,)))
    notes: list[str] = []

    async def scenario() -> None:
        app = FacecoachApp(companion)
        app.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        async with app.run_test(size=(80, 24)) as pilot:
            await finish_a_session(app, pilot, clock)
            await note_felt(pilot, Comfort.MILD, SideEffect.STINGING)
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            question = " ".join(str(s.render()) for s in app.screen.query(Static))
            assert "stinging in 2 of your last 2 sessions" in question
            await pilot.click("#yes")
            await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
            await pilot.pause()

    asyncio.run(scenario())
    assert "Noted: a little uncomfortable · stinging." in notes
    assert companion.program_service.settings.repeats == 1  # quick: 2 repeats, halved
    with Database.open(companion.database) as db:
        felt = ComfortRecords(db).felt_sessions()
    assert [f.feeling for f in felt] == [Feeling(Comfort.MILD, (SideEffect.STINGING,))] * 2


def test_a_stop_level_side_effect_in_the_app_gates_the_next_start(clock: FakeClock) -> None:
    companion = make_companion(clock)
    notes: list[str] = []

    async def scenario() -> None:
        app = FacecoachApp(companion)
        app.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        async with app.run_test(size=(80, 24)) as pilot:
            await finish_a_session(app, pilot, clock)
            await note_felt(pilot, Comfort.UNCOMFORTABLE, SideEffect.NEAR_EYES)
            await pilot.press("enter")  # home
            await pilot.pause()
            await pilot.press("s")
            await until(pilot, lambda: isinstance(app.screen, SafetyOverrideDialog))
            text = " ".join(str(s.render()) for s in app.screen.query(Static))
            assert "Stop using the device and ask a doctor" in text

    asyncio.run(scenario())
    assert any("Stop using the device and ask a doctor" in note for note in notes)
    assert advice(make_companion(clock)).stop == (SideEffect.NEAR_EYES,)


def test_history_shows_how_the_selected_session_felt(clock: FakeClock) -> None:
    companion = make_companion(clock)
    log_one_session(companion, "quick", "Quick test")
    (session,) = companion.log_service.recent_sessions(1)
    record_feeling(
        companion, session.id, Feeling(Comfort.MILD, (SideEffect.TWITCHING,), "left cheek")
    )

    async def scenario() -> None:
        app = FacecoachApp(companion)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("h")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            detail = app.screen.query_one("#recent-detail", Static)
            await until(pilot, lambda: "Felt:" in str(detail.render()))
            assert "Felt: a little uncomfortable · twitching (left cheek)" in str(detail.render())

    asyncio.run(scenario())


def test_a_log_of_the_last_schema_gains_the_comfort_tables(tmp_path: Path) -> None:
    """A log written by the facecoach before this one opens, keeps its sessions, and takes
    how a session felt."""
    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("BEGIN")
    for script in MIGRATIONS[:5]:
        for statement in statements(script):
            old.execute(statement)
    old.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    old.execute("PRAGMA user_version = 5")
    old.execute(
        "INSERT INTO sessions (id, uid, routine_id, routine_name, source, started_utc,"
        " utc_offset_minutes, updated_utc, status, planned_seconds, active_seconds)"
        " VALUES (7, 'u7', 'r', 'R', 'tui', '2026-01-05T08:00:00.000+00:00', 0,"
        " '2026-01-05T08:00:00.000+00:00', 'completed', 60, 60)"
    )
    old.execute("COMMIT")
    old.close()
    with Database.open(path) as db:
        records = ComfortRecords(db)
        records.record_feeling(7, Feeling(Comfort.MILD, (SideEffect.TIREDNESS,)), datetime.now(UTC))
        assert records.feelings([7]) == {7: Feeling(Comfort.MILD, (SideEffect.TIREDNESS,))}
        assert db.read("PRAGMA user_version") == [(len(MIGRATIONS),)]
