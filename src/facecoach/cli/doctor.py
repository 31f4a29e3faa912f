"""`facecoach doctor`: what this machine has for facecoach (sound, speech, notifications,
Bluetooth, the daily reminder), what is used, and why the rest is not."""

import argparse
import json

from facecoach.cli.context import open_companion
from facecoach.cli.output import EXIT_OK
from facecoach.system.bluetooth import check_bluetooth
from facecoach.system.scheduler import ReminderScheduler
from facecoach.wording.doctor import channel_state_words


def add_doctor_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    doctor = commands.add_parser(
        "doctor",
        description="Lists each way facecoach reaches you (sound, voice, desktop and terminal "
        "notifications, a command at each cue), whether it is used, and what it uses or why "
        "it cannot work here; then Bluetooth and the daily reminder.",
    )
    doctor.add_argument("--json", action="store_true", help="the same as JSON")
    doctor.set_defaults(handler=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    companion = open_companion(args)
    channels = companion.cue_service.channels()
    bluetooth = check_bluetooth()
    schedule = ReminderScheduler().show()
    reminder = schedule.describe() if schedule else "No daily reminder is installed."
    if args.json:
        print(
            json.dumps(
                {
                    "cues": [
                        {
                            "channel": s.channel.value,
                            "mode": s.mode.value,
                            "state": s.state.value,
                            "how": s.how,
                        }
                        for s in channels
                    ],
                    "bluetooth": {
                        "available": bluetooth.available,
                        "how": bluetooth.how,
                        "findings": [
                            {"what": f.what, "found": f.found, "fix": f.fix or None}
                            for f in bluetooth.findings
                        ],
                    },
                    "reminder": None
                    if schedule is None
                    else {
                        "kind": schedule.kind.value,
                        "at": None if schedule.at is None else f"{schedule.at:%H:%M}",
                        "where": schedule.where,
                    },
                },
                indent=2,
            )
        )
        return EXIT_OK
    print("Cues during a session")
    for status in channels:
        state = channel_state_words(status.state.value, status.mode)
        print(f"  {status.channel.label}: {state} · {status.how}")
    print("Bluetooth")
    print(f"  {'ready' if bluetooth.available else 'not available'} · {bluetooth.how}")
    for finding in bluetooth.findings:
        fix = f": {finding.fix}" if finding.fix else ""
        print(f"  {finding.what}: {finding.found}{fix}")
    print("Daily reminder")
    print(f"  {reminder}")
    return EXIT_OK
