"""The Settings button that writes the program's planned sessions as a calendar file."""

from textual.widgets import Button

from facecoach.companion.calendar_export import export_calendar
from facecoach.companion.core import Companion
from facecoach.errors import FacecoachError


class CalendarExportButton(Button):
    """Exports the plan as `facecoach calendar export` last did (its file, weekdays, time),
    or into the data folder before any export; says where, and what it wrote."""

    def __init__(self, companion: Companion) -> None:
        super().__init__("Export calendar", id="export-calendar")
        self.companion = companion

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()  # handled here: the screen's own buttons are not told
        try:
            done = export_calendar(self.companion, None, {}, force=False)
        except FacecoachError as exc:
            self.notify(str(exc), title="Calendar not written", severity="error", markup=False)
            return
        for warning in done.warnings():
            self.notify(warning, severity="warning", markup=False, timeout=8)
        self.notify(done.summary(), title="Calendar", markup=False, timeout=8)
