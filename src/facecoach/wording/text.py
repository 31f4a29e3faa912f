"""Text that came from outside (files, imports, notes, the radio) shown as text, never run.

Terminal control characters (escape sequences that clear the screen, set the window title or
move the cursor: C0, DEL and C1, the 8-bit CSI U+009B among them) are replaced with a visible
placeholder; newlines and tabs stay. So are the bidirectional controls (U+202E, the
right-to-left override, and its kin), which make a terminal show text in another order than it
is read: a file name or a note could pass for another.
"""

import re

# C0 but newline and tab, DEL, C1; the bidi embeddings, overrides, isolates and marks.
_CONTROL_CHARACTERS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{_CONTROL_CHARACTERS}]")
# In a JSON document only string contents can hold these (its own syntax is ASCII); C0 is
# escaped by every JSON encoder already.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def plain(text: str) -> str:
    """`text` with every terminal control character shown as `?`."""
    return _CONTROL.sub("?", text)


def one_line(text: str) -> str:
    """`text` for a title or a notification: control characters (line breaks and tabs too)
    left out, so nothing in it can end the line or the escape sequence that carries it."""
    return _CONTROL.sub("", text.replace("\n", " ").replace("\t", " "))


def json_for_terminal(document: str) -> str:
    """A JSON document with DEL, C1 and bidi controls inside its strings written as `\\uXXXX`
    escapes: the same value for a program that reads it, nothing a terminal runs."""
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", document)
