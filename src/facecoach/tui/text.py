"""Text from outside (files, imports, the log, the radio) as the TUI shows it: literal text.

Never markup (a routine called "[@click=app.quit]" must not quit the app), and never terminal
control codes (they are replaced, as in the CLI).
"""

from rich.text import Text

from facecoach.wording.text import plain


def shown(text: str, style: str = "") -> Text:
    return Text(plain(text), style=style)
