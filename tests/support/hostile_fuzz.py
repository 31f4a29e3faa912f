"""A fuzz of facecoach's outside surface: the CLI, imports, damaged logs, the TOML files.

Each input is one world (a data and a configuration folder, possibly holding hostile files)
and one command line, run through `facecoach.cli.main.main` in this process. The oracle is the
project's rule for bad input: a message in words and an exit code of cli/output.py (0, 1, 2),
never an exception out of `main` (a traceback), never "Traceback" written, never a hang.

Deterministic: the same seed gives the same inputs. `bench/fuzz_hostile.py` runs many; the
test suite runs a short slice (tests/functional/test_hostile_fuzz.py).

Nothing here reaches outside its temporary folder: no command that touches the crontab, a
radio, a Bluetooth controller or a real-time session is run, and every path given is inside
the folder (the process's working directory while it runs).
"""

import contextlib
import io
import json
import os
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Text that came from outside, at its worst: terminal controls, bidi, markup, format fields,
# lone surrogates (bytes that were not UTF-8), huge or empty values.
HOSTILE_TEXT = [
    "",
    " ",
    "a",
    "\x1b]2;owned\x07",
    "\x1b[2J\x1b[H",
    "\x9b31m",
    "\u202eevil",
    "\u2066x\u2069",
    "[@click=app.quit]x[/]",
    "[bold]x",
    "{streak:>999999999}",
    "{0}",
    "%s%n%%",
    "a\udcff",
    "\udce9t\udce9",
    "é" * 300,
    "x" * 5000,
    "\r\n\t",
    "-",
    "--",
    "~nosuchuser/x",
    "../../..",
    "a" * 300,
    "0",
    "-1",
    "1e309",
    "nan",
    "🙂" * 20,
]
DATES = [
    "today",
    "2026-01-01",
    "2030-02-28",
    "20269999",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "1970-01-01",
    "2026-13-01",
    "yesterday",
    "2026-1-1",
]
TIMES = ["09:00", "00:00", "23:59", "24:00", "25:61", "9", "09:00:00.5", "12:00+05:00"]
NUMBERS = ["0", "1", "5", "-1", "1000000", "1000001", "99999999999999999999", "1.5", "nan", "0x10"]
GOALS = ["5/7", "1/1", "0/7", "8/7", "7/0", "1/1000", "a/b", "/", "3/7/9", "99999999999/1"]
TIMEZONES = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu", "Europe/Paris"]

# Words anywhere may be any of these.
Draw = Callable[[random.Random], str]


def one_of(*pools: list[str]) -> Draw:
    merged = [value for pool in pools for value in pool]
    return lambda rng: rng.choice(merged)


TEXT = one_of(HOSTILE_TEXT)
DATE = one_of(DATES, HOSTILE_TEXT[:6])
TIME = one_of(TIMES, HOSTILE_TEXT[:6])
NUMBER = one_of(NUMBERS)
GOAL = one_of(GOALS)
FILE = one_of(
    ["in.csv", "in.json", "routine.toml", "profile.toml", "settings.toml", "nothing-here"],
    ["sub", "sub/", ".", "out\x1b[2J.csv", "a" * 300, "fifo"],
)
ROUTINE = one_of(["express", "lift-5", "mine", "routine.toml", "nosuch"], HOSTILE_TEXT[:8])
ADDRESS = one_of(["5A:1D:00:00:00:01", "AA:BB:CC:DD:EE:FF", "zz", ""], HOSTILE_TEXT[:5])

# (command words, options each drawn or left out, positional draws)
Option = tuple[str, Draw | None]
COMMANDS: list[tuple[list[str], list[Option], list[Draw]]] = [
    (["routines", "list"], [], []),
    (["routines", "show"], [], [ROUTINE]),
    (["routines", "validate"], [], [FILE]),
    (["safety", "show"], [], []),
    (["stats"], [("--json", None)], []),
    (["history"], [("--limit", NUMBER)], []),
    (
        ["log"],
        [("--date", DATE), ("--time", TIME), ("--minutes", NUMBER), ("--note", TEXT)],
        [ROUTINE],
    ),
    (["log", "edit"], [("--note", TEXT), ("--date", DATE), ("--minutes", NUMBER)], [TEXT]),
    (["log", "delete"], [], [TEXT]),
    (["log", "undo"], [], []),
    (["skip"], [("--reason", TEXT), ("--remove", None)], [DATE, DATE]),
    (["export"], [("--format", one_of(["csv", "json", "xml"])), ("--output", FILE)], []),
    (["import"], [], [FILE]),
    (
        ["program"],
        [
            ("--goal", GOAL),
            ("--intro", GOAL),
            ("--intro-days", NUMBER),
            ("--maintenance", GOAL),
            ("--start", DATE),
            ("--day-start-hour", NUMBER),
        ],
        [],
    ),
    (
        ["status"],
        [("--format", one_of(HOSTILE_TEXT, ["{state}", "{streak:>3}"])), ("--json", None)],
        [],
    ),
    (["remind", "--no-notify"], [("--show", None), ("--json", None), ("--again", None)], []),
    (["backup"], [], [FILE]),
    (["backup", "list"], [], []),
    (["restore"], [], [FILE]),
    (["devices", "list"], [], []),
    (["devices", "forget"], [], [ADDRESS]),
    (["profiles", "list"], [], []),
    (["profiles", "show"], [], [one_of(["reference-a", "nosuch"], HOSTILE_TEXT[:6])]),
    (["profiles", "validate"], [], [FILE]),
]


