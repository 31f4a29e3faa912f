"""The routine editor: a copy of a built-in (or the user's own routine) changed zone by zone,
checked as the loader checks files at every change, with the total time as you edit.

Saved as a commented TOML file in the routines folder (see `Companion.save_routine`).
"""

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from facecoach.companion.core import Companion
from facecoach.errors import FacecoachError
from facecoach.problems import Problem, problem_line
from facecoach.routines.editing import (
    SIDE_CHOICES,
    RoutineDraft,
    ZoneDraft,
    check,
    free_id,
    sides_brief,
    sides_text,
)
from facecoach.routines.loader import LoadedRoutine
from facecoach.routines.model import Routine
from facecoach.routines.zones import Zone
from facecoach.tui.screens.dialogs import ConfirmDialog, Dialog
from facecoach.tui.screens.sized import SizedScreen
from facecoach.tui.screens.zone_guide import ZoneGuide
from facecoach.tui.widgets.form_row import FormRow
from facecoach.tui.widgets.steady_footer import SteadyFooter
from facecoach.tui.widgets.title_bar import TitleBar
from facecoach.wording.session import format_duration

# The routine-wide fields: (input id, draft attribute, label).
ROUTINE_FIELDS = (
    ("glide", "glide_seconds", "Glide (s)"),
    ("repeats", "repeats", "Repeats"),
    ("hold", "hold_seconds", "Hold (s)"),
    ("move", "transition_seconds", "Move (s)"),
)


