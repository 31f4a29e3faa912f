"""The daily reminder in the platform's scheduler: the exact entries, checked by systemd itself
where it is installed, and install / reinstall / uninstall / show against a fake machine whose
systemctl, crontab, launchctl and schtasks keep state the way the real ones do."""

import json
import os
import plistlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import time
from pathlib import Path

import pytest

from facecoach.companion.reminders import parse_time_of_day, reminder_environment
from facecoach.errors import FacecoachError
from facecoach.system.scheduler import (
    InstalledSchedule,
    ReminderScheduleError,
    ReminderScheduler,
    RunResult,
    ScheduleKind,
    run_command,
)
from facecoach.system.scheduler.cron import CRON_MARKER, cron_line
from facecoach.system.scheduler.launchd import launchd_plist
from facecoach.system.scheduler.schtasks import schtasks_create_args
from facecoach.system.scheduler.systemd import (
    SYSTEMD_SERVICE,
    SYSTEMD_TIMER,
    systemd_exec_start,
    systemd_units,
)

PYTHON = "/usr/bin/python3"
COMMAND = [PYTHON, "-m", "facecoach", "remind"]
AT = time(8, 30)
ENV = {"FACECOACH_CONFIG_DIR": "/home/ann/cfg", "FACECOACH_DATA_DIR": "/home/ann/my data"}
UID = 501
NO_BUS = "Failed to connect to bus: No medium found"

# A crontab with everything a user might have: variables, comments, blank lines, a line with
# trailing blanks, a CRLF line, non-ASCII text and `%`.
OTHER_CRON = (
    "MAILTO=ann@example.org\n"
    "# backups\n"
    "0 3 * * * /usr/local/bin/backup --all   \n"
    "\n"
    "*/5 * * * * date +\\%s >> /tmp/ticks\r\n"
    "15 22 * * 1-5 notify-send 'Schlafenszeit \u2014 gute Nacht'\n"
)


