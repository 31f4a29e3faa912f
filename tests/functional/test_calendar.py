"""The program as a calendar file: `facecoach calendar export` and the Settings button write
planned sessions (goals and phases, picked weekdays, the day-start hour, reminders) and the
waiting period after an injection as a busy block; the file is parsed back with icalendar."""

import asyncio
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar, Event

from facecoach.cli.main import EXIT_ERROR, EXIT_OK, EXIT_USAGE, main
from facecoach.companion.calendar_export import CalendarError, export_calendar
from facecoach.companion.core import Companion
from facecoach.safety.waiting import InjectionKind
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.settings import SettingsScreen
from tests.support.tui_support import make_companion, until


def events(path: Path) -> list[Event]:
    calendar = Calendar.from_ical(path.read_bytes())
    assert isinstance(calendar, Calendar)
    return list(calendar.events)


def sessions(path: Path) -> list[Event]:
    return [e for e in events(path) if str(e["UID"]).startswith("session-")]


def waits(path: Path) -> list[Event]:
    return [e for e in events(path) if str(e["UID"]).startswith("wait-")]


def local_start(event: Event) -> datetime:
    start = event.decoded("DTSTART")
    assert isinstance(start, datetime)
    return start.astimezone()


def test_export_plans_the_picked_weekdays_with_a_reminder_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.ics"
    args = ["calendar", "export", str(plan), "--days", "mon,wed,fri", "--weeks", "3"]
    assert main([*args, "--alarm", "20", "--at", "07:15"]) == EXIT_OK
    assert "planned sessions" in capsys.readouterr().out
    planned = sessions(plan)
    # Three whole weeks from the first day hold nine Mondays, Wednesdays and Fridays.
    assert 9 <= len(planned) <= 12
    for event in planned:
        start = local_start(event)
        assert start.weekday() in (0, 2, 4)
        assert (start.hour, start.minute) == (7, 15)
        assert str(event["SUMMARY"]).startswith("Microcurrent: ")
        assert "facecoach coach " in str(event["DESCRIPTION"])
        assert event.decoded("DTEND") > event.decoded("DTSTART")
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm.decoded("TRIGGER") == timedelta(minutes=-20)
    assert len({str(e["UID"]) for e in planned}) == len(planned)


def test_an_existing_file_is_kept_without_force_and_a_new_export_updates_the_same_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.ics"
    assert main(["calendar", "export", str(plan), "--days", "mon,wed,fri"]) == EXIT_OK
    first = {str(e["UID"]): e for e in sessions(plan)}
    written = plan.read_bytes()

    assert main(["calendar", "export", str(plan), "--days", "tue,thu,sat"]) == EXIT_ERROR
    assert "exists already: add --force" in capsys.readouterr().err
    assert plan.read_bytes() == written  # untouched

    assert main(["calendar", "export", str(plan), "--days", "tue,thu,sat", "--force"]) == EXIT_OK
    second = {str(e["UID"]): e for e in sessions(plan)}
    # The sessions of the same weeks are the same events, moved to the new days, and newer.
    shared = first.keys() & second.keys()
    assert len(shared) >= len(first) - 3
    for uid in shared:
        assert local_start(second[uid]).weekday() in (1, 3, 5)
        assert second[uid].decoded("SEQUENCE") > first[uid].decoded("SEQUENCE")