@dataclass
class Finding:
    """An input that broke the rule, with what came out."""

    kind: str
    argv: list[str]
    world: str
    detail: str


@dataclass
class FuzzReport:
    inputs: int = 0
    by_area: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    slowest: tuple[float, list[str]] = (0.0, [])


# --- worlds: what the folders hold -----------------------------------------------------------

VALID_ROUTINE = """id = "mine"
name = "Mine"
glide_seconds = 5
repeats = 2
transition_seconds = 2
side_switch_seconds = 1
[[zones]]
zone = "cheeks"
[[zones]]
zone = "neck"
"""


def _mutated(rng: random.Random, valid: bytes) -> bytes:
    """`valid` damaged one of the ways a file is: flipped bytes, cut, spliced, repeated."""
    data = bytearray(valid)
    kind = rng.randrange(7)
    if kind == 0 and data:
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 1:
        data = data[: rng.randrange(len(data) + 1)]
    elif kind == 2:
        at = rng.randrange(len(data) + 1)
        data[at:at] = rng.choice(HOSTILE_TEXT).encode("utf-8", "surrogateescape")
    elif kind == 3:
        data = data * rng.randint(2, 50)
    elif kind == 4:
        data += b"\nx = " + b"[" * rng.choice([10, 500, 3000]) + b"]" * 10
    elif kind == 5:
        data += rng.choice(
            [
                b"\nglide_seconds = 1e309",
                b"\nrepeats = 99999999999999999999",
                b"\n[zones]\n",
                b'\nid = "\xff\xfe"',
                b"\nname = '''\n",
                b"\n\x00",
                b"\nschema_version = -1",
            ]
        )
    else:
        data = bytearray(rng.randrange(256) for _ in range(rng.randrange(64)))
    return bytes(data)


def _hostile_toml(rng: random.Random, valid: bytes) -> bytes:
    return _mutated(rng, valid) if rng.random() < 0.8 else valid


def _export_sample(rng: random.Random) -> tuple[str, str]:
    """A CSV and a JSON export as `facecoach export` writes them (one session)."""
    session: dict[str, object] = {
        "uid": "0123456789abcdef0123456789abcdef",
        "routine_id": "express",
        "routine_name": rng.choice(HOSTILE_TEXT[:8]),
        "device": None,
        "source": "manual",
        "started_utc": "2026-01-05T09:00:00Z",
        "utc_offset_minutes": 0,
        "ended_utc": "2026-01-05T09:03:00Z",
        "status": "completed",
        "planned_seconds": 180.0,
        "active_seconds": 180.0,
        "note": rng.choice(HOSTILE_TEXT[:8]),
        "zones": [],
        "glides": [],
    }
    document = {"format": "facecoach-export", "version": 1, "sessions": [session], "skip_days": []}
    header = "kind,uid,routine_id,routine_name,device,source,started_utc,utc_offset_minutes,"
    header += "ended_utc,status,planned_seconds,active_seconds,note,zones,day,reason"
    row = (
        "session,0123456789abcdef0123456789abcdef,express,Express,,manual,2026-01-05T09:00:00Z,"
        "0,2026-01-05T09:03:00Z,completed,180.0,180.0,,,,"
    )
    return f"{header}\r\n{row}\r\n", json.dumps(document)