class RoutineEditorScreen(SizedScreen[str | None]):
    """Dismissed with the id of the routine saved, or None."""

    DEFAULT_CSS = """
    #editor-body { padding: 0 1; }
    #editor-body > FormRow Label { width: 10; padding: 0 1 0 0; }
    #editor-body > FormRow Input { width: 1fr; }
    #editor-defaults { height: auto; margin-top: 1; }
    #editor-defaults Label { padding: 0 1 0 0; width: auto; }
    #editor-defaults Input { width: 9; margin-right: 1; }
    RoutineEditorScreen.-narrow #editor-defaults {
        layout: grid; grid-size: 4 2; grid-columns: 10 10 10 10; height: 2;
    }
    RoutineEditorScreen.-narrow #editor-defaults Input { width: 8; }
    #zones { height: auto; max-height: 12; margin-top: 1; }
    #editor-check { margin-top: 1; height: auto; }
    #editor-help { height: auto; }
    """

    # on_mount focuses the zone list; Textual's pick, the scrolling body first, restyled the
    # whole screen once more (see SettingsScreen).
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("a", "add_zone", "Add zone", id="editor.add"),
        Binding("delete,x", "remove_zone", "Remove", id="editor.remove"),
        # Not in the footer (it ran past 80 columns, Back cut off): the help line says them.
        Binding("[", "move_zone(-1)", "Up", id="editor.up", show=False),
        Binding("]", "move_zone(1)", "Down", id="editor.down", show=False),
        Binding("g", "guide", "Zone guide", id="editor.guide"),
        Binding("ctrl+s", "save", "Save", id="editor.save"),
        Binding("escape", "back", "Back", id="editor.back"),
    ]

    def __init__(self, companion: Companion, loaded: LoadedRoutine) -> None:
        super().__init__()
        self.companion = companion
        self.loaded = loaded
        self.draft = RoutineDraft.of(loaded.routine)
        if loaded.is_builtin:  # never changed in place: a copy, under a name of its own
            self.draft.name = f"My {loaded.routine.name}"[:80]
            # The original's description says what its zones are; the copy's zones will not
            # be those, and the editor has no field for it: a description that stays true.
            self.draft.description = f"A copy of {loaded.routine.name}, made in the editor."
            self.draft.id = free_id(self.draft.name, companion.program_service.library.routines)
        self._saved = self.draft.data()
        self._zone_dialog_open = False  # from the key that asks for it until it is answered
        self.result: Routine | list[Problem] = check(self.draft)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="editor-body"):
            with FormRow():
                yield Label("Name")
                yield Input(self.draft.name, id="name", select_on_focus=False, compact=True)
            with Horizontal(id="editor-defaults"):
                for widget_id, attribute, label in ROUTINE_FIELDS:
                    yield Label(label)
                    yield Input(
                        getattr(self.draft, attribute),
                        id=widget_id,
                        select_on_focus=False,
                        classes="number",
                        compact=True,
                    )
            yield DataTable(id="zones", cursor_type="row", zebra_stripes=True)
            yield Static(id="editor-check")
            yield Static(
                "a adds a zone after the selected one, Enter changes it, x removes it, "
                "[ and ] move it, g shows where it is. Blank numbers use the routine's own.",
                id="editor-help",
                classes="muted",
                markup=False,
            )
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.title = "Edit routine" + ("" if self.loaded.is_builtin else f" ({self.loaded.source})")
        self.sub_title = self.draft.id
        table = self.query_one("#zones", DataTable)
        table.add_columns("#", "Zone", "Sides", "Glides", "Glide", "Hold", "Phase", "Program")
        self._show_zones()
        # The zone list has the focus: the keys the footer and the help line name (a, x, g...)
        # act on it, where the name field would take them as letters. The name is a Tab away.
        table.focus()

    # --- showing ---------------------------------------------------------------------------

    def _show_zones(self, select: int | None = None) -> None:
        table = self.query_one("#zones", DataTable)
        keep = table.cursor_row if select is None else select
        table.clear()
        for number, zone in enumerate(self.draft.zones, 1):
            table.add_row(
                str(number),
                zone.zone.label,
                sides_brief(zone.sides),
                zone.repeats or "·",
                zone.glide_seconds or "·",
                zone.hold_seconds or "·",
                zone.phase or "",
                zone.program or "",
            )
        if self.draft.zones:
            table.move_cursor(row=max(0, min(keep, len(self.draft.zones) - 1)))
        self._check()

    def _check(self) -> None:
        """The same validation the loader runs, at every change; the total as it would run."""
        self.result = check(self.draft)
        line = self.query_one("#editor-check", Static)
        if isinstance(self.result, Routine):
            total = format_duration(self.result.total_seconds())
            zones = len(self.result.zones)
            text = f"✓ {zones} zone{'s' if zones != 1 else ''}, {total} in all."
            line.update(text + self._settings_note(self.result))
            line.set_class(False, "error")
        else:
            line.update("\n".join(f"✗ {problem_line(problem)}" for problem in self.result))
            line.set_class(True, "error")

    def _settings_note(self, routine: Routine) -> str:
        """What Settings make of it: their glide length and repeats replace every zone's."""
        settings = self.companion.program_service.settings
        overrides = []
        if settings.glide_seconds is not None:
            overrides.append(f"glide length {settings.glide_seconds:g} s")
        if settings.repeats is not None:
            overrides.append(f"repeats {settings.repeats}")
        if not overrides:
            return ""
        said = " and ".join(overrides)
        try:
            runs = self.companion.program_service.apply_preferences(routine)
        except FacecoachError:
            return f"\nYour Settings ({said}) do not fit it: it runs as written."
        return (
            f"\nIt runs as {format_duration(runs.total_seconds())}: your Settings ({said}) "
            "replace every zone's."
        )

    # --- typing in the routine's own fields ------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "name":
            self.draft.name = event.value
            if self.loaded.is_builtin or self.draft.id != self.loaded.routine.id:
                taken = [
                    i
                    for i in self.companion.program_service.library.routines
                    if i != self.loaded.routine.id
                ]
                self.draft.id = free_id(event.value, taken)
                self.sub_title = self.draft.id
        else:
            for widget_id, attribute, _label in ROUTINE_FIELDS:
                if event.input.id == widget_id:
                    setattr(self.draft, attribute, event.value)
        self._check()

    # --- zones -----------------------------------------------------------------------------

    def _selected(self) -> int | None:
        return self.query_one("#zones", DataTable).cursor_row if self.draft.zones else None

    def action_add_zone(self) -> None:
        if self._zone_dialog_open:
            return  # a second `a` typed ahead would add a zone no dialog asks about
        index = self.draft.add_zone(self._selected())
        self._show_zones(index)
        self.query_one("#zones", DataTable).focus()
        self._zone_dialog_open = True
        self._edit_zone(index, added=True)

    def action_remove_zone(self) -> None:
        index = self._selected()
        if index is None:
            return
        self.draft.remove_zone(index)
        self._show_zones(index)

    def action_move_zone(self, by: int) -> None:
        index = self._selected()
        if index is None:
            return
        self._show_zones(self.draft.move_zone(index, by))

    def action_guide(self) -> None:
        index = self._selected()
        if index is None:
            return
        zone = self.draft.zones[index]
        stops = [(entry.zone, entry.path or None) for entry in self.draft.zones]
        self.app.push_screen(ZoneGuide(zone.zone, zone.path or None, stops=stops, at=index))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit_zone()

    def action_edit_zone(self) -> None:
        index = self._selected()
        if index is not None and not self._zone_dialog_open:
            self._zone_dialog_open = True
            self._edit_zone(index)

    @work(exclusive=True, group="edit-zone")
    async def _edit_zone(self, index: int, *, added: bool = False) -> None:
        try:
            changed = await self.app.push_screen_wait(ZoneDialog(self.draft.zones[index], index))
        finally:
            self._zone_dialog_open = False
        if changed is not None:
            self.draft.replace_zone(index, changed)
        elif added:
            # Cancel on a zone just added: as if it never was, the zone before it selected.
            self.draft.remove_zone(index)
            index -= 1
        else:
            return
        self._show_zones(max(0, index))

    # --- leaving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if not isinstance(self.result, Routine):
            self.notify(
                "Not saved: " + " ".join(map(problem_line, self.result)),
                title="Routine",
                severity="error",
                markup=False,
            )
            return
        try:
            path = self.companion.program_service.save_routine(self.result, editing=self.loaded)
        except FacecoachError as exc:
            self.notify(str(exc), title="Not saved", severity="error", markup=False)
            return
        self.notify(f"Saved {self.result.name} to {path}.", title="Routine", markup=False)
        self._saved = self.draft.data()
        self.dismiss(self.result.id)

    @work(exclusive=True, group="editor-back")
    async def action_back(self) -> None:
        if self.draft.data() != self._saved:
            discard = await self.app.push_screen_wait(
                ConfirmDialog("Discard your changes to this routine?", "Discard", "Keep editing")
            )
            if not discard:
                return
        self.dismiss(None)


