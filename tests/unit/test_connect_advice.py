"""Connection failures keep their kind and get advice in the user's words (issue 18).

The errors are the real classes, raised the way bleak and bleak-retry-connector raise them:
bleak's own errors directly, the retry connector's typed errors `from` the error that caused
them. The last tests go through a real DeviceLink on the in-process simulator, with a client
backend whose connection attempts fail with a given bleak error.
"""

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from bleak.exc import (
    BleakBluetoothNotAvailableError,
    BleakBluetoothNotAvailableReason,
    BleakDBusError,
    BleakDeviceNotFoundError,
    BleakError,
)
from bleak_retry_connector import (
    BleakAbortedError,
    BleakConnectionError,
    BleakNotFoundError,
    BleakOutOfConnectionSlotsError,
)

from facecoach.devices.connect_advice import (
    ConnectionAdvice,
    ConnectProblem,
    connection_advice,
    connection_error,
)
from facecoach.devices.errors import BluetoothUnavailable, ConnectionFailed
from facecoach.devices.link import DeviceLink, LinkOptions
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.inprocess import SimulatedAir, reference_air
from tests.support.virtual_time import run_virtual

ADDRESS = "C0:11:22:33:44:55"
PREFIX = f"Lift - {ADDRESS}: Failed to connect after 3 attempt(s)"


def raised_from(outer: BaseException, cause: BaseException) -> BaseException:
    """`outer` as `raise outer from cause` leaves it, traceback and all."""
    try:
        try:
            raise cause
        except BaseException as inner:
            raise outer from inner
    except BaseException as caught:
        return caught


def advice_for(error: BaseException, platform: str = "linux") -> ConnectionAdvice:
    advice = connection_advice(error, attempts=3, platform=platform)
    assert "Error(" not in advice.text
    assert "<" not in advice.text
    assert "Traceback" not in advice.text
    return advice


def test_out_of_connection_slots() -> None:
    cause = BleakError("No backend with an available connection slot that can reach address")
    error = raised_from(BleakOutOfConnectionSlotsError(f"{PREFIX}: {cause}"), cause)
    advice = advice_for(error)
    assert advice.kind is ConnectProblem.OUT_OF_SLOTS
    assert "no free connection slot" in advice.text
    assert "earbuds, a watch" in advice.text
    assert "second adapter" in advice.text
    assert "esphome" not in advice.text  # the library's own advice is not passed on


def test_out_of_slots_reported_as_a_timeout_is_still_out_of_slots() -> None:
    cause = TimeoutError("no connection slot became available")
    error = raised_from(BleakOutOfConnectionSlotsError(f"{PREFIX}: {cause}"), cause)
    assert advice_for(error).kind is ConnectProblem.OUT_OF_SLOTS


@pytest.mark.parametrize(
    "error",
    [
        raised_from(
            BleakNotFoundError(f"{PREFIX}: The device disappeared"),
            BleakDeviceNotFoundError(ADDRESS, f"Device with address {ADDRESS} was not found."),
        ),
        BleakDeviceNotFoundError(ADDRESS, f"Device with address {ADDRESS} was not found."),
        raised_from(
            BleakNotFoundError(f"{PREFIX}: The device disappeared"),
            BleakDBusError("org.freedesktop.DBus.Error.UnknownObject", []),
        ),
    ],
    ids=["retry-connector", "bleak", "dbus-unknown-object"],
)
def test_not_found(error: BaseException) -> None:
    advice = advice_for(error)
    assert advice.kind is ConnectProblem.NOT_FOUND
    for words in ("out of range", "Switch it on", "bring it close", "press its button"):
        assert words in advice.text


def test_attempts_that_timed_out_read_as_no_answer_not_as_missing() -> None:
    # establish_connection raises BleakNotFoundError from the TimeoutError of the last attempt.
    error = raised_from(BleakNotFoundError(f"{PREFIX}: TimeoutError"), TimeoutError())
    advice = advice_for(error)
    assert advice.kind is ConnectProblem.TIMED_OUT
    assert "did not answer within 3 attempts" in advice.text
    assert "no phone app" in advice.text