def _damage_log(rng: random.Random, database: Path) -> None:
    """A log edited by another tool, or damaged on disk."""
    kind = rng.randrange(6)
    if kind < 3:
        data = bytearray(database.read_bytes())
        if kind == 0:  # bytes flipped past the header
            for _ in range(rng.randint(1, 20)):
                at = rng.randrange(100, len(data))
                data[at] = rng.randrange(256)
        elif kind == 1:  # cut
            data = data[: rng.randrange(len(data))]
        else:  # a header that lies
            data[rng.randrange(16, 100)] = rng.randrange(256)
        database.write_bytes(bytes(data))
        return
    with contextlib.closing(sqlite3.connect(database)) as connection:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        filled = [
            name for name in tables if connection.execute(f'SELECT 1 FROM "{name}"').fetchone()
        ]
        table = rng.choice(filled or tables)
        columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
        column = rng.choice(columns)
        value = rng.choice(
            [
                "garbage",
                "0001-01-01",
                "9999-99-99T99:99:99Z",
                -1,
                10**18,
                1e308,
                None,
                b"\xff\xfe",
                "\udcff".encode("utf-8", "surrogatepass"),
            ]
        )
        with contextlib.suppress(sqlite3.Error):
            if kind == 3:
                connection.execute(f'UPDATE "{table}" SET "{column}" = ?', (value,))
            elif kind == 4:
                connection.execute(f'DELETE FROM "{table}"')
            else:
                connection.execute("PRAGMA user_version = 99")
            connection.commit()


def _zone_changed() -> None:
    """Makes the C library read TZ again (there is no such call on Windows: TZ is read once)."""
    tzset = getattr(time, "tzset", None)
    if tzset is not None:
        tzset()


@contextlib.contextmanager
def _inside(folder: Path, timezone: str) -> Iterator[None]:
    """The process as one input sees it: its folders, its time zone, its working directory."""
    saved_env = dict(os.environ)
    saved_cwd = Path.cwd()
    os.environ.update(
        FACECOACH_DATA_DIR=str(folder / "data"),
        FACECOACH_CONFIG_DIR=str(folder / "config"),
        FACECOACH_CACHE_DIR=str(folder / "cache"),
        TZ=timezone,
    )
    _zone_changed()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        _zone_changed()


def _run(argv: list[str]) -> tuple[int | None, str, str, BaseException | None]:
    from facecoach.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    code: int | None = None
    escaped: BaseException | None = None
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        contextlib.suppress(KeyboardInterrupt),
    ):
        saved_stdin = sys.stdin
        sys.stdin = io.StringIO("")
        try:
            code = main(argv)
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
        except Exception as exc:  # the finding: what would have been a traceback
            escaped = exc
        finally:
            sys.stdin = saved_stdin
    return code, out.getvalue(), err.getvalue(), escaped


def _argv(rng: random.Random) -> list[str]:
    words, options, positionals = rng.choice(COMMANDS)
    argv = list(words)
    for name, draw in options:
        if rng.random() < 0.5:
            argv += [name] if draw is None else [name, draw(rng)]
    argv += [draw(rng) for draw in positionals if rng.random() < 0.9]
    if rng.random() < 0.05:
        argv = [rng.choice(["--data-dir"]), rng.choice([*HOSTILE_TEXT[:10], "data"]), *argv]
    return argv


def _prepare(rng: random.Random, folder: Path, area: str) -> None:
    """Fills the world's folders for `area`: its hostile files."""
    data, config = folder / "data", folder / "config"
    (config / "routines").mkdir(parents=True)
    (config / "device_profiles").mkdir()
    data.mkdir()
    csv_text, json_text = _export_sample(rng)
    (folder / "in.csv").write_text(csv_text, encoding="utf-8", errors="surrogateescape")
    (folder / "in.json").write_text(json_text, encoding="utf-8", errors="surrogatepass")
    (folder / "routine.toml").write_text(VALID_ROUTINE)
    (folder / "sub").mkdir()
    if hasattr(os, "mkfifo") and rng.random() < 0.1:
        os.mkfifo(folder / "fifo")  # a file that would block a reader for ever
    if area == "imports":
        for name, valid in (("in.csv", csv_text), ("in.json", json_text)):
            raw = valid.encode("utf-8", "surrogatepass")
            if rng.random() < 0.2:  # what is not an export at all, or a field beyond bounds
                raw = rng.choice(
                    [
                        b"[]",
                        b"1",
                        b'"x"',
                        b"null",
                        b"[" * 5000,
                        b"kind\n" + b"x" * 200_000,
                        raw.replace(b",,,,", b"," + b"y" * 140_000 + b",,,"),
                    ]
                )
            (folder / name).write_bytes(_mutated(rng, raw) if rng.random() < 0.7 else raw)
    elif area == "toml":
        profile = Path(__file__).parents[2] / "device_profiles" / "reference-a.toml"
        samples: dict[Path, bytes] = {
            config / "settings.toml": b'glide_seconds = 5\nrepeats = 3\ntheme = "textual-dark"\n',
            config / "devices.toml": (
                b'[[devices]]\naddress = "5A:1D:00:00:00:01"\nprofile = "reference-a"\n'
                b'name = "FC-RefA 0001"\npaired_at = 2026-01-01T00:00:00Z\nsimulated = true\n'
            ),
            config / "routines" / "mine.toml": VALID_ROUTINE.encode(),
            config / "device_profiles" / "p.toml": profile.read_bytes(),
            folder / "routine.toml": VALID_ROUTINE.encode(),
            folder / "profile.toml": profile.read_bytes(),
        }
        for path, sample in samples.items():
            if rng.random() < 0.6:
                path.write_bytes(_hostile_toml(rng, sample))
    elif area == "damaged logs":
        with _inside(folder, "UTC"):
            for day in ("2026-01-03", "2026-01-04"):
                _run(["log", "express", "--date", day, "--time", "09:00", "--note", "n"])
            _run(["skip", "2026-01-05", "--reason", "away"])
        _damage_log(rng, data / "facecoach.db")


