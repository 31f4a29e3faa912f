"""A TOML syntax error in the user's words, at its line: 'line 2' / 'a text value is not
closed (column 15)'.

tomllib says `Illegal character '\\n' (at line 2, column 15)`: true, but it names the parser's
view (a newline where the string's closing quote should be), not the mistake. The common
mistakes (a text value not closed, a missing '=', a key or table given twice, a value TOML
does not know) are said here; any other is said in tomllib's own words after 'not valid TOML',
at the same line and column.

It lives at the top of the package, beside `datafiles` which reads every TOML file: the
readers (config, routines, devices) sit below `wording` in the layers.
"""

import ast
import re
import tomllib
from collections.abc import Callable

from facecoach.problems import Problem

# tomllib's message ends with where it stopped: '(at line 2, column 15)' or '(at end of
# document)' (Python 3.14 also gives them as attributes; the text is the same since 3.11).
_WHERE = re.compile(
    r"^(?P<message>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$",
    re.DOTALL,
)
# A key or table name shown back to the user only when it is plainly one (no control codes).
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,40}(?:\.[A-Za-z0-9_-]{1,40}){0,4}")

NOT_CLOSED = "a text value is not closed"
VALUE_NOT_KNOWN = (
    'the value is not one TOML knows (text goes in "quotes", true and false in lower case)'
)


def _key_on(line: str) -> str:
    """'id' from `id = "y"`, when the line's key is plainly a name; else ''."""
    key = line.partition("=")[0].strip()
    return key if _PLAIN_KEY.fullmatch(key) else ""


def _table(declared: str) -> str:
    """'[prep]' from tomllib's "('prep',)"; '' when not plainly a name."""
    try:
        parts = ast.literal_eval(declared)
    except (ValueError, SyntaxError):
        return ""
    name = ".".join(parts) if isinstance(parts, tuple) else ""
    return f"[{name}]" if _PLAIN_KEY.fullmatch(name) else ""


def _given_twice(line: str) -> str:
    key = _key_on(line)
    return f"the key '{key}' is given twice" if key else "a key is given twice"


def _inline_key_twice(quoted: str) -> str:
    try:
        key = ast.literal_eval(quoted)
    except (ValueError, SyntaxError):
        key = None
    if isinstance(key, str) and _PLAIN_KEY.fullmatch(key):
        return f"the key '{key}' is given twice inside {{ }}"
    return "a key is given twice inside { }"


def _table_twice(declared: str) -> str:
    table = _table(declared)
    return f"the table {table} is given twice" if table else "a table is given twice"


def _illegal_character(character: str) -> str:
    if character in ("'\\n'", "'\\r'"):  # the line ended before the text's closing quote
        return NOT_CLOSED
    return f"a character TOML does not allow here ({character})"


# tomllib's message -> ours, from the message and the text of the line it stopped on.
_SAID: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], str], str]], ...] = (
    (
        re.compile(r"(?:Illegal|Found invalid) character (.+)"),
        lambda found, line: _illegal_character(found[1]),
    ),
    (re.compile(r"Unterminated string|Expected \"'(?:'')?\""), lambda found, line: NOT_CLOSED),
    (
        re.compile(r"Expected '=' after a key in a key/value pair"),
        lambda found, line: "'=' is missing after a key (write key = value)",
    ),
    (re.compile(r"Cannot overwrite a value"), lambda found, line: _given_twice(line)),
    (re.compile(r"Cannot declare \((.*)\) twice"), lambda found, line: _table_twice(found[1])),
    (
        re.compile(r"Duplicate inline table key (.+)"),
        lambda found, line: _inline_key_twice(found[1]),
    ),
    (re.compile(r"Invalid value"), lambda found, line: VALUE_NOT_KNOWN),
    (
        re.compile(r"Invalid date or datetime"),
        lambda found, line: "the date is not a day of the calendar (write it as YYYY-MM-DD)",
    ),
    (re.compile(r"Unclosed array"), lambda found, line: "a list is not closed (a ']' is missing)"),
    (
        re.compile(r"Unclosed inline table"),
        lambda found, line: "a table in { } is not closed (a '}' is missing)",
    ),
    (
        re.compile(r"Expected '\]' at the end of a table declaration"),
        lambda found, line: "a [table] line is not closed (a ']' is missing)",
    ),
    (
        re.compile(r"Expected '\]\]' at the end of an array declaration"),
        lambda found, line: "a [[table]] line is not closed (a ']]' is missing)",
    ),
    (
        re.compile(r"Expected newline or end of document after a statement"),
        lambda found, line: (
            "more follows a value on its line (one key = value a line; a comment starts with #)"
        ),
    ),
)


def toml_problem(error: tomllib.TOMLDecodeError, text: str) -> Problem:
    """What is wrong with the TOML `text`, at the line tomllib stopped on ('line 2'), its
    column said after the problem; at the file's end, said so."""
    where = _WHERE.match(str(error))
    message = where["message"] if where else str(error)
    line_number = int(where["line"]) if where and where["line"] else 0
    lines = text.splitlines()
    line = lines[line_number - 1] if 0 < line_number <= len(lines) else ""
    what = f"not valid TOML: {message}"
    for pattern, said in _SAID:
        found = pattern.fullmatch(message)
        if found is not None:
            what = said(found, line)
            break
    if where is None:  # no place given: tomllib's words alone
        return Problem("", what)
    if not line_number:
        return Problem("", f"{what} (at the end of the file)")
    return Problem(f"line {line_number}", f"{what} (column {where['column']})")
