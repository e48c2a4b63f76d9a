"""An SMTP server on loopback that counts the sessions clients open on it, and can be stopped
and started again on the same port (a mail server that goes down and comes back).

A session is counted at its greeting (EHLO or HELO, which smtplib sends on every connection):
the controller's own readiness probe connects without greeting and is not counted.
"""

from __future__ import annotations

import email
from email.message import Message

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from tests.servers import free_port


class MailServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.sessions = 0
        self.messages: list[Message] = []
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in m["To"]]

    def start(self) -> None:
        self._controller = _CountingController(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class _CountingSMTP(SMTP):
    async def smtp_EHLO(self, hostname: str) -> None:
        self.event_handler.sessions += 1
        await super().smtp_EHLO(hostname)

    async def smtp_HELO(self, hostname: str) -> None:
        self.event_handler.sessions += 1
        await super().smtp_HELO(hostname)


class _CountingController(Controller):
    def factory(self) -> SMTP:
        return _CountingSMTP(self.handler, **self.SMTP_kwargs)