class FakeMachine:
    """A recording stand-in for systemctl --user, crontab, launchctl and schtasks."""

    def __init__(
        self,
        home: Path,
        *,
        user_manager: bool = True,
        crontab: str | None = None,
        missing: Sequence[str] = (),
    ) -> None:
        self.home = home
        self.user_manager = user_manager
        self.crontab = crontab  # None: the user has no crontab yet
        self.missing = set(missing)
        self.refuse: dict[str, str] = {}  # sub-command -> the first line of its complaint
        self.calls: list[list[str]] = []
        self.loaded_units: dict[str, str] = {}
        self.active: set[str] = set()
        self.agents: dict[str, dict[str, object]] = {}
        self.tasks: dict[str, tuple[str, str]] = {}  # name -> (start time, command line)

    def __call__(self, argv: Sequence[str], stdin: bytes | None = None) -> RunResult:
        argv = list(argv)
        self.calls.append(argv)
        program, args = argv[0], argv[1:]
        if program in self.missing:
            return RunResult(127, stderr=f"{program}: not found", available=False)
        handler = {
            "systemctl": self._systemctl,
            "crontab": self._crontab,
            "launchctl": self._launchctl,
            "schtasks": self._schtasks,
        }[program]
        # The crontab is kept as text here; a byte that is not UTF-8 travels as a surrogate.
        text = None if stdin is None else stdin.decode("utf-8", "surrogateescape")
        return handler(args, text)

    def commands(self, program: str) -> list[list[str]]:
        return [call[1:] for call in self.calls if call[0] == program]

    # systemctl --user

    @property
    def unit_dir(self) -> Path:
        return self.home / ".config" / "systemd" / "user"

    def _systemctl(self, args: list[str], stdin: str | None) -> RunResult:
        assert args[0] == "--user"
        verb, rest = args[1], args[2:]
        if not self.user_manager:
            return RunResult(1, stderr=NO_BUS + "\n")
        if verb in self.refuse:
            return RunResult(1, stderr=self.refuse[verb] + "\n")
        wants = self.unit_dir / "timers.target.wants"
        if verb == "show-environment":
            return RunResult(0, stdout=f"HOME={self.home}\n")
        if verb == "daemon-reload":
            self.loaded_units = {
                path.name: path.read_text() for path in self.unit_dir.glob("facecoach-*")
            }
            return RunResult(0)
        if verb in ("enable", "disable"):
            assert rest[0] == "--now"
            unit = rest[1]
            if unit not in self.loaded_units:
                return RunResult(1, stderr=f"Failed to {verb} unit: Unit {unit} does not exist.\n")
            if verb == "enable":
                wants.mkdir(parents=True, exist_ok=True)
                if not (wants / unit).is_symlink():
                    (wants / unit).symlink_to(self.unit_dir / unit)
                self.active.add(unit)
            else:
                (wants / unit).unlink(missing_ok=True)
                self.active.discard(unit)
            return RunResult(0)
        raise AssertionError(f"unexpected systemctl call: {args}")

    # crontab

    def _crontab(self, args: list[str], stdin: str | None) -> RunResult:
        if args == ["-l"]:
            if self.crontab is None:
                return RunResult(1, stderr="no crontab for ann\n")
            return RunResult.of_bytes(0, self.crontab.encode("utf-8", "surrogateescape"))
        assert args == ["-"]
        assert stdin is not None
        if "-" in self.refuse:
            return RunResult(1, stderr=self.refuse["-"] + "\n")
        assert stdin == "" or stdin.endswith("\n"), "cron wants a newline after the last line"
        self.crontab = stdin
        return RunResult(0)

    def our_cron_lines(self) -> list[str]:
        return [line for line in (self.crontab or "").split("\n") if line.endswith(CRON_MARKER)]

    # launchctl

    def _launchctl(self, args: list[str], stdin: str | None) -> RunResult:
        verb = args[0]
        if verb in self.refuse:
            return RunResult(5, stderr=self.refuse[verb] + "\n")
        if verb == "bootout":
            label = args[1].removeprefix(f"gui/{UID}/")
            if self.agents.pop(label, None) is None:
                return RunResult(3, stderr="Boot-out failed: 3: No such process\n")
            return RunResult(0)
        if verb in ("bootstrap", "load"):
            assert args[1] == (f"gui/{UID}" if verb == "bootstrap" else "-w")
            agent = plistlib.loads(Path(args[2]).read_bytes())
            if agent["Label"] in self.agents:
                return RunResult(5, stderr="Bootstrap failed: 5: Input/output error\n")
            self.agents[agent["Label"]] = agent
            return RunResult(0)
        if verb == "unload":
            agent = plistlib.loads(Path(args[2]).read_bytes())
            self.agents.pop(agent["Label"], None)
            return RunResult(0)
        raise AssertionError(f"unexpected launchctl call: {args}")

    # schtasks

    def _schtasks(self, args: list[str], stdin: str | None) -> RunResult:
        verb = args[0]
        options = dict(zip(args[1::2], args[2::2], strict=False))
        name = options["/TN"]
        if verb in self.refuse:
            return RunResult(1, stderr=self.refuse[verb] + "\r\n")
        if verb == "/Create":
            if name in self.tasks and "/F" not in args:
                return RunResult(1, stderr=f"WARNING: The task name {name} already exists.\r\n")
            self.tasks[name] = (options["/ST"], options["/TR"])
            return RunResult(0, stdout=f'SUCCESS: The scheduled task "{name}" has been created.')
        if name not in self.tasks:
            return RunResult(1, stderr="ERROR: The system cannot find the file specified.\r\n")
        if verb == "/Query":
            assert "/XML" in args
            start, command = self.tasks[name]
            return RunResult(0, stdout=task_xml(start, command))
        if verb == "/Delete":
            del self.tasks[name]
            return RunResult(0, stdout=f'SUCCESS: The scheduled task "{name}" was deleted.')
        raise AssertionError(f"unexpected schtasks call: {args}")


def task_xml(start: str, command: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-16"?>\r\n'
        '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">\r\n'
        "  <Triggers><CalendarTrigger>\r\n"
        f"    <StartBoundary>2026-11-20T{start}:00</StartBoundary>\r\n"
        "    <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>\r\n"
        "  </CalendarTrigger></Triggers>\r\n"
        f"  <Actions><Exec><Command>{command}</Command></Exec></Actions>\r\n"
        "</Task>\r\n"
    )


def scheduler(machine: FakeMachine, platform: str = "linux") -> ReminderScheduler:
    return ReminderScheduler(runner=machine, home=machine.home, platform=platform, uid=UID)


