"""History: the year as a heatmap, streaks, strength over time, and recent sessions."""

from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Label, Static

from facecoach.adherence.session_log import SessionRecord
from facecoach.adherence.stats import AdherenceStats
from facecoach.companion.comfort import feeling_for
from facecoach.companion.core import Companion
from facecoach.errors import FacecoachError
from facecoach.tui.screens.dialogs import ConfirmDialog, NoteDialog
from facecoach.tui.screens.photos import PhotosScreen
from facecoach.tui.screens.sized import SizedScreen
from facecoach.tui.text import shown
from facecoach.tui.widgets.heatmap import CalendarHeatmap
from facecoach.tui.widgets.steady_footer import SteadyFooter
from facecoach.tui.widgets.strength import StrengthChart
from facecoach.tui.widgets.title_bar import TitleBar
from facecoach.wording.adherence import (
    clipped,
    sessions_total_text,
    status_word,
    streak_detail,
    streak_headline,
    zones_done_text,
    zones_list_text,
)
from facecoach.wording.comfort import feeling_text
from facecoach.wording.log_changes import NOTHING_TO_RESTORE, deleted, restored
from facecoach.wording.session import format_duration
from facecoach.wording.text import plain

RECENT_SESSIONS = 50
STRENGTH_WEEKS = 52
# Column widths that keep the table inside 80 columns.
ROUTINE_COLUMN = 24


def _numbers(stats: AdherenceStats) -> str:
    return (
        f"Streak [b]{streak_headline(stats)}[/b] · {streak_detail(stats)}\n"
        f"Goal {stats.goal.describe()} · strength [b]{stats.strength:.0%}[/b] · "
        f"{sessions_total_text(stats)}, {format_duration(stats.total_minutes * 60)}"
    )


def _felt_line(companion: Companion, session_id: int) -> str:
    """'Felt: a little uncomfortable · tingling', when it was noted."""
    try:
        felt = feeling_for(companion, session_id)
    except FacecoachError:
        return ""  # the rest of the line still shows
    if felt is None:
        return ""
    return f"\nFelt: {feeling_text(felt)}" + (f" ({felt.note})" if felt.note else "")


