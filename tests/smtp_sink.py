"""A real SMTP server for tests (aiosmtpd), on a port the OS chooses; it keeps what it receives."""

from __future__ import annotations

import email
import email.policy
from contextlib import contextmanager

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted"


class _AnyPortController(Controller):
    """Listens on port 0 and learns the port the OS gave before the readiness check."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@contextmanager
def smtp_sink():
    sink = Sink()
    controller = _AnyPortController(sink, hostname="127.0.0.1", port=0)
    controller.start()
    sink.port = controller.port
    try:
        yield sink
    finally:
        controller.stop()
