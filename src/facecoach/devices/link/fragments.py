"""NotificationReassembler: the device's messages, joined from the notifications they came in
and decoded.

A message may come in several notifications (the device's MTU), or several in one. A damaged or
unknown frame is dropped and counted, and so is the start of a message whose end never came; a
command waiting for an answer in one of them times out and, when that is safe, is sent again.
"""

from collections.abc import Callable

from facecoach.devices.errors import FrameError, IncompleteFrame
from facecoach.devices.link.events import LinkAnnouncer, LinkEventKind
from facecoach.devices.protocol.codec import DecodedNotification, FrameCodec
from facecoach.devices.protocol.profile import DeviceProfile

# The longest message the link joins from pieces; a longer run of pieces is dropped.
MAX_MESSAGE = 4096


class NotificationReassembler:
    """Joins and decodes the notifications of one device, handing on each whole message."""

    def __init__(
        self,
        profile: DeviceProfile,
        codec: FrameCodec,
        name: str,
        announcer: LinkAnnouncer,
        *,
        on_message: Callable[[DecodedNotification], None],
    ) -> None:
        self.bad_frames = 0
        self._codec = codec
        self._name = name
        self._on_message = on_message
        self._announcer = announcer
        # How long the pieces of one message may take: the longest answer timeout.
        self._patience = max((c.ack.timeout for c in profile.commands.values()), default=1.0)
        # The start of a message that came in pieces, and when its first piece came.
        self._pieces = bytearray()
        self._since = 0.0

    def feed(self, data: bytes, now: float) -> None:
        """One notification, received at `now` (the event loop's clock)."""
        if self._pieces and now - self._since > self._patience:
            self._drop_unended()
        if not self._pieces:
            self._since = now
        self._pieces += data
        while self._pieces:
            try:
                notification, size = self._codec.decode_notification_start(bytes(self._pieces))
            except IncompleteFrame:
                if len(self._pieces) > MAX_MESSAGE:
                    self._drop_unended()
                return
            except FrameError as exc:
                if len(self._pieces) > len(data) and self._pieces.endswith(data):
                    # What came before did not continue here: a message that never ended.
                    # This notification may start the next one.
                    del self._pieces[: len(self._pieces) - len(data)]
                    self._drop_unended(keep=True)
                    continue
                self._pieces.clear()
                self.bad_frames += 1
                self._announcer.emit(
                    LinkEventKind.BAD_FRAME, f"Ignored a damaged message from {self._name}: {exc}"
                )
                return
            del self._pieces[:size]
            self._on_message(notification)

    def drop_unended(self) -> bool:
        """After an answer timed out: drops a message that began and never ended, so the next
        one starts afresh. Says whether there was one."""
        if not self._pieces:
            return False
        self._drop_unended()
        return True

    def clear(self) -> None:
        """Forgets a piece of a message from an earlier connection."""
        self._pieces.clear()

    def _drop_unended(self, *, keep: bool = False) -> None:
        """Drops the start of a message whose end never came (with `keep`, what is left in the
        buffer is the next message's start)."""
        self.bad_frames += 1
        self._announcer.emit(
            LinkEventKind.BAD_FRAME,
            f"Ignored an incomplete message from {self._name}: it began but never ended.",
        )
        if not keep:
            self._pieces.clear()
