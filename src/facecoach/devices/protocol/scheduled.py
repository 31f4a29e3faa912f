"""The arguments of writes the app makes by itself (on connection, the keep-alive), filled in
from their sources at the moment of sending."""

from facecoach.devices.protocol.profile import ArgumentSource, DeviceProfile, ScheduledWrite


def scheduled_args(
    write: ScheduledWrite, profile: DeviceProfile, *, unix_time: float, counter: int
) -> dict[str, int]:
    """Literal numbers as they are; `unix_time` in whole seconds; `counter` wrapped to the
    argument's width; `max_intensity` from the profile's limits."""
    command = profile.commands[write.command]
    types = {arg.name: arg.type for arg in command.inputs}
    args: dict[str, int] = {}
    for name, value in write.args.items():
        if value is ArgumentSource.UNIX_TIME:
            args[name] = int(unix_time) & 0xFFFF_FFFF
        elif value is ArgumentSource.MAX_INTENSITY:
            args[name] = profile.limits.max_intensity
        elif value is ArgumentSource.COUNTER:
            args[name] = counter % (1 << types[name].width)
        else:
            args[name] = value
    return args