# --- The time of day ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("08:30", time(8, 30)), ("8:30", time(8, 30)), (" 21:05 ", time(21, 5)), ("00:00", time(0))],
)
def test_a_time_of_day_is_hours_and_minutes(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["8:3", "25:00", "24:00", "12:60", "noon", "", "8.30", "08:30:00"])
def test_a_bad_time_of_day_is_a_user_error_that_says_how_to_write_one(text: str) -> None:
    with pytest.raises(ReminderScheduleError, match="HH:MM on the 24-hour clock") as caught:
        parse_time_of_day(text)
    assert isinstance(caught.value, FacecoachError)
    assert f"'{text}'" in str(caught.value)


# --- The entries, as text -----------------------------------------------------------------------


def test_systemd_units_are_a_oneshot_service_and_a_persistent_daily_timer() -> None:
    units = systemd_units(COMMAND, AT, ENV)
    header = (
        "# Written by `facecoach remind --install`; `facecoach remind --uninstall` removes it.\n"
    )
    assert units == {
        SYSTEMD_SERVICE: header + "[Unit]\n"
        "Description=facecoach: remind about today's session\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        'Environment="FACECOACH_CONFIG_DIR=/home/ann/cfg"\n'
        'Environment="FACECOACH_DATA_DIR=/home/ann/my data"\n'
        "ExecStart=/usr/bin/python3 -m facecoach remind\n",
        SYSTEMD_TIMER: header + "[Unit]\n"
        "Description=facecoach: daily reminder at 08:30\n"
        "\n"
        "[Timer]\n"
        "OnCalendar=*-*-* 08:30:00\n"
        "Persistent=true\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n",
    }


def test_systemd_quoting_keeps_spaces_quotes_percent_dollar_and_backslash_literal() -> None:
    command = ["/opt/my apps/py", "-c", 'print("hi")', "100%", "$HOME", "a\\b", ""]
    assert systemd_exec_start(command) == (
        '"/opt/my apps/py" -c "print(\\"hi\\")" "100%%" "$$HOME" "a\\\\b" ""'
    )
    # systemd refuses a quote in the executable's own path: env(1) starts it instead.
    assert systemd_exec_start(['/opt/it\'s "here"/py', "-m", "facecoach"]) == (
        '/usr/bin/env "/opt/it\'s \\"here\\"/py" -m facecoach'
    )
    service = systemd_units(["/bin/true"], AT, {"X": 'a "b" 5% $y\\z'})[SYSTEMD_SERVICE]
    assert 'Environment="X=a \\"b\\" 5%% $y\\\\z"\n' in service


def test_the_cron_line_runs_the_command_with_its_environment_and_ends_with_the_marker() -> None:
    assert cron_line(COMMAND, AT, ENV) == (
        "30 8 * * * FACECOACH_CONFIG_DIR=/home/ann/cfg FACECOACH_DATA_DIR='/home/ann/my data' "
        "/usr/bin/python3 -m facecoach remind  # facecoach-remind"
    )
    assert cron_line(["/opt/it's/py", "100%"], time(0, 5)) == (
        "5 0 * * * '/opt/it'\"'\"'s/py' 100\\%  # facecoach-remind"
    )


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="no /bin/sh to run a cron command")
def test_the_cron_command_gives_the_program_exactly_its_arguments(tmp_path: Path) -> None:
    """What cron does with the line: `\\%` becomes `%`, the rest goes to /bin/sh as it is."""
    odd_dir = tmp_path / 'it\'s "odd" 100%'
    odd_dir.mkdir()
    program = odd_dir / "py thon"
    program.symlink_to(sys.executable)
    script = "import json, os, sys; print(json.dumps([sys.argv[1:], os.environ['FACECOACH_X']]))"
    arguments = ["a b", "it's", '"q"', "100%", "$HOME", "a\\b", "*"]
    line = cron_line([str(program), "-c", script, *arguments], AT, {"FACECOACH_X": "5% 'x'"})
    shell_part = line.split(" * * * ", 1)[1].replace("\\%", "%")
    result = subprocess.run(
        ["/bin/sh", "-c", shell_part], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert json.loads(result.stdout) == [arguments, "5% 'x'"]


def test_the_launchd_plist_is_an_argument_list_at_an_hour_and_minute() -> None:
    command = ['/Applications/Face Coach/py"thon', "-m", "facecoach", "remind"]
    agent = plistlib.loads(launchd_plist(command, time(7, 5), ENV))
    assert agent == {
        "Label": "io.facecoach.remind",
        "ProgramArguments": command,
        "StartCalendarInterval": {"Hour": 7, "Minute": 5},
        "EnvironmentVariables": ENV,
    }
    assert "EnvironmentVariables" not in plistlib.loads(launchd_plist(command, AT))


def test_the_schtasks_command_quotes_the_task_command_line_the_windows_way() -> None:
    command = ["C:\\Program Files\\Python311\\python.exe", "-m", "facecoach", "remind", 'say "hi"']
    assert schtasks_create_args(command, time(6, 0)) == [
        "schtasks",
        "/Create",
        "/TN",
        "facecoach-remind",
        "/SC",
        "DAILY",
        "/ST",
        "06:00",
        "/TR",
        '"C:\\Program Files\\Python311\\python.exe" -m facecoach remind "say \\"hi\\""',
        "/F",
    ]


def test_a_line_break_in_the_environment_is_refused_in_user_words() -> None:
    with pytest.raises(ReminderScheduleError, match=r"line break.*not installed"):
        cron_line(COMMAND, AT, {"FACECOACH_DATA_DIR": "/tmp/a\nb"})


def test_a_relative_program_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="absolute path"):
        systemd_units(["python3", "-m", "facecoach"], AT)