class HistoryScreen(SizedScreen[None]):
    # Parsed when the screen is first shown, not before the app's first frame (app.tcss is).
    DEFAULT_CSS = """
    #history-body { padding: 0 1; }
    #history-numbers { height: auto; }
    #strength { height: 2; margin-bottom: 1; }
    #recent { height: 1fr; min-height: 6; }
    #recent-detail { height: auto; }
    /* Below 30 rows the table of sessions matters more than the strength chart (numbers above). */
    HistoryScreen.-short #strength, HistoryScreen.-short #strength-label,
    HistoryScreen.-tall #strength, HistoryScreen.-tall #strength-label { display: none; }
    """

    # on_mount focuses the session list; Textual's pick, the scrolling body first, restyled the
    # whole screen once more (see SettingsScreen).
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="history.back"),
        Binding("n", "edit_note", "Note", id="history.note"),
        Binding("delete,x", "delete", "Delete", id="history.delete"),
        Binding("u", "undo", "Undo delete", id="history.undo"),
        Binding("p", "photos", "Photos", id="history.photos"),
    ]

    def __init__(self, companion: Companion) -> None:
        super().__init__()
        self.companion = companion
        self._reading = 0  # which read of the log is being shown

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="history-body"):
            yield Static("Reading the session log…", id="history-numbers")
            yield CalendarHeatmap(id="heatmap")
            yield Label(
                f"Habit strength, last {STRENGTH_WEEKS} weeks", classes="muted", id="strength-label"
            )
            yield StrengthChart(STRENGTH_WEEKS, id="strength")
            yield Label("Recent sessions (zones done; ½: some glides not done)", classes="title")
            # The selected session in full, above the table so it is in view at 80x24.
            yield Static(id="recent-detail", classes="muted", markup=False)
            yield DataTable(id="recent", cursor_type="row", zebra_stripes=True)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.title = "History"
        self.query_one("#recent", DataTable).add_columns(
            "When", "Routine", "Status", "Time", "Zones", "✎"
        )
        self.query_one("#recent", DataTable).focus()
        self._recent: dict[str, SessionRecord] = {}
        self.refresh_history()

    def refresh_history(self) -> None:
        """Read the log in a thread, then show it: the screen is drawn at once, and the event
        loop (a session's cues and countdown) never waits for the log."""
        self._reading += 1
        self._read_log(self._reading)

    @work(thread=True, exclusive=True, group="history-read")
    def _read_log(self, reading: int) -> None:
        try:
            stats = self.companion.log_service.stats()
            recent = self.companion.log_service.recent_sessions(RECENT_SESSIONS)
            skip_days = self.companion.log_service.skip_days()
        except FacecoachError as exc:
            self.app.call_from_thread(self._unreadable, exc)
            return
        self.app.call_from_thread(self._show, reading, stats, recent, skip_days)

    def _unreadable(self, exc: FacecoachError) -> None:
        self.notify(str(exc), title="Cannot read the session log", severity="error", markup=False)

    def _show(
        self,
        reading: int,
        stats: AdherenceStats | None,
        recent: list[SessionRecord],
        skip_days: frozenset[date],
    ) -> None:
        if reading != self._reading or not self.is_attached:
            return  # read again since, or closed meanwhile
        if stats is None:
            self.query_one("#history-numbers", Static).update(
                "The session log is unavailable, so there is no history to show."
            )
            return
        self.query_one("#history-numbers", Static).update(_numbers(stats))
        self.query_one(CalendarHeatmap).update(stats.heatmap, stats.today, skip_days)
        weekly = [s for _, s in stats.strength_by_week[-STRENGTH_WEEKS:]]
        self.query_one(StrengthChart).update(weekly)
        table = self.query_one("#recent", DataTable)
        # The selection stays on its session when the log is read again (after a note), or
        # on its row when that session went (after a delete).
        row = table.cursor_row
        selected = (
            table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if table.row_count and self._recent
            else None
        )
        table.clear()
        self._recent = {str(session.id): session for session in recent}
        if not recent:
            table.add_row("No sessions yet", "", "", "", "", "")
            return
        for session in recent:
            table.add_row(
                f"{session.started_local:%d %b %H:%M}",
                # From the log: shown as text, never as markup; cut to fit 80 columns (the
                # line under the table has it all for the selected row).
                shown(clipped(session.routine_name, ROUTINE_COLUMN)),
                status_word(session.status),
                format_duration(session.active_seconds),
                zones_done_text(session),
                "✎" if session.note else "",  # the note itself is shown above the table
                key=str(session.id),
            )
        if selected in self._recent:
            table.move_cursor(row=table.get_row_index(selected))
        else:
            table.move_cursor(row=min(row, table.row_count - 1))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The selected session in full under the table: its routine, zones and note."""
        session = self._recent.get(str(event.row_key.value))
        detail = self.query_one("#recent-detail", Static)
        if session is None:
            detail.update("")
            return
        zones = zones_list_text(session) or "no zone done"
        note = f"\nNote: {session.note}" if session.note else ""
        note += _felt_line(self.companion, session.id)
        when = f"{session.started_local:%a %d %b %Y %H:%M}"
        # Names and notes come from files and the log: control characters made visible.
        detail.update(shown(f"{when} · {session.routine_name} · zones: {zones}{note}"))

    def action_photos(self) -> None:
        self.app.push_screen(PhotosScreen(self.companion))

    def _selected(self) -> SessionRecord | None:
        table = self.query_one("#recent", DataTable)
        if table.row_count == 0 or not self._recent:
            self.notify("There is no session to choose yet.", timeout=3)
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        store = self.companion.log_service.store
        if key is None or not key.isdigit() or store is None:
            return None
        try:
            return store.session(int(key))
        except (ValueError, FacecoachError):  # purged meanwhile by another facecoach
            self.refresh_history()
            return None

    def _failed(self, exc: FacecoachError) -> None:
        self.notify(str(exc), title="Not changed", severity="error", markup=False)

    @work(exclusive=True, group="history-edit")
    async def action_delete(self) -> None:
        session = self._selected()
        if session is None:
            return
        sure = await self.app.push_screen_wait(
            ConfirmDialog(
                f"Delete {plain(session.routine_name)} on "
                f"{session.started_local:%a %d %b at %H:%M}? "
                "u brings it back.",
                yes="Delete",
                danger=True,
            )
        )
        if sure:
            try:
                self.companion.log_service.delete(session.id)
            except FacecoachError as exc:
                self._failed(exc)
                return
            self.refresh_history()
            self.notify(
                plain(deleted(session, "Press u to bring it back.")), timeout=5, markup=False
            )

    def action_undo(self) -> None:
        try:
            session = self.companion.log_service.undo_delete()
        except FacecoachError as exc:
            self._failed(exc)
            return
        if session is None:
            self.notify(NOTHING_TO_RESTORE, timeout=3)
            return
        self.refresh_history()
        self.notify(plain(restored(session)), markup=False)

    @work(exclusive=True, group="history-edit")
    async def action_edit_note(self) -> None:
        session = self._selected()
        if session is None:
            return
        note = await self.app.push_screen_wait(NoteDialog(session.note or ""))
        if note is None:
            return
        try:
            self.companion.log_service.edit(session.id, note=note.strip())
        except FacecoachError as exc:
            self._failed(exc)
            return
        self.refresh_history()