def test_a_plain_timeout() -> None:
    advice = advice_for(TimeoutError())
    assert advice.kind is ConnectProblem.TIMED_OUT
    assert "Move closer" in advice.text


@pytest.mark.parametrize(
    "error",
    [
        raised_from(
            BleakAbortedError(f"{PREFIX}: Interference/range"),
            BleakDBusError("org.bluez.Error.Failed", ["le-connection-abort-by-local"]),
        ),
        BleakDBusError("org.bluez.Error.Failed", ["le-connection-abort-by-local"]),
        BleakDBusError("org.bluez.Error.Failed", ["Software caused connection abort"]),
        raised_from(BleakConnectionError(f"{PREFIX}: Broken pipe"), BrokenPipeError(32, "x")),
    ],
    ids=["retry-connector", "dbus-failed", "dbus-software-abort", "broken-pipe"],
)
def test_aborted(error: BaseException) -> None:
    advice = advice_for(error)
    assert advice.kind is ConnectProblem.ABORTED
    assert "broke off the connection" in advice.text
    assert "interference" in advice.text
    assert "Move closer" in advice.text
    assert "restart Bluetooth" in advice.text


def test_the_dbus_name_is_kept_as_a_short_detail() -> None:
    error = raised_from(
        BleakAbortedError(f"{PREFIX}: Interference/range"),
        BleakDBusError("org.bluez.Error.Failed", ["le-connection-abort-by-local"]),
    )
    assert advice_for(error).text.endswith("(org.bluez.Error.Failed: le-connection-abort-by-local)")


@pytest.mark.parametrize(
    ("reason", "kind", "words"),
    [
        (
            BleakBluetoothNotAvailableReason.NO_BLUETOOTH,
            ConnectProblem.NO_ADAPTER,
            ["no Bluetooth adapter", "timer alone"],
        ),
        (
            BleakBluetoothNotAvailableReason.NO_BLE_CENTRAL_ROLE,
            ConnectProblem.NO_ADAPTER,
            ["cannot connect to Bluetooth LE devices"],
        ),
        (
            BleakBluetoothNotAvailableReason.POWERED_OFF,
            ConnectProblem.POWERED_OFF,
            ["switched off", "`bluetoothctl power on`", "Bluetooth switch"],
        ),
        (
            BleakBluetoothNotAvailableReason.DENIED_BY_USER,
            ConnectProblem.NOT_PERMITTED,
            ["System Settings > Privacy & Security > Bluetooth"],
        ),
        (
            BleakBluetoothNotAvailableReason.DENIED_BY_SYSTEM,
            ConnectProblem.NOT_PERMITTED,
            ["does not let this program use Bluetooth", "`bluetooth` group"],
        ),
        (
            BleakBluetoothNotAvailableReason.UNKNOWN,
            ConnectProblem.SERVICE_UNREACHABLE,
            ["not available right now"],
        ),
    ],
)
def test_bluetooth_not_available_by_its_reason(
    reason: BleakBluetoothNotAvailableReason, kind: ConnectProblem, words: list[str]
) -> None:
    error = BleakBluetoothNotAvailableError("No powered Bluetooth adapters found.", reason)
    advice = advice_for(error)
    assert advice.kind is kind
    assert advice.bluetooth_unavailable
    for word in words:
        assert word in advice.text
    assert "BleakBluetoothNotAvailableReason" not in advice.text
    failed = connection_error(error, name="Lift", address=ADDRESS)
    assert isinstance(failed, BluetoothUnavailable)
    assert failed.kind is kind


def test_denied_on_a_mac_points_to_the_privacy_settings() -> None:
    error = BleakBluetoothNotAvailableError(
        "Bluetooth is not authorized for an unknown reason. Check macOS privacy settings.",
        BleakBluetoothNotAvailableReason.DENIED_BY_UNKNOWN,
    )
    assert "Privacy & Security" in advice_for(error, platform="darwin").text
    assert "`bluetooth` group" in advice_for(error, platform="linux").text


