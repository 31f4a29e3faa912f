"""What is known: the studies behind microcurrent claims, what they measured, and citations.

Opened from the Safety screen. The words are `wording.evidence`'s, as `facecoach evidence`
prints them; this screen only lays them out.
"""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from facecoach.tui.screens.sized import SizedScreen
from facecoach.tui.widgets.steady_footer import SteadyFooter
from facecoach.tui.widgets.title_bar import TitleBar
from facecoach.wording.evidence import EVIDENCE_INTRO, EVIDENCE_TITLE, STUDIES, UNKNOWN


class EvidenceScreen(SizedScreen[None]):
    DEFAULT_CSS = """
    #evidence-body { padding: 0 1; scrollbar-gutter: stable; }
    #evidence-body > Static { height: auto; margin-bottom: 1; }
    #evidence-body > .study { margin-bottom: 0; }
    #evidence-body > .source { color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="evidence.back"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        # The body scrolls and takes the focus, so the arrow keys and page keys read on.
        with VerticalScroll(id="evidence-body"):
            yield Static(EVIDENCE_INTRO, markup=False)
            for number, study in enumerate(STUDIES, start=1):
                yield Static(
                    f"{number}. {study.claim}\n"
                    f"Measured: {study.measured}\n"
                    f"Does not show: {study.does_not_show}",
                    markup=False,
                    classes="study",
                )
                yield Static(f"{study.citation} {study.link}", markup=False, classes="source")
            yield Static(
                "Not known:\n" + "\n".join(f"• {line}" for line in UNKNOWN),
                markup=False,
                id="unknown",
            )
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.title = EVIDENCE_TITLE
        self.query_one("#evidence-body").focus()