def test_only_facecoach_directories_travel_with_the_reminder(tmp_path: Path) -> None:
    environ = {
        "FACECOACH_CONFIG_DIR": str(tmp_path / "cfg"),
        "FACECOACH_DATA_DIR": "",
        "PATH": "/usr/bin",
        "HOME": "/home/ann",
    }
    assert reminder_environment(environ) == {"FACECOACH_CONFIG_DIR": str(tmp_path / "cfg")}


# --- systemd's own verdict on the units ---------------------------------------------------------

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
needs_systemd_analyze = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed: no systemd to ask"
)


def systemd_verify(units: dict[str, str], tmp_path: Path) -> tuple[int, str]:
    """`systemd-analyze verify --user` on the units: its exit status and what it said about
    them. It works without a running systemd: it only needs a private runtime directory (a
    container has no /run/user/<uid>). The directory's path is kept short, as the host's own
    user units put sockets in it (a long path draws complaints about them, not about ours)."""
    assert SYSTEMD_ANALYZE is not None
    unit_dir = tmp_path / "units"
    unit_dir.mkdir(parents=True)
    for name, text in units.items():
        (unit_dir / name).write_text(text)
    with tempfile.TemporaryDirectory(prefix="fc-") as runtime:
        environment = {**os.environ, "XDG_RUNTIME_DIR": runtime, "HOME": str(tmp_path)}
        result = subprocess.run(
            [
                SYSTEMD_ANALYZE,
                "verify",
                "--user",
                "--man=no",
                str(unit_dir / SYSTEMD_TIMER),
                str(unit_dir / SYSTEMD_SERVICE),
            ],
            capture_output=True,
            text=True,
            env=environment,
            check=False,
        )
    # verify exits 0 on some fatal errors of the service (it is only the timer's dependency),
    # so its messages about our units are the verdict as much as the exit status.
    ours = [line for line in result.stderr.splitlines() if "facecoach-remind" in line]
    return result.returncode, "\n".join(ours)


@needs_systemd_analyze
@pytest.mark.parametrize("at", [time(0, 0), time(8, 30), time(23, 59)])
def test_systemd_accepts_the_units(at: time, tmp_path: Path) -> None:
    units = systemd_units([sys.executable, "-m", "facecoach"], at, ENV)
    assert systemd_verify(units, tmp_path) == (0, "")


@needs_systemd_analyze
def test_systemd_finds_the_program_behind_the_quoting(tmp_path: Path) -> None:
    """verify checks that the executable exists: the quoted path must come out whole."""
    odd_dir = tmp_path / "my apps 100%"
    odd_dir.mkdir()
    (odd_dir / "py thon").symlink_to(sys.executable)
    quoted_dir = tmp_path / 'it\'s "odd"'
    quoted_dir.mkdir()
    (quoted_dir / "python").symlink_to(sys.executable)
    for number, program in enumerate([odd_dir / "py thon", quoted_dir / "python"]):
        command = [str(program), "-c", 'print("$HOME 100% a\\b")']
        units = systemd_units(command, AT, {"FACECOACH_X": 'a "b" 5%'})
        assert systemd_verify(units, tmp_path / str(number)) == (0, "")
    # Why the second goes through env(1): systemd refuses the quote in an executable's name.
    direct = {**units}
    direct[SYSTEMD_SERVICE] = direct[SYSTEMD_SERVICE].replace("=/usr/bin/env ", "=")
    assert direct != units
    complaint = systemd_verify(direct, tmp_path / "direct")[1]
    assert "Executable name contains special characters" in complaint


