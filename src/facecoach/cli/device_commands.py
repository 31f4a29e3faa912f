"""What `facecoach devices ...` and `facecoach profiles ...` do (their arguments are in
`cli/devices.py`; this module is loaded when one of them runs)."""

import argparse
import asyncio
import re
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from facecoach.cli.context import device_service
from facecoach.cli.output import EXIT_ERROR, EXIT_OK, error, print_problems, print_table, say, warn
from facecoach.cli.realtime import run_to_the_end
from facecoach.companion.by_hand import check_sent_by_hand
from facecoach.companion.devices import DeviceService
from facecoach.config.paths import user_profiles_dir
from facecoach.datafiles import write_text_atomic
from facecoach.devices.errors import ProfileError
from facecoach.devices.protocol.golden import vector_failures
from facecoach.devices.protocol.profile import CommandName
from facecoach.devices.protocol.registry import load_profile_file, load_registry
from facecoach.errors import FacecoachError
from facecoach.wording.devices import (
    NOTHING_FOUND,
    describe_answer,
    describe_commands,
    describe_status,
)
from facecoach.wording.text import plain

T = TypeVar("T")


def _service(args: argparse.Namespace) -> "DeviceService":
    """The device service alone: device commands need neither routines nor the session log."""
    return device_service(args)


def _with_problems(service: "DeviceService") -> "DeviceService":
    print_problems(service.problems)
    return service


def _run(coro: Coroutine[Any, Any, T], service: "DeviceService | None" = None) -> T:
    """Runs one device command to its end; then lets go of the radio it used (a Bumble
    transport belongs to the event loop that opened it)."""

    async def then_close() -> T:
        try:
            return await coro
        finally:
            if service is not None:
                await service.close()

    try:
        return run_to_the_end(then_close())
    except KeyboardInterrupt:
        raise FacecoachError("interrupted") from None


def devices_scan(args: argparse.Namespace) -> int:

    if not 0 < args.seconds <= 120:
        raise FacecoachError("--seconds must be more than 0 and at most 120")
    service = _service(args)
    print(f"Scanning for {args.seconds:g} s…", file=sys.stderr)
    results = _run(service.pairing.scan(args.seconds), service)
    print_problems(service.problems)
    if not results:
        print(NOTHING_FOUND)
        return EXIT_OK
    rows = [
        (r.address, r.label, r.profile.name if r.profile else "(no profile)", f"{r.rssi} dBm")
        for r in results
    ]
    print_table(("ADDRESS", "NAME", "PROFILE", "SIGNAL"), rows, sys.stdout)
    if any(r.profile is None for r in results):
        print("\nDevices without a profile can be described with `facecoach devices inspect`.")
    return EXIT_OK


def devices_pair(args: argparse.Namespace) -> int:
    service = _with_problems(_service(args))
    device = _run(service.pairing.pair(args.address, args.profile), service)
    profile = service.profile_for(device)
    say(f"Paired {device.name} ({device.address}) as {profile.name}.")
    for key, value in device.info.items():
        say(f"  {key}: {value}")
    if not profile.programs and CommandName.SET_INTENSITY in profile.commands:
        print(
            f"{profile.name} has no programs: a session sets its level (device_intensity in "
            "settings.toml) at the start and stops it at every end."
        )
    elif not profile.programs:
        print("This profile reads the battery only; facecoach cannot select programs on it.")
    return EXIT_OK


def devices_forget(args: argparse.Namespace) -> int:
    service = _with_problems(_service(args))
    device = _run(service.pairing.forget(args.address), service)
    say(f"Forgot {device.name} ({device.address}).")
    return EXIT_OK


def devices_list(args: argparse.Namespace) -> int:

    service = _with_problems(_service(args))
    if not service.paired_devices:
        print(
            "No paired devices. `facecoach devices scan` then `facecoach devices pair ADDRESS`"
            " (add --simulate to try it without hardware)."
        )
        return EXIT_OK
    rows = [
        (
            d.address,
            d.name + (" (simulated)" if d.simulated else ""),
            d.profile,
            d.paired_at.astimezone().strftime("%Y-%m-%d"),
            "yes" if i == 0 else "",
        )
        for i, d in enumerate(service.paired_devices)
    ]
    print_table(("ADDRESS", "NAME", "PROFILE", "PAIRED", "IN USE"), rows, sys.stdout)
    return EXIT_OK


def devices_info(args: argparse.Namespace) -> int:
    service = _with_problems(_service(args))
    device = service.paired_device(args.address)
    profile, status, info = _run(service.read_details(device), service)
    lines = [*describe_status(profile, status), *(f"{k}: {v}" for k, v in info.items())]
    say(f"{device.name} ({device.address}), profile {device.profile}")
    for line in lines:
        say(f"  {line}")
    return EXIT_OK


