"""Correcting the log (delete, undo, a note) goes through the core: the app and the CLI say
the same sentence, and the time of a correction comes from the core's one clock."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from facecoach.cli.main import main
from facecoach.session.clock import FakeClock
from facecoach.storage.database import utc_text
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.dialogs import ConfirmDialog
from facecoach.tui.screens.history import HistoryScreen
from tests.support.tui_support import log_one_session, make_app, text_of, until


def in_history(app: FacecoachApp, scenario: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("h")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            await until(pilot, lambda: "zones:" in text_of(app, "#recent-detail"))
            await scenario(pilot)

    asyncio.run(run())


def test_the_app_says_a_deletion_and_its_undo_as_the_cli_does(
    clock: FakeClock, isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(clock)
    log_one_session(app.companion, "quick", "Quick test")
    (record,) = app.companion.log_service.recent_sessions(5)
    notices: list[str] = []

    def listen(app: FacecoachApp) -> FacecoachApp:
        app.notify = lambda message, **kw: notices.append(str(message))  # type: ignore[method-assign]
        return app

    async def delete(pilot: Pilot[None]) -> None:
        await pilot.press("x")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog))
        await pilot.click("#yes")
        await until(pilot, lambda: any(n.startswith("Deleted") for n in notices))

    async def delete_and_undo(pilot: Pilot[None]) -> None:
        await delete(pilot)
        await pilot.press("u")
        await until(pilot, lambda: any(n.startswith("Restored") for n in notices))

    # Deleted in the app, brought back by the CLI; then both in the app.
    in_history(listen(app), delete)
    capsys.readouterr()
    assert main(["log", "undo"]) == 0
    said_by_cli = capsys.readouterr().out.strip()
    in_history(listen(make_app(clock)), delete_and_undo)

    (said_by_app,) = [n for n in notices if n.startswith("Restored")]
    assert said_by_app == said_by_cli
    assert said_by_app.startswith(f"Restored {record.short_id}: Quick test on ")
    deleted = [n for n in notices if n.startswith("Deleted")]
    assert len(deleted) == 2
    assert deleted[0].startswith(f"Deleted {record.short_id}: Quick test on ")
    assert deleted[0].endswith("Press u to bring it back.")


def test_a_deletion_is_timed_by_the_cores_clock(clock: FakeClock, isolated_dirs: Path) -> None:
    app = make_app(clock)
    companion = app.companion
    log_one_session(companion, "quick", "Quick test")
    (record,) = companion.log_service.recent_sessions(5)
    clock.advance(90)
    companion.log_service.delete(record.id)
    store = companion.log_service.require_store()
    ((deleted_utc,),) = store.database.read("SELECT deleted_utc FROM sessions", ())
    assert deleted_utc == utc_text(clock.now())
    edited = companion.log_service.undo_delete()
    assert edited is not None
    clock.advance(30)
    changed = companion.log_service.edit(record.id, note="tingled")
    assert changed.note == "tingled"