@needs_systemd_analyze
def test_systemd_verify_does_complain_about_a_bad_unit(tmp_path: Path) -> None:
    """Guards the tests above: a check that never fails would pass anything."""
    units = systemd_units([sys.executable], AT)
    units[SYSTEMD_TIMER] = units[SYSTEMD_TIMER].replace("08:30:00", "25:30:00")
    assert "Failed to parse calendar specification" in systemd_verify(units, tmp_path)[1]
    missing = systemd_units([str(tmp_path / "no such python")], AT)
    assert "is not executable" in systemd_verify(missing, tmp_path / "missing")[1]


# --- Linux: the systemd user timer --------------------------------------------------------------


def test_install_writes_the_units_reloads_and_enables_the_timer(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, crontab=OTHER_CRON)
    result = scheduler(machine).install(COMMAND, AT, ENV)
    assert result.schedule == InstalledSchedule(
        ScheduleKind.SYSTEMD, AT, str(machine.unit_dir / SYSTEMD_TIMER)
    )
    assert result.notes == ()
    assert machine.loaded_units == systemd_units(COMMAND, AT, ENV)
    assert machine.commands("systemctl") == [
        ["--user", "show-environment"],
        ["--user", "daemon-reload"],
        ["--user", "enable", "--now", SYSTEMD_TIMER],
    ]
    assert machine.active == {SYSTEMD_TIMER}
    assert machine.crontab == OTHER_CRON  # read for an old line of ours, not written
    assert ["-"] not in machine.commands("crontab")
    assert "every day at 08:30" in result.describe()


def test_reinstall_at_a_new_time_replaces_the_timer(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path)
    scheduler(machine).install(COMMAND, AT)
    scheduler(machine).install(COMMAND, time(19, 45))
    assert sorted(path.name for path in machine.unit_dir.iterdir()) == [
        SYSTEMD_SERVICE,
        SYSTEMD_TIMER,
        "timers.target.wants",
    ]
    assert "OnCalendar=*-*-* 19:45:00\n" in machine.loaded_units[SYSTEMD_TIMER]
    shown = scheduler(machine).show()
    assert shown is not None
    assert (shown.kind, shown.at) == (ScheduleKind.SYSTEMD, time(19, 45))


def test_a_refusing_systemctl_leaves_nothing_installed(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path)
    machine.refuse["enable"] = "Failed to enable unit: Access denied"
    with pytest.raises(ReminderScheduleError) as caught:
        scheduler(machine).install(COMMAND, AT)
    assert str(caught.value) == (
        "systemctl --user enable refused: Failed to enable unit: Access denied; "
        "the reminder is not installed."
    )
    assert list(machine.unit_dir.iterdir()) == []
    assert machine.commands("systemctl")[-1] == ["--user", "daemon-reload"]
    assert machine.loaded_units == {}
    assert scheduler(machine).show() is None


def test_an_unwritable_unit_directory_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / ".config").mkdir()
    (tmp_path / ".config" / "systemd").write_text("a file where a directory should be")
    machine = FakeMachine(tmp_path)
    with pytest.raises(ReminderScheduleError, match=r"Could not write .*not installed"):
        scheduler(machine).install(COMMAND, AT)
    assert machine.commands("systemctl") == [["--user", "show-environment"]]


def test_uninstall_disables_the_timer_and_removes_only_our_units(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, crontab=OTHER_CRON)
    scheduler(machine).install(COMMAND, AT)
    neighbour = machine.unit_dir / "backup.timer"
    neighbour.write_text("[Timer]\nOnCalendar=daily\n")
    machine.calls.clear()
    result = scheduler(machine).uninstall()
    # U25: the two units in one phrase, not the same words twice.
    assert result.removed == (
        f"the systemd user units {machine.unit_dir / SYSTEMD_SERVICE} and "
        f"{machine.unit_dir / SYSTEMD_TIMER}",
    )
    assert machine.commands("systemctl") == [
        ["--user", "disable", "--now", SYSTEMD_TIMER],
        ["--user", "daemon-reload"],
    ]
    assert machine.active == set()
    assert machine.loaded_units == {}
    assert sorted(path.name for path in machine.unit_dir.iterdir()) == [
        "backup.timer",
        "timers.target.wants",
    ]
    assert list((machine.unit_dir / "timers.target.wants").iterdir()) == []
    assert machine.crontab == OTHER_CRON
    assert scheduler(machine).show() is None
    assert result.describe().startswith("Removed the systemd user units ")
    assert result.describe().count("the systemd user unit") == 1