def devices_send(args: argparse.Namespace) -> int:
    service = _with_problems(_service(args))
    device = service.paired_device(args.address)
    profile = service.profile_for(device)
    if args.list or args.command is None:
        say(f"Commands of {profile.name} (profile {profile.id}):")
        for line in describe_commands(profile):
            say(f"  {line}")
        if not args.list:
            say("Send one with: facecoach devices send COMMAND [NAME=VALUE ...]")
        return EXIT_OK
    values = _command_values(args.values)
    check_sent_by_hand(profile, args.command, values)
    _, answer = _run(service.send_command(device, args.command, values), service)
    if answer is None:
        say(f"Sent {args.command} to {device.name}; it sends no answer to it.")
    else:
        say(
            f"Sent {args.command} to {device.name}; it answered ({answer.kind.value}): "
            f"{describe_answer(answer.values)}"
        )
    return EXIT_OK


def _command_values(texts: list[str]) -> dict[str, int]:
    values: dict[str, int] = {}
    for text in texts:
        name, sep, raw = text.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name:
            raise FacecoachError(f"{text!r}: give each argument as NAME=VALUE, such as level=3")
        if name in values:
            raise FacecoachError(f"{name} is given twice")
        hexadecimal = raw.lower().startswith("0x")
        try:
            values[name] = int(raw[2:], 16) if hexadecimal else int(raw, 10)
        except ValueError:
            raise FacecoachError(
                f"{text!r}: {raw!r} is not a whole number (decimal, or 0x hex)"
            ) from None
    return values


def devices_record(args: argparse.Namespace) -> int:
    if not 0 < args.seconds <= 3600:
        raise FacecoachError("--seconds must be more than 0 and at most 3600")
    service = _with_problems(_service(args))
    service.recorder.record_to(args.file, replace=args.force, redact=args.redact)
    name = plain(service.paired.name) if service.paired else "the device"  # from the radio
    print(
        f"Recording {name} for {args.seconds:g} s into {args.file} (Ctrl-C ends it sooner)…",
        file=sys.stderr,
    )

    async def record() -> None:
        try:
            await service.connect()
            await asyncio.sleep(args.seconds)
        finally:
            await service.disconnect()

    try:
        _run(record(), service)
    except FacecoachError as exc:
        if str(exc) != "interrupted":
            service.recorder.stop_recording()
            raise
    events, stopped = service.recorder.stop_recording()
    say(f"Recorded {events} event{'' if events == 1 else 's'} into {args.file}.")
    if stopped:
        warn(f"The recording stopped early: {stopped}.")
    return EXIT_OK


def devices_inspect(args: argparse.Namespace) -> int:
    service = _with_problems(_service(args))
    sys.stdout.write(_run(service.pairing.inspect(args.address), service))
    return EXIT_OK


def profiles_list(args: argparse.Namespace) -> int:

    service = _service(args)
    profiles = service.registry.profiles
    print_problems(service.problems)
    rows = [
        (p.id, p.name, str(len(p.programs)), ", ".join(sorted(c.value for c in p.capabilities)))
        for p in profiles
    ]
    print_table(("ID", "NAME", "PROGRAMS", "CAPABILITIES"), rows, sys.stdout)
    return EXIT_OK


def profiles_validate(args: argparse.Namespace) -> int:
    failed = False
    for name in args.files:
        try:
            profile = load_profile_file(Path(name))
        except ProfileError as exc:
            error(str(exc))
            failed = True
            continue
        failures = vector_failures(profile)
        if failures:
            failed = True
            warn(f"{name}: golden vectors do not hold:")
            for line in failures:
                warn(f"  - {line}")
            continue
        count = len(profile.vectors.commands) + len(profile.vectors.notifications)
        vectors = f"{count} golden vectors hold" if count else "no golden vectors"
        say(f"{name}: ok ({profile.id}, {vectors})")
    return EXIT_ERROR if failed else EXIT_OK


def profiles_learn(args: argparse.Namespace) -> int:
    try:
        # An optional extra (Bumble), imported where it is used.
        from facecoach.devices.learning import learn_profile  # noqa: PLC0415
    except ImportError:
        raise FacecoachError(
            "learning from a capture needs Bumble: `pip install 'facecoach[bumble]'`"
        ) from None
    capture: Path = args.capture
    if not capture.name:  # '' or '.': no file to read, and no name to give the draft
        raise FacecoachError("name the capture file to learn from (an empty name is no file)")
    if args.id is not None and not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", args.id):
        raise FacecoachError(
            f"--id {args.id!r}: a profile id is up to 40 lowercase letters, digits, - and _"
        )
    to_stdout = args.output == "-"
    output = None if to_stdout else Path(args.output or capture.with_suffix(".toml"))
    if output is not None and output.resolve() == capture.resolve():
        raise FacecoachError(f"--output {output} is the capture itself")
    if output is not None and output.exists() and not args.force:
        raise FacecoachError(f"{output} exists; pass --force to overwrite it, or --output FILE")
    known = load_registry(user_profiles_dir()).profiles
    learned = learn_profile(
        capture,
        profile_id=args.id,
        known=known,
        output_name="standard output" if output is None else str(output),
        device=args.device,
        redact=args.redact,
    )
    if output is None:
        for line in learned.report:
            print(plain(line), file=sys.stderr)
        sys.stdout.write(learned.text)
        return EXIT_OK
    write_text_atomic(output, learned.text, FacecoachError)
    for line in learned.report:
        say(line)
    say(f"Check the TODO comments, then: facecoach profiles validate {output}")
    return EXIT_OK