class ZoneDialog(Dialog[ZoneDraft | None]):
    """One zone: which, on which sides, and its own numbers (blank: the routine's)."""

    DEFAULT_CSS = """
    ZoneDialog FormRow Label { width: 18; padding: 0 1 0 0; }
    ZoneDialog FormRow Input, ZoneDialog FormRow Select { width: 1fr; max-width: 100%; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "done", "Done", id="dialog.done"),
    ]

    def __init__(self, zone: ZoneDraft, index: int) -> None:
        super().__init__()
        self.zone = zone
        self.index = index

    def compose(self) -> ComposeResult:
        zone = self.zone
        with Vertical(classes="dialog"):
            yield Label(f"Zone {self.index + 1}", classes="title")
            yield self._row(
                "Zone",
                Select[str](
                    ((z.label, z.value) for z in Zone),
                    value=zone.zone.value,
                    allow_blank=False,
                    id="zone",
                    compact=True,
                ),
            )
            yield self._row(
                "Sides",
                Select[int](
                    ((sides_text(sides), n) for n, sides in enumerate(SIDE_CHOICES)),
                    value=SIDE_CHOICES.index(zone.sides) if zone.sides in SIDE_CHOICES else 0,
                    allow_blank=False,
                    id="sides",
                    compact=True,
                ),
            )
            for widget_id, label, value, blank in (
                ("repeats", "Glides per side", zone.repeats, "the routine's"),
                ("glide_seconds", "Glide (seconds)", zone.glide_seconds, "the routine's"),
                ("hold_seconds", "Hold (seconds)", zone.hold_seconds, "the routine's"),
                ("phase", "Phase", zone.phase, "none (e.g. treat, calm)"),
                ("program", "Device program", zone.program, "the device's own"),
                ("path", "Where to glide", zone.path, "not said"),
            ):
                yield self._row(
                    label,
                    Input(
                        value,
                        id=widget_id,
                        placeholder=blank,
                        select_on_focus=False,
                        compact=True,
                    ),
                )
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Done", id="done", variant="primary")
        yield SteadyFooter()

    @staticmethod
    def _row(label: str, widget: Input | Select[str] | Select[int]) -> FormRow:
        return FormRow(Label(label), widget)

    def on_mount(self) -> None:
        self.query_one("#zone", Select).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "done":
            self.action_done()
        else:
            self.action_cancel()

    def on_input_submitted(self) -> None:
        self.action_done()

    def action_done(self) -> None:
        zone = self.query_one("#zone", Select).value
        sides = self.query_one("#sides", Select).value
        texts = {field.id: field.value.strip() for field in self.query(Input) if field.id}
        self.dismiss(
            ZoneDraft(
                zone=Zone(zone) if isinstance(zone, str) else self.zone.zone,
                sides=SIDE_CHOICES[sides] if isinstance(sides, int) else self.zone.sides,
                repeats=texts["repeats"],
                glide_seconds=texts["glide_seconds"],
                hold_seconds=texts["hold_seconds"],
                path=texts["path"],
                program=texts["program"],
                phase=texts["phase"],
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