def test_uninstall_with_nothing_installed_is_a_calm_no_op(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, crontab=OTHER_CRON)
    result = scheduler(machine).uninstall()
    assert result.removed == ()
    assert result.describe() == "No reminder schedule is installed; there was nothing to remove."
    assert machine.commands("systemctl") == []
    assert machine.commands("crontab") == [["-l"]]
    assert machine.crontab == OTHER_CRON


def test_uninstall_with_no_crontab_and_no_crontab_program(tmp_path: Path) -> None:
    assert scheduler(FakeMachine(tmp_path)).uninstall().removed == ()
    assert scheduler(FakeMachine(tmp_path, missing=["crontab"])).uninstall().removed == ()


def test_show_with_nothing_installed(tmp_path: Path) -> None:
    assert scheduler(FakeMachine(tmp_path)).show() is None
    assert scheduler(FakeMachine(tmp_path, missing=["crontab", "systemctl"])).show() is None


# --- Linux without a user manager: the crontab line ---------------------------------------------


def test_without_a_user_manager_the_reminder_is_a_crontab_line(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, user_manager=False, crontab=OTHER_CRON)
    result = scheduler(machine).install(COMMAND, AT, ENV)
    assert result.schedule == InstalledSchedule(ScheduleKind.CRON, AT, "your crontab")
    assert machine.crontab == OTHER_CRON + cron_line(COMMAND, AT, ENV) + "\n"
    assert NO_BUS in result.describe()
    assert not machine.unit_dir.exists()
    assert machine.commands("systemctl") == [["--user", "show-environment"]]


def test_without_systemctl_at_all_the_reminder_is_a_crontab_line(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, missing=["systemctl"])
    result = scheduler(machine).install(COMMAND, AT)
    assert result.schedule.kind is ScheduleKind.CRON
    assert machine.crontab == cron_line(COMMAND, AT) + "\n"
    assert "systemctl: not found" in result.describe()


def test_a_crontab_without_a_final_newline_gets_one_before_our_line(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, user_manager=False, crontab="0 3 * * * backup")
    scheduler(machine).install(COMMAND, AT)
    assert machine.crontab == "0 3 * * * backup\n" + cron_line(COMMAND, AT) + "\n"


def test_reinstall_replaces_our_line_and_keeps_every_other_line(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, user_manager=False, crontab=OTHER_CRON)
    scheduler(machine).install(COMMAND, AT)
    machine.crontab = (machine.crontab or "") + "45 23 * * * /usr/bin/late-job\n"
    scheduler(machine).install(COMMAND, time(21, 0))
    assert machine.our_cron_lines() == [cron_line(COMMAND, time(21, 0))]
    assert machine.crontab == (
        OTHER_CRON + "45 23 * * * /usr/bin/late-job\n" + cron_line(COMMAND, time(21, 0)) + "\n"
    )
    assert scheduler(machine).show() == InstalledSchedule(
        ScheduleKind.CRON, time(21, 0), "your crontab"
    )


def test_uninstall_removes_only_our_crontab_line(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, user_manager=False, crontab=OTHER_CRON)
    scheduler(machine).install(COMMAND, AT)
    machine.crontab = (machine.crontab or "") + "# after ours\n"
    result = scheduler(machine).uninstall()
    assert result.removed == ("the line marked '# facecoach-remind' from your crontab",)
    assert machine.crontab == OTHER_CRON + "# after ours\n"
    assert scheduler(machine).show() is None
    assert scheduler(machine).uninstall().removed == ()


def test_a_crontab_of_only_our_line_is_emptied_on_uninstall(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, user_manager=False)
    scheduler(machine).install(COMMAND, AT)
    scheduler(machine).uninstall()
    assert machine.crontab == ""


