"""A device and its connection in words, the same in the CLI and the TUI."""

from typing import TYPE_CHECKING

from facecoach.devices.protocol.status import DeviceStatus, LinkState

if TYPE_CHECKING:
    from facecoach.devices.protocol.profile import DeviceProfile


def battery_text(status: DeviceStatus) -> str:
    if status.battery is None:
        return "battery unknown"
    text = f"battery {status.battery}%"
    if status.charging:
        text += ", charging"
    return text


def describe_status(profile: "DeviceProfile", status: DeviceStatus) -> list[str]:
    lines = [battery_text(status)[:1].upper() + battery_text(status)[1:]]
    if status.charging:
        lines.append("On the charger: take it off before a session (never use it while charging).")
    if profile.programs:
        lines.append("Programs:")
        for program in profile.programs:
            mark = "●" if status.program_code == program.code else "○"
            lines.append(f"  {mark} {program.name}: {program.purpose}")
    if status.intensity is not None:
        lines.append(f"Intensity {status.intensity} (limit {profile.limits.max_intensity})")
    if status.contact is not None:
        lines.append(f"Skin contact: {'detected' if status.contact else 'not detected'}")
    return lines


def describe_commands(profile: "DeviceProfile") -> list[str]:
    """Each command of a profile: its arguments with their ranges, its answer, its purpose."""
    lines: list[str] = []
    scheduled = {w.command: "sent on every connection" for w in profile.on_connect}
    if profile.keepalive is not None:
        scheduled[profile.keepalive.command] = (
            f"the keep-alive, sent every {profile.keepalive.interval_ms} ms while connected"
        )
    for name, command in sorted(profile.commands.items(), key=lambda item: item[1].opcode):
        args = " ".join(f"{arg.name}={arg.range[0]}..{arg.range[1]}" for arg in command.inputs)
        answer = {"ack": "acknowledged", "status": "answered by a status", "none": "no answer"}[
            command.ack.kind.value
        ]
        notes = [answer]
        if name in scheduled:
            notes.append(scheduled[name])
        if profile.stimulates(name):
            notes.append("starts stimulation: never sent by `devices send`")
        lines.append(f"{name}{' ' + args if args else ''}  ({'; '.join(notes)})")
        if command.purpose:
            lines.append(f"    {command.purpose}")
    return lines


def describe_answer(values: dict[str, int | bool]) -> str:
    """A decoded answer's fields, as `name=value`, flags as yes/no."""
    shown = [
        f"{key}={('yes' if value else 'no') if isinstance(value, bool) else value}"
        for key, value in values.items()
    ]
    return ", ".join(shown) or "no fields"


LINK_STATE_WORDS = {
    LinkState.DISCONNECTED: "not connected",
    LinkState.CONNECTING: "connecting",
    LinkState.CONNECTED: "connected",
    LinkState.RECONNECTING: "reconnecting",
    LinkState.LOST: "connection lost",
}


def link_state_text(state: LinkState) -> str:
    return LINK_STATE_WORDS[state]


NOTHING_FOUND = (
    "No Bluetooth LE devices found. Is the device switched on, charged and close by? A device "
    "connected to its phone app does not advertise: close the app or turn the phone's "
    "Bluetooth off."
)


def found_text(count: int) -> str:
    return f"Scanning… found {count} device{'s' if count != 1 else ''}."


# A session and the device: said by the core's device sink, shown by either front end.
def program_selected_text(name: str, program: str) -> str:
    return f"{name}: {program} selected."


def connection_failed_text(error: BaseException) -> str:
    """Why a command did not reach the device when the radio itself went away."""
    return f"the Bluetooth connection failed ({error})"


def paused_output_text(name: str, level_only: bool) -> str:
    if level_only:
        return f"{name} is at level 0 while the session is paused."
    return f"{name} is stopped while the session is paused."


def paused_output_state(level_only: bool) -> str:
    """The device line's words for the output stopped by a pause (after the device's name)."""
    return "level 0 while paused" if level_only else "stopped for the pause"


START_AGAIN_STATE = "start it again on the device"
"""The device line's words after a resume, for a device that starts on its own button."""

RUNNING_WHILE_PAUSED_STATE = "running while the session is paused"
"""The device line's words for a device started on its own button while the session is paused
(its status says it runs)."""


def device_state_text(name: str, state: str) -> str:
    """A device's output state as a line of its own (the device line's words after its name)."""
    return f"{name} · {state}" if state else name


def stopped_after_grace_text(name: str, seconds: float) -> str:
    """What a pause the user did not ask for does to the device, once it lasts."""
    return f"after {seconds:g} s {name} is stopped too"


def pause_failed_text(name: str, reason: str) -> str:
    return (
        f"Could not pause {name}: {reason.rstrip('.')}. Switch it off by hand; the session "
        "stays paused."
    )


def cannot_pause_text(name: str) -> str:
    return (
        f"{name} cannot be paused from facecoach: its profile has no stop command. Switch it "
        "off by hand while the session is paused."
    )


def resumed_output_text(name: str) -> str:
    return f"{name} runs again at the session's level."


def start_again_text(name: str) -> str:
    return (
        f"{name} was stopped for the pause: start it again on the device to go on (facecoach "
        "stops a device, but never starts one)."
    )


def program_fallback_text(device: str, wanted: str, fallback: str) -> str:
    return f"{device} has no {wanted!r} program; using {fallback}."


def intensity_capped_text(level: int) -> str:
    return f"Intensity capped at {level}, this device's limit."


def command_failed_text(what: str, reason: str) -> str:
    """`what`: the command as a verb phrase ("select Lift", "set intensity")."""
    return f"Could not {what}: {reason}"


def stop_failed_text(name: str, error: BaseException) -> str:
    return f"Could not stop {name}: {error} Switch it off by hand."


def charging_ended_text(name: str) -> str:
    return (
        f"{name} was put on its charger, so the session ended: a microcurrent device must never "
        "be used while charging."
    )
