"""Text that came from outside (files, imports, notes, the radio) shown as text, never run.

Terminal control characters (escape sequences that clear the screen, set the window title or
move the cursor) are replaced with a visible placeholder; newlines and tabs stay.
"""

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: str) -> str:
    """`text` with every terminal control character shown as `?`."""
    return _CONTROL.sub("?", text)