def test_export_remembers_its_choices_for_the_next_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.ics"
    assert main(["calendar", "export", str(plan), "--days", "sun", "--at", "19:00"]) == EXIT_OK
    assert main(["calendar", "export", str(plan), "--force"]) == EXIT_OK
    assert {local_start(e).weekday() for e in sessions(plan)} == {6}
    assert {local_start(e).hour for e in sessions(plan)} == {19}


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (["--days", "mon,funday"], "'funday' is not a day of the week"),
        (["--at", "25:00"], "at:"),
        (["--weeks", "0"], "weeks:"),
    ],
)
def test_bad_choices_are_refused_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], words: list[str], said: str
) -> None:
    plan = tmp_path / "plan.ics"
    assert main(["calendar", "export", str(plan), *words]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith("facecoach: error: ")
    assert said in err
    assert "Traceback" not in err
    assert not plan.exists()


def test_a_folder_is_not_a_calendar_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calendar", "export", str(tmp_path), "--force"]) == EXIT_ERROR
    assert "is a folder" in capsys.readouterr().err


def test_calendar_without_an_action_says_how(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["calendar"])
    assert exit_.value.code == EXIT_USAGE


# The core on a fake clock: Monday 5 January 2026, 09:00 UTC, so the plan is known exactly.


@pytest.fixture
def companion(clock: FakeClock) -> Companion:
    return make_companion(clock)


def test_phases_set_the_sessions_a_week_and_an_injection_blocks_its_waiting_days(
    companion: Companion, tmp_path: Path
) -> None:
    # The intro (5 a week for 60 days) ends on Sun 18 Jan; then 3 a week.
    companion.program_service.update_settings(program_start=date(2025, 11, 20))
    companion.safety_service.add_injection(
        InjectionKind.FILLER, date(2026, 1, 13)
    )  # waiting 13-22 Jan
    plan = tmp_path / "plan.ics"
    export_calendar(companion, plan, {"weeks": 3, "at": "10:00"}, force=False)

    days = sorted(local_start(e).date() for e in sessions(plan))
    intro = [date(2026, 1, d) for d in (5, 6, 7, 8, 9, 12)]  # Mon-Fri; 13-16 Jan wait
    maintenance = [date(2026, 1, 23)]  # Mon, Wed, Fri; 19 and 21 Jan wait
    assert days == intro + maintenance
    (wait,) = waits(plan)
    assert wait.decoded("DTSTART") == date(2026, 1, 13)
    assert wait.decoded("DTEND") == date(2026, 1, 23)  # all day, the end exclusive
    assert str(wait["TRANSP"]) == "OPAQUE"
    assert "Filler" in str(wait["SUMMARY"])
    descriptions = [str(e["DESCRIPTION"]) for e in sorted(sessions(plan), key=local_start)]
    assert "intro phase, goal 5 per week" in descriptions[0]
    assert "maintenance phase, goal 3 per week" in descriptions[-1]


def test_a_time_before_the_day_start_hour_falls_on_the_next_calendar_date(
    companion: Companion, tmp_path: Path
) -> None:
    companion.program_service.update_settings(day_start_hour=3)
    plan = tmp_path / "plan.ics"
    export_calendar(companion, plan, {"days": ("mon",), "at": "01:30", "weeks": 2}, force=False)
    # The session that counts for Monday 12 Jan starts at 01:30 on Tuesday 13 Jan; the one of
    # Monday 5 Jan (its 01:30 on the 6th is still ahead) as well.
    starts = [local_start(e) for e in sessions(plan)]
    assert [s.date() for s in starts] == [date(2026, 1, 6), date(2026, 1, 13)]
    assert all(s.time() == time(1, 30) for s in starts)


def test_today_is_not_planned_once_its_session_is_done(
    companion: Companion, clock: FakeClock, tmp_path: Path
) -> None:
    from tests.support.tui_support import log_one_session

    plan = tmp_path / "plan.ics"
    export_calendar(companion, plan, {"days": ("mon", "tue"), "at": "20:00"}, force=False)
    assert min(local_start(e).date() for e in sessions(plan)) == date(2026, 1, 5)
    log_one_session(companion, "quick", "Quick test")
    export_calendar(companion, plan, {}, force=True)
    assert min(local_start(e).date() for e in sessions(plan)) == date(2026, 1, 6)


def test_an_existing_file_is_refused_by_the_core_too(companion: Companion, tmp_path: Path) -> None:
    plan = tmp_path / "plan.ics"
    plan.write_text("mine")
    with pytest.raises(CalendarError, match="exists already"):
        export_calendar(companion, plan, {}, force=False)
    assert plan.read_text() == "mine"


def test_the_settings_button_writes_the_calendar_and_says_where(
    companion: Companion, tmp_path: Path
) -> None:
    notes: list[str] = []

    async def scenario() -> None:
        app = FacecoachApp(companion)
        app.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("o")
            await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
            button = app.screen.query_one("#export-calendar")
            button.scroll_visible(animate=False, immediate=True)
            await pilot.pause()
            await pilot.click("#export-calendar")
            await until(pilot, lambda: bool(notes))
            assert isinstance(app.screen, SettingsScreen)  # the button does not close it

    asyncio.run(scenario())
    written = Path(companion.database).parent / "facecoach-plan.ics"
    assert any(str(written) in note for note in notes)
    assert len(sessions(written)) >= 4
    assert all(local_start(e).tzinfo is not None for e in sessions(written))
