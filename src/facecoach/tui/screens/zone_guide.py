"""The zone guide: the face drawing with one zone lit, where it is and which way to glide."""

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Static

from facecoach.routines.zones import Side, Zone
from facecoach.tui.screens.dialogs import Dialog
from facecoach.tui.widgets.face import FaceDiagram
from facecoach.tui.widgets.steady_footer import SteadyFooter
from facecoach.wording.zone_guide import GUIDE_FOOTNOTE, ZONE_GUIDE


class ZoneGuide(Dialog[None]):
    DEFAULT_CSS = """
    #guide { width: 80; padding: 0 1; }
    #guide-body { height: auto; }
    #guide FaceDiagram { width: 27; }
    #guide-text { width: 1fr; height: auto; padding-left: 1; }
    """

    BINDINGS = [
        Binding("escape,g", "close", "Close", id="guide.close"),
        Binding("left", "other_zone(-1)", "Previous zone", id="guide.previous"),
        Binding("right", "other_zone(1)", "Next zone", id="guide.next"),
    ]

    def __init__(
        self,
        zone: Zone,
        path: str | None = None,
        side: Side | None = None,
        *,
        stops: Sequence[tuple[Zone, str | None]] = (),
        at: int = 0,
    ) -> None:
        """`stops`: the routine's zones (with their paths), which the arrows page through,
        `at` being the one shown first; without them, the arrows page through every zone."""
        super().__init__()
        self.zone = zone
        self.path = path
        self.side = side
        self.stops = tuple(stops)
        self.at = at

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="guide"):
            yield Label(id="guide-title", classes="title")
            with Horizontal(id="guide-body"):
                yield FaceDiagram()
                yield Static(id="guide-text", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        face = self.query_one(FaceDiagram)
        face.zone, face.side = self.zone, self.side
        where = f" ({self.at + 1} of {len(self.stops)} in this routine)" if self.stops else ""
        self.query_one("#guide-title", Label).update(f"Zone guide: {self.zone.label}{where}")
        text = ZONE_GUIDE[self.zone]
        if self.path:
            text += f"\n\nThis routine: {self.path}."
        self.query_one("#guide-text", Static).update(f"{text}\n\n{GUIDE_FOOTNOTE}")

    def action_other_zone(self, by: int) -> None:
        if self.stops:  # the routine's zones, not zones it does not treat
            self.at = (self.at + by) % len(self.stops)
            self.zone, self.path = self.stops[self.at]
            self.side = None
            self._show()
            return
        zones = list(Zone)
        self.zone = zones[(zones.index(self.zone) + by) % len(zones)]
        self.path = None  # the routine's path belongs to the zone it was opened on
        self.side = None
        self._show()

    def action_close(self) -> None:
        self.dismiss(None)
