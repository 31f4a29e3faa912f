"""`--transport`: facecoach's own central (Bumble) on a controller behind HCI over TCP, instead
of the system's Bluetooth, finding, pairing and driving a device that `simulator serve` offers
on a second controller. Two dongles on one virtual air, as two USB dongles in one room."""

import asyncio
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest
from bumble.link import LocalLink

from facecoach.adherence.session_log import SessionSource
from facecoach.companion.core import Companion
from facecoach.companion.devices import DeviceService
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.bumble.peripheral import AdvertisingMode
from facecoach.devices.simulator.device import SimulatedDevice
from facecoach.devices.transport.bumble_central import TransportAir
from facecoach.routines.loader import RoutineLibrary
from facecoach.routines.model import Routine
from facecoach.session.clock import SystemClock
from tests.support.cli import BRIEF
from tests.support.cli import facecoach as run_facecoach
from tests.support.front_ends import begin_with_callbacks
from tests.support.hci_tcp import Dongle, leaves_bumbles_socket, run_over_tcp, start_serving
from tests.support.machines import bare_machine

PROFILE = load_registry().get("reference-a")
ADDRESS = "DA:1D:00:00:00:09"

pytestmark = pytest.mark.slow


def quick_core(
    tmp_path: Path, service: DeviceService, step_seconds: float = 0.05
) -> tuple[Companion, Routine]:
    """A core on this service with the safety questions answered, and the built-in express
    routine made quick (glides and moves of `step_seconds`, 50 ms unless told; no prep)."""
    core = Companion(
        SystemClock(),
        tmp_path,
        tmp_path / "log.db",
        RoutineLibrary.load(None),
        device=service,
        machine=bare_machine(),
    )
    core.safety_service.record_screening({})
    routine = core.program_service.library.get("express").routine.with_overrides(
        glide_seconds=step_seconds
    )
    routine = routine.model_copy(
        update={
            "prep": None,
            "transition_seconds": step_seconds,
            "side_switch_seconds": step_seconds,
        }
    )
    return core, routine


@leaves_bumbles_socket
@pytest.mark.parametrize("profile_id", ["reference-a", "reference-c"])
def test_scan_pair_and_a_session_over_a_transport(tmp_path: Path, profile_id: str) -> None:
    """With reference-c, its writes on connecting and its keep-alive go over real ATT to
    `simulator serve`: started by its own button, the device keeps running to the end."""
    device = SimulatedDevice.from_profile(load_registry().get(profile_id), ADDRESS)
    events: list[str] = []
    ran: list[float] = []

    async def run() -> None:
        air = LocalLink()  # type: ignore[no-untyped-call]
        served, ours = Dongle(air), Dongle(air)
        stop, serving = await start_serving(
            device, await served.plug_in(), events, advertising=AdvertisingMode.LEGACY
        )
        service = DeviceService(tmp_path, radio=TransportAir(await ours.plug_in()))
        found = await service.pairing.scan(1.0)  # ten advertisements at 100 ms
        assert [r.address for r in found if r.profile is not None] == [ADDRESS]
        paired = await service.pairing.pair(ADDRESS)
        assert not paired.simulated  # a device reached by radio, not the simulator

        # With a keep-alive, 3.1 s of session on the real clock, so that the device's run
        # outlasts its 1.5 s keep-alive timeout by far more than a loaded machine's stall. (At
        # 50 ms steps the session lasted 1.55 s: a 50 ms stall failed it, as in one of two CI
        # runs.) Without one, 50 ms steps: nothing there depends on how long it runs.
        keepalive = device.profile.keepalive is not None
        core, routine = quick_core(tmp_path, service, step_seconds=0.1 if keepalive else 0.05)
        await service.connect()
        problems: list[str] = []
        live = begin_with_callbacks(
            core, routine, [], source=SessionSource.COACH, on_device_problem=problems.append
        )
        live.start()
        device.press_button()  # the user starts the device
        started = asyncio.get_running_loop().time()
        while not live.is_over:
            await asyncio.sleep(live.seconds_to_next_boundary() or 0.01)
            live.poll()
            if device.firmware.running:
                ran.append(asyncio.get_running_loop().time() - started)
        assert await live.finish()
        await core.shutdown()  # lets go of the transport too
        assert problems == []
        stop.set()
        await serving
        await served.pull_out()
        await ours.pull_out()

    run_over_tcp(run(), timeout=60)
    received = [c.name for c in device.firmware.received]
    on_connecting = [w.command for w in device.profile.on_connect]
    assert received[: len(on_connecting)] == on_connecting  # first, on every connection
    assert "query_status" in received  # on connecting
    assert "select_program" in received  # the routine's program
    assert received[-1] == "stop"
    assert any(e.startswith("connected to") for e in events)
    assert device.firmware.keepalive_stops == 0
    if device.profile.keepalive is not None:
        assert max(ran) > device.profile.keepalive.timeout_ms / 1000  # past one timeout
        assert received.count("keepalive") >= 2


