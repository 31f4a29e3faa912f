"""How late the session screen's countdown shows each new whole second after a pause.

Runs the first seconds of the built-in `express` routine on the session screen (headless, the
real event loop and `SystemClock`), records every change of the countdown's digits with the
step's remaining time at that moment, and reports how long after the whole second each one was
drawn: a digit `n` is due when the remaining time reaches `n`.

    python bench/countdown.py [--seconds 12]
    PYTHONPATH=/path/to/other/src python bench/countdown.py   # another version, same machine
"""

import argparse
import asyncio
import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path


async def measure(seconds: float) -> list[float]:
    from textual.widgets import Digits

    from facecoach.companion.core import Companion
    from facecoach.safety.records import SafetyRecords
    from facecoach.session.clock import SystemClock
    from facecoach.tui.app import FacecoachApp
    from facecoach.tui.screens.session import SessionScreen

    late: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        companion = Companion(SystemClock(), root / "config", root / "facecoach.db")
        assert companion.log_service.store is not None
        SafetyRecords(companion.log_service.store.database).record_screening({}, datetime.now(UTC))
        routine = companion.program_service.routine_for_session("express").model_copy(
            update={"prep": None}
        )
        app = FacecoachApp(companion)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = SessionScreen(companion, routine)
            original = Digits.update

            def update(digits: Digits, value: str) -> None:
                if digits.id == "countdown" and value.isdigit():
                    remaining = screen.session.snapshot().step_remaining
                    late.append(int(value) - remaining)
                original(digits, value)

            Digits.update = update  # type: ignore[method-assign]
            await app.push_screen(screen)
            # A pause of 0.37 s puts the whole seconds out of step with any fixed interval.
            await asyncio.sleep(2.5)
            screen.action_toggle_pause()
            await asyncio.sleep(0.37)
            screen.action_toggle_pause()
            await asyncio.sleep(seconds)
            Digits.update = original  # type: ignore[method-assign]
    return late[1:]  # the first is drawn at the start, not at a boundary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=12.0)
    args = parser.parse_args()
    late = [value * 1000 for value in asyncio.run(measure(args.seconds)) if value >= -0.5]
    print(f"{len(late)} digit changes: lateness after the whole second, ms")
    print(f"  median {statistics.median(late):.1f}  max {max(late):.1f}  min {min(late):.1f}")


if __name__ == "__main__":
    main()
