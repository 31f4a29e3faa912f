"""A TOML syntax error in the user's words, at its line: 'line 2' / 'a text value is not
closed (column 15)'.

tomllib says `Illegal character '\\n' (at line 2, column 15)`: true, but it names the parser's
view (a newline where the string's closing quote should be), not the mistake. The common
mistakes (a text value not closed, a missing '=', a key or table given twice, a value TOML
does not know, a date not written YYYY-MM-DD) are said here; any other is said in tomllib's
own words after 'not valid TOML', at the same line and column. Lines are counted as tomllib
counts them, at '\\n' alone.

It lives at the top of the package, beside `datafiles` which reads every TOML file: the
readers (config, routines, devices) sit below `wording` in the layers.
"""

import ast
import re
import tomllib
from collections.abc import Callable
from typing import Any

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


def _table(declared: str) -> str:
    """'[prep]' from tomllib's "('prep',)"; '' when not plainly a name."""
    try:
        parts = ast.literal_eval(declared)
    except (ValueError, SyntaxError):
        return ""
    name = ".".join(parts) if isinstance(parts, tuple) else ""
    return f"[{name}]" if _PLAIN_KEY.fullmatch(name) else ""


# tomllib's 'Cannot overwrite a value' is either mistake; said so when the lines do not tell.
_TWICE_OR_TABLE = "a key is given twice, or a key that holds a value is also used as a table"
_HEADER = re.compile(r"\s*\[\[?(?P<name>[^\[\]]+)\]\]?\s*(?:#.*)?")
_MARK = "facecoach-current-table"  # a key no file has: it shows which table a line is in


def _parsed(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None


def _key_parts(key: str) -> list[str] | None:
    """['prep', 'seconds'] from `prep.seconds` (quoted parts too), as TOML reads the key."""
    node: object = _parsed(f"{key} = 0")
    parts = []
    while isinstance(node, dict) and len(node) == 1:
        part, node = next(iter(node.items()))
        parts.append(part)
    return parts if node == 0 else None


def _table_holding(node: object) -> dict[str, Any] | None:
    """The table in `node` (a parsed document) that holds `_MARK`: the one a line is in."""
    if isinstance(node, dict):
        if _MARK in node:
            return node
        children: list[object] = list(node.values())
    elif isinstance(node, list):
        children = list(node)
    else:
        return None
    return next((found for child in children if (found := _table_holding(child))), None)


def _overwritten(lines: list[str], line_number: int) -> str:
    """tomllib's 'Cannot overwrite a value' at `line_number`, as the mistake it is: the line's
    key given twice, or a key that holds a value used as a table ('prep' then
    'prep.seconds', 'a' then '[a.b]'). Read from the lines before it, which parsed."""
    # The statement that failed may have begun on an earlier line (a value over many lines):
    # it begins on the last line before which the file parses.
    for start in range(line_number, max(line_number - 20, 0), -1):
        before = "\n".join(lines[: start - 1])
        marked = _parsed(f"{before}\n{_MARK} = 0")
        if marked is not None:
            break
    else:
        return _TWICE_OR_TABLE
    line = lines[start - 1]
    header = _HEADER.fullmatch(line)
    parts = _key_parts(header["name"] if header else line.partition("=")[0].strip())
    node: object = marked if header else _table_holding(marked)
    if not parts or node is None:
        return _TWICE_OR_TABLE
    for depth, part in enumerate(parts):
        if isinstance(node, list) and node and isinstance(node[-1], dict):
            node = node[-1]  # an array of tables: its last [[table]] is the one written to
        if not isinstance(node, dict):
            return _holds_a_value(parts[:depth], parts, line if header else "")
        if part not in node:
            return _TWICE_OR_TABLE
        node = node[part]
    if header and not isinstance(node, dict | list):
        return _holds_a_value(parts, parts, line)
    key = ".".join(parts)
    return (
        f"the key '{key}' is given twice" if _PLAIN_KEY.fullmatch(key) else "a key is given twice"
    )


def _holds_a_value(holder: list[str], parts: list[str], header: str) -> str:
    """'the key 'prep' holds a value, so it cannot also be a table ('prep.seconds')', or
    ([prep.x]) as the `header` line wrote it, when a header used it."""
    key, used = ".".join(holder), ".".join(parts)
    if not (_PLAIN_KEY.fullmatch(key) and _PLAIN_KEY.fullmatch(used)):
        return "a key holds a value, so it cannot also be a table"
    if not header:
        shown = f"'{used}'"
    else:
        shown = f"[[{used}]]" if header.lstrip().startswith("[[") else f"[{used}]"
    return f"the key '{key}' holds a value, so it cannot also be a table ({shown})"


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
_TOMLLIB_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], str], str]], ...] = (
    (
        re.compile(r"(?:Illegal|Found invalid) character (.+)"),
        lambda found, line: _illegal_character(found[1]),
    ),
    (re.compile(r"Unterminated string|Expected \"'(?:'')?\""), lambda found, line: NOT_CLOSED),
    (
        re.compile(r"Expected '=' after a key in a key/value pair"),
        lambda found, line: "'=' is missing after a key (write key = value)",
    ),
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


def _place(error: tomllib.TOMLDecodeError, text: str) -> re.Match[str] | None:
    """tomllib's message and where it stopped. At the end of the file, the line of the
    statement that ended there, when its mistake is the same with a newline after it (a key
    given twice or without '=' on the last line: not a text value the file's end leaves open)."""
    where = _WHERE.match(str(error))
    if where is None or where["line"]:
        return where
    try:
        tomllib.loads(f"{text}\n")
    except tomllib.TOMLDecodeError as placed:
        on_its_line = _WHERE.match(str(placed))
        if on_its_line and on_its_line["line"] and on_its_line["message"] == where["message"]:
            return on_its_line
    except RecursionError:
        pass
    return where


# A date not written YYYY-MM-DD ('2024-1-5', '2024-13-01'): tomllib reads the year as a number
# and stops at the '-' after it, which no other value has there.
_YEAR_THEN_DASH = re.compile(r"(?:^|[\s=\[,{])\d{4}$")
DATE_FORM = "a date is a day that exists, written YYYY-MM-DD (2024-01-05)"


def toml_problem(error: tomllib.TOMLDecodeError, text: str) -> Problem:
    """What is wrong with the TOML `text`, at the line tomllib stopped on ('line 2'), its
    column said after the problem; at the file's end, said so."""
    where = _place(error, text)
    message = where["message"] if where else str(error)
    line_number = int(where["line"]) if where and where["line"] else 0
    column = int(where["column"]) if where and where["column"] else 0
    lines = text.split("\n")  # as tomllib counts lines: not at U+2028, '\f' and the like
    line = lines[line_number - 1].removesuffix("\r") if 0 < line_number <= len(lines) else ""
    what = f"not valid TOML: {message}"
    if _YEAR_THEN_DASH.search(line[: column - 1]) and line[column - 1 : column] == "-":
        what = DATE_FORM
    elif message == "Cannot overwrite a value":
        what = _overwritten(lines, line_number) if line_number else _TWICE_OR_TABLE
    else:
        for pattern, said in _TOMLLIB_MESSAGES:
            found = pattern.fullmatch(message)
            if found is not None:
                what = said(found, line)
                break
    if where is None:  # no place given: tomllib's words alone
        return Problem("", what)
    if not line_number:
        return Problem("", f"{what} (at the end of the file)")
    return Problem(f"line {line_number}", f"{what} (column {column})")
