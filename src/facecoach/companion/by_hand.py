"""What a user may send a device by hand, outside a session (`devices send`, the Devices
screen's keys): never a level that runs the device at once.

A session stops the device at every end and runs only after its safety checks; a command sent
by hand has neither. For a device whose level starts its output by itself (no separate start:
FOREO's pulsation motor), a level above 0 sent by hand would run it after the command or the
screen is gone, with nothing left to stop it: a killed process, a lost link or a closed
terminal would leave it running, and the device answers nothing, so facecoach could not even
tell. So such a level is refused in words, and the device stays at 0 outside a session.
"""

from facecoach.devices.errors import DeviceError
from facecoach.devices.protocol.profile import CommandName, DeviceProfile


def check_sent_by_hand(profile: DeviceProfile, command: str, values: dict[str, int]) -> None:
    """Raises DeviceError for a command that would leave the device running after it: a
    level above 0 of a device whose level runs it at once."""
    if command != CommandName.SET_INTENSITY:
        return
    spec = profile.commands.get(CommandName.SET_INTENSITY)
    if spec is not None and spec.inputs and values.get(spec.inputs[0].name) == 0:
        return
    check_level_change_by_hand(profile)


def check_level_change_by_hand(profile: DeviceProfile) -> None:
    """Raises DeviceError when raising or lowering the level by hand (never below 1) would
    run the device: a device whose level runs it at once."""
    if profile.level_runs_at_once:
        raise DeviceError(
            f"{profile.name}'s level runs it at once, so facecoach sets it only in a "
            "session, which stops it at every end: set device_intensity in settings.toml and "
            "start a session"
        )