@leaves_bumbles_socket
def test_our_dongle_pulled_out_mid_session_is_said_once_and_the_session_goes_on(
    tmp_path: Path,
) -> None:
    device = SimulatedDevice.from_profile(PROFILE, ADDRESS)
    events: list[str] = []
    link_texts: list[str] = []
    errors: list[object] = []

    async def run() -> list[str]:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: errors.append(ctx))
        air = LocalLink()  # type: ignore[no-untyped-call]
        served, ours = Dongle(air), Dongle(air)
        stop, serving = await start_serving(
            device, await served.plug_in(), events, advertising=AdvertisingMode.LEGACY
        )
        spec = await ours.plug_in()
        service = DeviceService(tmp_path, radio=TransportAir(spec))
        await service.pairing.pair(ADDRESS)
        service.subscribe(lambda event: link_texts.append(event.text))
        core, routine = quick_core(tmp_path, service)
        await service.connect()
        problems: list[str] = []
        live = begin_with_callbacks(
            core, routine, [], source=SessionSource.COACH, on_device_problem=problems.append
        )
        live.start()
        pulled = False
        while not live.is_over:
            await asyncio.sleep(live.seconds_to_next_boundary() or 0.01)
            live.poll()
            if not pulled and live.snapshot().progress >= 0.25:
                await ours.pull_out()  # our dongle: the session's own radio
                pulled = True
        assert await live.finish()  # the session itself completes, on the timer
        await core.shutdown()
        stop.set()
        await serving
        await served.pull_out()
        return problems

    kept: list[list[str]] = []

    async def scenario() -> None:
        kept.append(await run())

    run_over_tcp(scenario(), timeout=60)
    problems = kept[0]
    gone = [t for t in link_texts if "went away" in t]
    assert len(gone) == 1  # said once, and no reconnection attempts through a dead controller
    assert "'tcp-client:127.0.0.1:" in gone[0]
    assert "Plug it back in" in gone[0]
    assert any("Could not stop" in p and "Switch it off by hand" in p for p in problems)
    assert not device.firmware.running  # the device stops when its link drops
    assert errors == []


@leaves_bumbles_socket
def test_the_command_line_scans_and_pairs_over_a_transport(tmp_path: Path) -> None:
    device = SimulatedDevice.from_profile(PROFILE, ADDRESS)
    events: list[str] = []
    environment = {
        "FACECOACH_CONFIG_DIR": str(tmp_path / "config"),
        "FACECOACH_DATA_DIR": str(tmp_path / "data"),
        "FACECOACH_CACHE_DIR": str(tmp_path / "cache"),
    }
    (tmp_path / "config" / "routines").mkdir(parents=True)
    (tmp_path / "config" / "routines" / "quick.toml").write_text(BRIEF)

    async def in_this_process(*args: str) -> tuple[int, str, str]:
        # On a thread of its own, as the command runs its own event loop beside this one's
        # dongles; on the real clock, as the radio is behind real sockets.
        result = await asyncio.to_thread(run_facecoach, *args, env=environment, real_time=True)
        return result.returncode, result.stdout, result.stderr

    async def in_its_own_process(*args: str) -> tuple[int, str, str]:
        import os

        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "facecoach",
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, **environment},
        )
        out, err = await process.communicate()
        assert process.returncode is not None
        return process.returncode, out.decode(), err.decode()

    async def run() -> None:
        air = LocalLink()  # type: ignore[no-untyped-call]
        served, ours = Dongle(air), Dongle(air)
        stop, serving = await start_serving(
            device, await served.plug_in(), events, advertising=AdvertisingMode.LEGACY
        )
        spec = await ours.plug_in()
        scan = ["devices", "scan", "--transport", spec, "--seconds", "1"]
        code, out, err = await in_this_process(*scan)
        assert code == 0, err
        assert ADDRESS in out
        code, out, err = await in_this_process("devices", "pair", ADDRESS, "--transport", spec)
        assert code == 0, err
        # The session in a process of its own: `python -m facecoach` over a transport, whole.
        session = ["--transport", spec, "--no-prep", "--accept-risk", "--confirm-checks"]
        code, out, err = await in_its_own_process("coach", "quick", *session)
        assert code == 0, err
        assert "Could not" not in err
        stop.set()
        await serving
        await served.pull_out()
        await ours.pull_out()

    run_over_tcp(run(), timeout=90)
    assert [c.name for c in device.firmware.received][-1] == "stop"


def test_a_transport_that_cannot_be_opened_is_one_clear_line(tmp_path: Path) -> None:
    # A real socket: its refusal comes on the real clock.
    result = run_facecoach(
        "devices", "scan", "--transport", "tcp-client:127.0.0.1:1", real_time=True
    )
    assert result.returncode == 1
    last = result.stderr.splitlines()[-1]
    assert last.startswith(
        "facecoach: error: cannot open the Bluetooth controller 'tcp-client:127.0.0.1:1' ("
    )
    assert "Traceback" not in result.stderr


def test_a_controller_that_never_answers_is_given_up_in_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A TCP peer that accepts and says nothing (a wedged dongle) must not hang the command."""
    from facecoach.devices.errors import TransportUnavailable
    from facecoach.devices.transport import bumble_central

    monkeypatch.setattr(bumble_central, "TRANSPORT_TIMEOUT", 0.5)

    async def run() -> str:
        async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read()  # reads what it is sent and never answers
            writer.close()

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        air = TransportAir(f"tcp-client:127.0.0.1:{port}")
        try:
            await air.central()
        except TransportUnavailable as exc:
            return str(exc)
        finally:
            await air.close()
            server.close()
            await server.wait_closed()
        return "it answered"

    said = run_over_tcp_result(run())
    assert said.startswith("cannot open the Bluetooth controller 'tcp-client:127.0.0.1:")
    assert "no answer in 0.5 s" in said


def run_over_tcp_result(scenario: Coroutine[Any, Any, str]) -> str:
    return asyncio.run(asyncio.wait_for(scenario, 20))
