"""Textual's Footer, rebuilt only when the keys it shows change."""

from typing import Any

from textual.app import ComposeResult
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

# What one key in the footer is drawn from: the key as shown, what it does and says, whether it
# is enabled, its tooltip and its group.
ShownKey = tuple[str, str, str, str, bool, str, str | None, bool | None]

# The class of the command palette's key in Textual's footer.
PALETTE_KEY = "-command-palette"


class SteadyFooter(Footer):
    """Textual's Footer, which rebuilds every key (a widget each, styled and laid out: about
    30 ms of CPU for seven keys, measured) whenever the screen's bindings may have changed:
    at every focus change and every time its screen is covered or shown again. Mostly the
    keys are the same; then this one keeps the keys it has. The keys it builds are drawn as
    Textual's, cell for cell (tests/functional/test_steady_footer.py compares the two)."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._heard = False  # told the bindings at least once (Textual's shows none before)
        self._composed: tuple[ShownKey, ...] | None = None  # what the keys were built from

    def _shown_keys(self) -> tuple[ShownKey, ...]:
        """What Footer.compose draws its keys from, in its order: the bindings it shows and
        the command palette's."""
        app = self.app
        palette = app.COMMAND_PALETTE_BINDING if self.show_command_palette else None
        return tuple(
            (
                app.get_key_display(binding),
                binding.key,
                binding.action,
                binding.description,
                enabled,
                tooltip,
                None if binding.group is None else binding.group.description,
                None if binding.group is None else binding.group.compact,
            )
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or (key == palette and app.ENABLE_COMMAND_PALETTE)
        )

    def compose(self) -> ComposeResult:
        self._composed = self._shown_keys() if self._heard else None
        for widget in super().compose():
            self._built_as_shown(widget)
            yield widget

    def _built_as_shown(self, widget: Widget) -> None:
        """A key as compact as this footer before it is mounted. Textual's keys are built
        compact and told otherwise once mounted: their class changes once or twice each (a
        restyle each time, half of all the restyling on a screen with a footer, measured).
        The key's `compact` is public, and its class is what its own watcher would set. The
        command palette's key is not bound to the footer (it stays compact in a spaced
        footer) and a key without `compact` is left as Textual builds it."""
        compact = getattr(type(widget), "compact", None)
        if isinstance(compact, Reactive) and not widget.has_class(PALETTE_KEY):
            widget.set_reactive(compact, self.compact)
            widget.set_class(self.compact, "-compact", update=False)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self._heard and screen is self.screen and self._composed == self._shown_keys():
            return  # the keys shown are the keys there are
        self._heard = True
        super().bindings_changed(screen)