NESTED_TOML = b"x = " + b"[" * 1000 + b"]" * 1000 + b"\n"

# Inputs that broke facecoach once (issue 28), each tried as it was found, before the random
# ones: the files it finds, then the command line.
KNOWN_HOSTILE: list[tuple[dict[str, bytes], list[str]]] = [
    ({}, ["status", "--format", "{state:{state}}"]),
    ({}, ["status", "--format", "{streak:%}"]),
    ({}, ["log", "express", "--note", "a\udcff"]),
    ({}, ["skip", "2030-01-01", "--reason", "\udce9t\udce9"]),
    ({"config/settings.toml": NESTED_TOML}, ["status"]),
    ({"config/devices.toml": NESTED_TOML}, ["devices", "list"]),
    ({"config/routines/nested.toml": NESTED_TOML}, ["routines", "list"]),
    ({"config/device_profiles/nested.toml": NESTED_TOML}, ["profiles", "list"]),
]

AREAS = ["cli", "imports", "damaged logs", "toml", "known"]
AREA_COMMANDS: dict[str, list[list[str]]] = {
    "imports": [["import", "in.csv"], ["import", "in.json"]],
    "damaged logs": [
        ["history"],
        ["stats", "--json"],
        ["status"],
        ["export"],
        ["log", "express"],
        ["skip", "2026-01-06"],
        ["backup"],
        ["backup", "list"],
        ["import", "in.csv"],
        ["log", "undo"],
        ["program", "--goal", "3/7"],
        ["remind", "--no-notify"],
    ],
    "toml": [
        ["routines", "list"],
        ["routines", "show", "mine"],
        ["routines", "validate", "routine.toml"],
        ["profiles", "list"],
        ["profiles", "validate", "profile.toml"],
        ["status"],
        ["devices", "list"],
        ["history"],
        ["log", "mine"],
        ["stats"],
    ],
}


def fuzz(
    count: int,
    seed: int = 0,
    *,
    root: Path,
    areas: Sequence[str] = AREAS,
    on_input: Callable[[int], None] | None = None,
) -> FuzzReport:
    """Runs `count` inputs (`areas` in turn) in folders under `root`."""
    rng = random.Random(seed)
    report = FuzzReport()
    for index in range(count):
        area = areas[index % len(areas)]
        folder = root / f"{index:06d}"
        folder.mkdir()
        _prepare(rng, folder, area)
        if area == "known":
            files, argv = KNOWN_HOSTILE[report.by_area.get(area, 0) % len(KNOWN_HOSTILE)]
            for name, data in files.items():
                (folder / name).write_bytes(data)
            argv = list(argv)
        elif area == "cli":
            argv = _argv(rng)
        else:
            argv = list(rng.choice(AREA_COMMANDS[area]))
        timezone = rng.choice(TIMEZONES)
        began = time.monotonic()
        with _inside(folder, timezone):
            code, _out, err, escaped = _run(argv)
        took = time.monotonic() - began
        report.inputs += 1
        report.by_area[area] = report.by_area.get(area, 0) + 1
        if took > report.slowest[0]:
            report.slowest = (took, argv)
        world = f"{area}, {folder.name}, TZ={timezone}"
        if escaped is not None:
            detail = f"{type(escaped).__name__}: {escaped}"
            report.findings.append(Finding("exception", argv, world, detail[:500]))
        elif "Traceback" in err:
            report.findings.append(Finding("traceback printed", argv, world, err[-500:]))
        elif code not in (0, 1, 2):
            report.findings.append(Finding(f"exit code {code}", argv, world, err[-300:]))
        shutil.rmtree(folder, ignore_errors=True)
        if on_input is not None:
            on_input(index)
    return report