def test_neither_systemctl_nor_crontab_says_what_to_install(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, user_manager=False, missing=["crontab"])
    with pytest.raises(ReminderScheduleError) as caught:
        scheduler(machine).install(COMMAND, AT)
    message = str(caught.value)
    assert NO_BUS in message
    assert "no crontab program" in message
    assert "not installed" in message
    assert "Install cron" in message


def test_a_refusing_crontab_is_a_user_error_and_changes_nothing(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, user_manager=False, crontab=OTHER_CRON)
    machine.refuse["-"] = "You (ann) are not allowed to use this program (crontab)"
    with pytest.raises(ReminderScheduleError) as caught:
        scheduler(machine).install(COMMAND, AT)
    assert str(caught.value) == (
        "crontab refused the new table: You (ann) are not allowed to use this program "
        "(crontab); your crontab was left as it was."
    )
    assert machine.crontab == OTHER_CRON


def test_a_failing_crontab_listing_is_not_taken_for_an_empty_one(tmp_path: Path) -> None:
    def runner(argv: Sequence[str], stdin: bytes | None = None) -> RunResult:
        if argv[0] == "systemctl":
            return RunResult(1, stderr=NO_BUS)
        assert list(argv) == ["crontab", "-l"], "nothing may be written after a failed read"
        return RunResult(1, stderr="crontab: cannot open /var/spool/cron: Permission denied\n")

    with pytest.raises(ReminderScheduleError, match="crontab -l failed: crontab: cannot open"):
        ReminderScheduler(runner=runner, home=tmp_path, platform="linux").install(COMMAND, AT)


def test_moving_between_systemd_and_cron_leaves_one_reminder(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, crontab=OTHER_CRON)
    scheduler(machine).install(COMMAND, AT)
    machine.user_manager = False  # the same home, now in a container
    scheduler(machine).install(COMMAND, time(9, 0))
    assert not (machine.unit_dir / SYSTEMD_TIMER).exists()
    assert not (machine.unit_dir / "timers.target.wants" / SYSTEMD_TIMER).is_symlink()
    assert machine.our_cron_lines() == [cron_line(COMMAND, time(9, 0))]
    machine.user_manager = True  # and back on the desktop
    scheduler(machine).install(COMMAND, time(10, 0))
    assert machine.crontab == OTHER_CRON
    assert scheduler(machine).show() == InstalledSchedule(
        ScheduleKind.SYSTEMD, time(10, 0), str(machine.unit_dir / SYSTEMD_TIMER)
    )


# --- macOS: the launchd agent -------------------------------------------------------------------


def plist_path(home: Path) -> Path:
    return home / "Library" / "LaunchAgents" / "io.facecoach.remind.plist"


def test_darwin_install_writes_the_agent_and_bootstraps_it(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path)
    result = scheduler(machine, "darwin").install(COMMAND, AT, ENV)
    path = plist_path(tmp_path)
    assert result.schedule == InstalledSchedule(ScheduleKind.LAUNCHD, AT, str(path))
    assert path.read_bytes() == launchd_plist(COMMAND, AT, ENV)
    assert machine.commands("launchctl") == [
        ["bootout", f"gui/{UID}/io.facecoach.remind"],
        ["bootstrap", f"gui/{UID}", str(path)],
    ]
    assert list(machine.agents) == ["io.facecoach.remind"]
    assert machine.commands("systemctl") == machine.commands("crontab") == []


def test_darwin_reinstall_reloads_the_agent_at_the_new_time(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path)
    scheduler(machine, "darwin").install(COMMAND, AT)
    scheduler(machine, "darwin").install(COMMAND, time(6, 15))
    assert machine.agents["io.facecoach.remind"]["StartCalendarInterval"] == {
        "Hour": 6,
        "Minute": 15,
    }
    assert scheduler(machine, "darwin").show() == InstalledSchedule(
        ScheduleKind.LAUNCHD, time(6, 15), str(plist_path(tmp_path))
    )


def test_darwin_falls_back_to_launchctl_load(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path)
    machine.refuse["bootstrap"] = "Unrecognized subcommand: bootstrap"
    scheduler(machine, "darwin").install(COMMAND, AT)
    assert machine.commands("launchctl")[-1] == ["load", "-w", str(plist_path(tmp_path))]
    assert list(machine.agents) == ["io.facecoach.remind"]