def test_not_available_wrapped_by_the_retry_connector_keeps_its_reason() -> None:
    cause = BleakBluetoothNotAvailableError(
        "No powered Bluetooth adapters found. Turn on Bluetooth and try again.",
        BleakBluetoothNotAvailableReason.POWERED_OFF,
    )
    error = raised_from(BleakConnectionError(f"{PREFIX}: {cause}"), cause)
    advice = advice_for(error)
    assert advice.kind is ConnectProblem.POWERED_OFF
    # Each system's own way to switch it on: no bluetoothctl on macOS or Windows.
    assert "bluetoothctl" in advice.text
    assert "System Settings > Bluetooth" in advice_for(error, platform="darwin").text
    assert "Settings > Bluetooth & devices" in advice_for(error, platform="win32").text


@pytest.mark.parametrize(
    ("dbus_error", "body", "kind", "words"),
    [
        ("org.bluez.Error.InProgress", ["In Progress"], ConnectProblem.BUSY, ["phone app"]),
        (
            "org.bluez.Error.AuthenticationFailed",
            [],
            ConnectProblem.PAIRING_FAILED,
            ["pairing failed", "Bluetooth settings", "`facecoach devices pair`"],
        ),
        ("org.bluez.Error.AuthenticationCanceled", [], ConnectProblem.PAIRING_FAILED, []),
        ("org.bluez.Error.AuthenticationRejected", [], ConnectProblem.PAIRING_FAILED, []),
        (
            "org.bluez.Error.NotPermitted",
            ["Operation Not Permitted"],
            ConnectProblem.NOT_PERMITTED,
            ["not allowed to use Bluetooth", "`bluetooth` group", "polkit"],
        ),
        (
            "org.freedesktop.DBus.Error.AccessDenied",
            ["Rejected send message"],
            ConnectProblem.NOT_PERMITTED,
            ["`bluetooth` group"],
        ),
        (
            "org.bluez.Error.NotReady",
            ["Resource Not Ready"],
            ConnectProblem.POWERED_OFF,
            ["not ready", "`bluetoothctl power on`"],
        ),
        (
            "org.freedesktop.DBus.Error.ServiceUnknown",
            ["The name org.bluez was not provided by any .service files"],
            ConnectProblem.SERVICE_UNREACHABLE,
            ["bluetoothd"],
        ),
    ],
)
def test_dbus_errors_by_name(
    dbus_error: str, body: list[Any], kind: ConnectProblem, words: list[str]
) -> None:
    cause = BleakDBusError(dbus_error, body)
    # How they reach us: establish_connection's general error, raised from the D-Bus one.
    error = raised_from(BleakConnectionError(f"{PREFIX}: {cause}"), cause)
    advice = advice_for(error)
    assert advice.kind is kind
    for word in words:
        assert word in advice.text
    assert advice.text.endswith(")")
    assert dbus_error in advice.text  # the name, for a bug report
    assert "[" not in advice.text  # not bleak's own rendering of it


def test_a_missing_dbus_socket_is_an_unreachable_service() -> None:
    error = FileNotFoundError(2, "No such file or directory")
    advice = advice_for(error)
    assert advice.kind is ConnectProblem.SERVICE_UNREACHABLE
    assert "Bluetooth service could not be reached" in advice.text
    assert advice.text.endswith("(No such file or directory)")
    failed = connection_error(error, name="Lift", address=ADDRESS, attempts=3)
    assert isinstance(failed, BluetoothUnavailable)
    assert str(failed).startswith(f"Could not connect to Lift ({ADDRESS}): ")


def test_anything_else_keeps_the_general_advice_with_the_error_text() -> None:
    cause = BleakError("simulated connection attempt failed")
    error = raised_from(BleakConnectionError(f"{PREFIX}: {cause}"), cause)
    advice = advice_for(error)
    assert advice.kind is ConnectProblem.OTHER
    assert "Move closer" in advice.text
    assert "no phone app" in advice.text
    assert advice.text.endswith("(simulated connection attempt failed)")
    assert not advice.bluetooth_unavailable


def test_the_error_carries_the_kind_and_starts_as_before() -> None:
    error = raised_from(BleakAbortedError(f"{PREFIX}: x"), BleakError("x"))
    failed = connection_error(error, name="Lift", address=ADDRESS, attempts=3)
    assert type(failed) is ConnectionFailed
    assert failed.kind is ConnectProblem.ABORTED
    assert str(failed).startswith(f"Could not connect to Lift ({ADDRESS}): the Bluetooth")


