"""The Devices screen: a live scan, pairing and forgetting, and the paired device's state."""

import asyncio
from contextlib import suppress
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Button, DataTable, Static

from facecoach.companion.by_hand import check_level_change_by_hand
from facecoach.companion.core import Companion
from facecoach.errors import FacecoachError
from facecoach.tui.hanging import HangingLines, HangingStatic
from facecoach.tui.screens.dialogs import ConfirmDialog
from facecoach.tui.screens.sized import SizedScreen
from facecoach.tui.text import shown
from facecoach.tui.widgets.steady_footer import SteadyFooter
from facecoach.tui.widgets.title_bar import TitleBar
from facecoach.wording.devices import NOTHING_FOUND, describe_status, found_text, link_state_text

if TYPE_CHECKING:
    from facecoach.devices.scanning import ScanResult

# How long a scan runs before an empty list turns into advice.
NOTHING_FOUND_AFTER_SECONDS = 8.0
# Room for the names devices advertise (most are under 16 characters); longer ones end in "…".
_NAME_WIDTH = 20


class DevicesScreen(SizedScreen[None]):
    # Parsed when the screen is first shown, not before the app's first frame (app.tcss is).
    DEFAULT_CSS = """
    #devices-body { padding: 0 1; }
    #paired-card, #nearby-card { height: auto; }
    #nearby { height: auto; max-height: 12; }
    """

    # on_mount focuses the device list; Textual's pick, the scrolling body first, restyled the
    # whole screen once more (see SettingsScreen).
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("p", "pair", "Pair", id="devices.pair"),
        Binding("c", "connect", "Connect", id="devices.connect"),
        Binding("x", "disconnect", "Disconnect", id="devices.disconnect"),
        Binding("r", "rescan", "Rescan", id="devices.rescan"),
        Binding("f", "forget", "Forget", id="devices.forget"),
        # Said on the paired device's card, not in the footer (which they would not fit).
        Binding("m", "next_program", "Next program", id="devices.program", show=False),
        Binding("plus,equals_sign", "intensity(1)", "Intensity up", id="devices.up", show=False),
        Binding("minus", "intensity(-1)", "Intensity down", id="devices.down", show=False),
        Binding("escape,q", "app.pop_screen", "Back", id="devices.back"),
    ]

    def __init__(self, companion: Companion) -> None:
        super().__init__()
        self.companion = companion
        self._addresses: list[str] = []  # table rows, top to bottom
        self._results: dict[str, ScanResult] = {}
        self._shown_cells: dict[str, tuple[Text, str, str, Text]] = {}  # each row's cells
        self._first_seen: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="devices-body"):
            with Vertical(classes="card", id="paired-card") as card:
                card.border_title = "Paired device"
                yield Static(id="paired")
                yield HangingStatic(id="programs")
                with Horizontal(classes="buttons"):
                    yield Button("Connect", id="connect")
                    yield Button("Disconnect", id="disconnect")
                    yield Button("Forget…", id="forget", variant="error")
            with Vertical(classes="card", id="nearby-card") as card:
                card.border_title = "Nearby"
                yield Static("Scanning…", id="scan-state", classes="muted")
                yield DataTable(id="nearby", cursor_type="row", zebra_stripes=True)
                with Horizontal(classes="buttons"):
                    yield Button("Pair selected", id="pair", variant="primary")
                    yield Button("Rescan", id="rescan")
        yield SteadyFooter(compact=True)  # six keys: they fit at 60 columns

    def on_mount(self) -> None:
        self.title = "Devices" + (" (simulated)" if self.companion.device.simulate else "")
        table = self.query_one("#nearby", DataTable)
        # The address and the signal before the profile: at 80 columns neither may be the
        # column cut off (a long profile id is, and `devices profiles` lists them whole). The
        # name column has a width, so a long name (a device without one is labelled by its
        # profile's name) cannot push the rest out of sight.
        self._columns = [
            table.add_column("Name", width=_NAME_WIDTH),
            *table.add_columns("Address", "Signal", "Profile"),
        ]
        table.focus()
        self.show_device()
        self._scan()

    def on_screen_resume(self) -> None:
        self.show_device()

    def show_device(self) -> None:
        device = self.companion.device
        summary = device.summary()
        paired = self.query_one("#paired", Static)
        programs = self.query_one("#programs", Static)
        if summary is None:
            paired.update("No device paired. Pick one under Nearby and press p to pair it.")
            programs.update("")
            self.query_one("#connect", Button).disabled = True
            self.query_one("#disconnect", Button).disabled = True
            self.query_one("#forget", Button).disabled = True
            return
        self.query_one("#forget", Button).disabled = False
        link = device.link
        connected = link is not None and link.is_connected
        connect = self.query_one("#connect", Button)
        connect.disabled = connected
        connect.label = "Connected" if connected else "Connect"
        self.query_one("#disconnect", Button).disabled = not connected
        paired.update(shown(summary.name, "bold") + f" · {link_state_text(summary.state)}")
        if link is None:
            programs.update("Press c to connect and read its battery and programs.")
            return
        lines = describe_status(link.profile, link.status)
        if connected:
            keys = []
            if link.profile.programs:
                keys.append("m changes the program")
            if link.status.intensity is not None:
                keys.append("+ and - the intensity")
            if keys:
                lines.append(f"({', '.join(keys)})")
        # A program's purpose wraps under its name, not back at the panel's edge (W8).
        programs.update(HangingLines(lines))

    # --- scanning --------------------------------------------------------------------------

    @work(exclusive=True, group="scan")
    async def _scan(self) -> None:
        state = self.query_one("#scan-state", Static)
        try:
            scanner = self.companion.device.pairing.scanner(self._on_result)
            await scanner.start()
        except FacecoachError as exc:
            state.update(Text(str(exc), style="bold"))
            return
        state.update(found_text(0))
        try:
            await asyncio.sleep(NOTHING_FOUND_AFTER_SECONDS)
            if not self._results:
                state.update(NOTHING_FOUND + " Press r to scan again.")
            await asyncio.Event().wait()  # until the screen closes and cancels this worker
        finally:
            await scanner.stop()

    def action_rescan(self) -> None:
        self._results.clear()
        self._first_seen.clear()
        self._addresses = []
        self._shown_cells.clear()
        self.query_one("#nearby", DataTable).clear()
        self.query_one("#scan-state", Static).update("Scanning…")
        self._scan()  # exclusive: the running scan is cancelled (and stopped) first

    def _on_result(self, result: "ScanResult") -> None:
        new = result.address not in self._results
        self._results[result.address] = result
        if new:
            with suppress(NoMatches):
                self.query_one("#scan-state", Static).update(found_text(len(self._results)))
        self._first_seen.setdefault(result.address, len(self._first_seen))
        try:
            table = self.query_one("#nearby", DataTable)
        except NoMatches:  # an advertisement that arrived as the screen closed
            return
        results = self._results
        # Rows keep their place (recognised devices first, then in order of appearance), so
        # the cursor does not jump while the user is choosing.
        order = sorted(results, key=lambda a: (results[a].profile is None, self._first_seen[a]))
        if order != self._addresses:
            selected = self._addresses[table.cursor_row] if self._addresses else None
            table.clear()
            self._shown_cells = {address: self._cells(results[address]) for address in order}
            for address in order:
                table.add_row(*self._shown_cells[address], key=address)
            self._addresses = order
            if selected in order:
                table.move_cursor(row=order.index(selected))
            return
        # Same rows: only the device that just advertised changes (its signal, mostly), and
        # only what it says differently (each device advertises several times a second).
        cells = self._cells(result)
        before = self._shown_cells.get(result.address)
        for index, (column, value) in enumerate(zip(self._columns, cells, strict=True)):
            if before is None or before[index] != value:
                table.update_cell(result.address, column, value)
        self._shown_cells[result.address] = cells

    @staticmethod
    def _cells(result: "ScanResult") -> tuple[Text, str, str, Text]:
        # A name on the radio is anyone's to choose: text, never markup. The profile by its id:
        # short enough to be read whole at 80 columns (three reference designs' names all
        # began "facecoach Refere" there), and what `devices pair --profile` takes.
        profile = result.profile.id if result.profile else "(no profile)"
        name = shown(result.label)
        name.truncate(_NAME_WIDTH, overflow="ellipsis")
        return (name, result.address, f"{result.rssi} dBm", shown(profile))

    # --- intents ---------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "pair": self.action_pair,
            "connect": self.action_connect,
            "disconnect": self.action_disconnect,
            "rescan": self.action_rescan,
            "forget": self.action_forget,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_pair()

    def action_pair(self) -> None:
        table = self.query_one("#nearby", DataTable)
        if not self._addresses:
            self.notify("No device found yet.", severity="warning")
            return
        self._pair(self._addresses[table.cursor_row])

    @work(exclusive=True, group="device")
    async def _pair(self, address: str) -> None:
        self.notify(f"Pairing {address}…", timeout=3, markup=False)
        try:
            await self.companion.device.disconnect()
            device = await self.companion.device.pairing.pair(address)
            await self.companion.device.connect()
        except FacecoachError as exc:
            self.notify(
                str(exc), title="Pairing failed", severity="error", timeout=10, markup=False
            )
            return
        finally:
            self.show_device()
        self.notify(f"Paired {device.name}.", title="Paired", markup=False)

    def _has_paired(self) -> bool:
        """Whether a device is paired; says what to do when none is (keys never do nothing)."""
        if self.companion.device.paired is None:
            self.notify("No device is paired yet: choose one under Nearby and press p.", timeout=4)
            return False
        return True

    def action_connect(self) -> None:
        if self._has_paired():
            self._connect()

    @work(exclusive=True, group="device")
    async def _connect(self) -> None:
        self.query_one("#paired", Static).update("Connecting…")
        try:
            await self.companion.device.connect()
        except FacecoachError as exc:
            self.notify(
                str(exc), title="Cannot connect", severity="error", timeout=10, markup=False
            )
        self.show_device()

    @work(exclusive=True, group="device")
    async def action_next_program(self) -> None:
        try:
            program = await self.companion.device.next_program()
        except FacecoachError as exc:
            self.notify(str(exc), title="Program not changed", severity="warning", markup=False)
            return
        self.notify(f"Program: {program.name}.", timeout=3, markup=False)
        self.show_device()

    @work(exclusive=True, group="device")
    async def action_intensity(self, by: int) -> None:
        link = self.companion.device.link
        try:
            if link is not None:
                check_level_change_by_hand(link.profile)
            level, limit = await self.companion.device.change_intensity(by)
        except FacecoachError as exc:
            self.notify(str(exc), title="Intensity not changed", severity="warning", markup=False)
            return
        at_limit = " (the profile's limit)" if by > 0 and level >= limit else ""
        self.notify(f"Intensity {level}{at_limit}.", timeout=3)
        self.show_device()

    def action_disconnect(self) -> None:
        if not self._has_paired():
            return
        if not self.companion.device.is_connected:
            self.notify("The device is not connected.", timeout=3)
            return
        self._disconnect()

    @work(exclusive=True, group="device")
    async def _disconnect(self) -> None:
        await self.companion.device.disconnect()
        self.show_device()

    def action_forget(self) -> None:
        if self._has_paired():
            self._forget()

    @work(exclusive=True, group="device")
    async def _forget(self) -> None:
        paired = self.companion.device.paired
        if paired is None:
            return
        others = [d for d in self.companion.device.paired_devices if d is not paired]
        then = (
            f" Sessions will then use {others[0].name}, paired before it."
            if others
            else " To use it again, you pair it again."
        )
        forget = await self.app.push_screen_wait(
            ConfirmDialog(
                f"Forget {paired.name}?{then}",
                yes="Forget",
                no="Keep it",
                danger=True,
            )
        )
        if not forget:
            return
        await self.companion.device.pairing.forget(paired.address)
        self.notify(f"Forgot {paired.name}.", markup=False)
        self.show_device()