def test_darwin_refusal_leaves_no_agent_behind(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path)
    machine.refuse["bootstrap"] = "Bootstrap failed: 5: Input/output error"
    machine.refuse["load"] = "Load failed: 5: Input/output error"
    with pytest.raises(ReminderScheduleError) as caught:
        scheduler(machine, "darwin").install(COMMAND, AT)
    assert str(caught.value) == (
        "launchctl refused the reminder agent: Bootstrap failed: 5: Input/output error; "
        "the reminder is not installed."
    )
    assert not plist_path(tmp_path).exists()


def test_darwin_uninstall_boots_out_and_removes_the_agent(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path)
    scheduler(machine, "darwin").install(COMMAND, AT)
    result = scheduler(machine, "darwin").uninstall()
    assert result.removed == (f"the launchd agent {plist_path(tmp_path)}",)
    assert machine.agents == {}
    assert not plist_path(tmp_path).exists()
    assert plist_path(tmp_path).parent.exists()  # the user's LaunchAgents directory stays
    assert scheduler(machine, "darwin").show() is None
    assert scheduler(machine, "darwin").uninstall().removed == ()


# --- Windows: the Task Scheduler task ----------------------------------------------------------

WINDOWS_COMMAND = ["C:\\Program Files\\Python311\\python.exe", "-m", "facecoach", "remind"]


def test_win32_install_creates_the_task(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path)
    result = scheduler(machine, "win32").install(WINDOWS_COMMAND, AT)
    assert result.schedule == InstalledSchedule(ScheduleKind.TASK_SCHEDULER, AT, "facecoach-remind")
    assert result.notes == ()
    assert machine.calls == [schtasks_create_args(WINDOWS_COMMAND, AT)]
    assert machine.tasks == {
        "facecoach-remind": ("08:30", subprocess.list2cmdline(WINDOWS_COMMAND))
    }


def test_win32_says_the_environment_does_not_travel(tmp_path: Path) -> None:
    result = scheduler(FakeMachine(tmp_path), "win32").install(WINDOWS_COMMAND, AT, ENV)
    assert len(result.notes) == 1
    assert "FACECOACH_CONFIG_DIR, FACECOACH_DATA_DIR" in result.notes[0]


def test_win32_reinstall_show_and_uninstall(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path)
    scheduler(machine, "win32").install(WINDOWS_COMMAND, AT)
    scheduler(machine, "win32").install(WINDOWS_COMMAND, time(20, 10))
    assert scheduler(machine, "win32").show() == InstalledSchedule(
        ScheduleKind.TASK_SCHEDULER, time(20, 10), "facecoach-remind"
    )
    assert scheduler(machine, "win32").uninstall().removed == (
        "the Task Scheduler task facecoach-remind",
    )
    assert machine.tasks == {}
    assert scheduler(machine, "win32").show() is None
    assert scheduler(machine, "win32").uninstall().removed == ()


def test_win32_refusal_and_missing_schtasks_are_user_errors(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path)
    machine.refuse["/Create"] = "ERROR: Access is denied."
    with pytest.raises(ReminderScheduleError) as caught:
        scheduler(machine, "win32").install(WINDOWS_COMMAND, AT)
    assert str(caught.value) == (
        "schtasks refused the reminder task: ERROR: Access is denied.; "
        "the reminder is not installed."
    )
    missing = FakeMachine(tmp_path, missing=["schtasks"])
    with pytest.raises(ReminderScheduleError, match="schtasks is not available"):
        scheduler(missing, "win32").install(WINDOWS_COMMAND, AT)
    assert scheduler(missing, "win32").show() is None


# --- The real runner -----------------------------------------------------------------------------


def test_the_runner_reports_a_missing_program_instead_of_raising(tmp_path: Path) -> None:
    result = run_command([str(tmp_path / "no-such-scheduler"), "--user"])
    assert not result.available
    assert not result.ok
    assert result.first_line().endswith("no-such-scheduler: not found")


def test_the_runner_passes_input_and_returns_output() -> None:
    script = (
        "import sys; data = sys.stdin.buffer.read(); sys.stdout.buffer.write(data.upper()); "
        "sys.exit(3)"
    )
    result = run_command([sys.executable, "-c", script], b"30 8 * * * x\r\xff\n")
    assert (result.returncode, result.output, result.available) == (
        3,
        b"30 8 * * * X\r\xff\n",
        True,
    )
    assert not result.ok