def test_the_general_unavailable_message_shows_no_tuple_of_reprs() -> None:
    cause = BleakBluetoothNotAvailableError(
        "No Bluetooth adapters found.", BleakBluetoothNotAvailableReason.NO_BLUETOOTH
    )
    text = str(BluetoothUnavailable("scan", cause))
    assert "No Bluetooth adapters found." in text
    assert "<" not in text


# -- through a real DeviceLink on the simulator ---------------------------------------------

PROFILE = next(p for p in load_registry().profiles if p.id == "reference-a")


def link_on(air: SimulatedAir, client_backend: type[Any], address: str | None = None) -> DeviceLink:
    device = next(iter(air.devices.values()))
    return DeviceLink(
        device.profile,
        address or device.address,
        name=device.name,
        options=LinkOptions(air.scanner_backend, client_backend, reconnect_delays=()),
    )


def failing_backend(air: SimulatedAir, error: Callable[[str], BaseException]) -> type[Any]:
    class Failing(air.client_backend):  # type: ignore[name-defined,misc]
        async def connect(self, pair: bool, **kwargs: Any) -> None:
            raise error(self.address)

    return Failing


def connect_error(link: DeviceLink) -> ConnectionFailed:
    with pytest.raises(ConnectionFailed) as caught:
        run_virtual(link.connect())
    return caught.value


def test_a_device_that_is_not_around_reads_as_not_in_range() -> None:
    air = reference_air([PROFILE])
    failed = connect_error(link_on(air, air.client_backend, address=ADDRESS))
    assert failed.kind is ConnectProblem.NOT_FOUND
    assert "is not in range" in str(failed)
    assert "switched on" in str(failed)


def test_a_device_that_walks_away_while_connecting_reads_as_not_found() -> None:
    air = reference_air([PROFILE])

    class WalksAway(air.client_backend):  # type: ignore[name-defined,misc]
        AIR: ClassVar[SimulatedAir] = air

        async def connect(self, pair: bool, **kwargs: Any) -> None:
            self.AIR.device(self.address).in_range = False
            await super().connect(pair, **kwargs)

    link = link_on(air, WalksAway)
    failed = connect_error(link)
    assert failed.kind is ConnectProblem.NOT_FOUND
    assert str(failed).startswith(f"Could not connect to {link.name} ({link.address}): ")
    assert "out of range" in str(failed)
    assert "<" not in str(failed)


@pytest.mark.parametrize(
    ("error", "kind", "unavailable"),
    [
        (lambda _: TimeoutError(), ConnectProblem.TIMED_OUT, False),
        (
            lambda _: BleakDBusError("org.bluez.Error.InProgress", ["In Progress"]),
            ConnectProblem.BUSY,
            False,
        ),
        (
            lambda _: BleakDBusError("org.bluez.Error.Failed", ["le-connection-abort-by-local"]),
            ConnectProblem.ABORTED,
            False,
        ),
        (
            lambda _: BleakError("No backend with an available connection slot"),
            ConnectProblem.OUT_OF_SLOTS,
            False,
        ),
        (
            lambda _: BleakBluetoothNotAvailableError(
                "No powered Bluetooth adapters found. Turn on Bluetooth and try again.",
                BleakBluetoothNotAvailableReason.POWERED_OFF,
            ),
            ConnectProblem.POWERED_OFF,
            True,
        ),
        (lambda _: BleakError("something new"), ConnectProblem.OTHER, False),
    ],
    ids=["timeout", "in-progress", "aborted", "out-of-slots", "powered-off", "other"],
)
def test_through_establish_connection_the_kind_survives(
    error: Callable[[str], BaseException], kind: ConnectProblem, unavailable: bool
) -> None:
    air = reference_air([PROFILE])
    link = link_on(air, failing_backend(air, error))
    failed = connect_error(link)
    assert failed.kind is kind
    assert isinstance(failed, BluetoothUnavailable) is unavailable
    text = str(failed)
    assert text.startswith(f"Could not connect to {link.name} ({link.address}): ")
    assert "Failed to connect after" not in text  # not the retry connector's own message
    assert "<" not in text
    assert "Error(" not in text
