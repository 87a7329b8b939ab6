"""A real SMTP server (aiosmtpd) in the test process whose answers tests can change.

It records a message only once it has answered "250" to DATA: a client that
disappears while the server is still reading or deciding (a killed worker) has not
delivered anything, as with a real mail server. Tests can make it answer any code
at MAIL, RCPT or DATA (421, 451, 550…), hold a stage until released, or run a hook
right after it accepted a message (before the client has read the "250").
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """A local SMTP server: accept, refuse with a code, hold, stop and start again."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self.replies: dict[str, list[str]] = {"MAIL": [], "RCPT": [], "DATA": []}
        self.always: dict[str, str | None] = {"MAIL": None, "RCPT": None, "DATA": None}
        self.holds: dict[str, threading.Event] = {}
        self.reached: dict[str, threading.Event] = {
            stage: threading.Event() for stage in ("MAIL", "RCPT", "DATA", "ACCEPTED")
        }
        self.after_accept: Callable[[EmailMessage], None] | None = None
        self.delay = 0.0  # seconds to think before answering DATA
        self.attempts = 0  # DATA commands seen
        self.replied: list[str] = []  # every non-250 answer given, in order
        self._held_at: list = []  # the sessions a hold stopped (their client may die)
        self._cond = threading.Condition()
        self._controller: Controller | None = None

    # ------------------------------------------------------------------ behaviour

    def answer(self, stage: str, reply: str, times: int = 1) -> None:
        """Answer the next `times` commands of `stage` with `reply` (e.g. "451 4.3.0 busy")."""
        self.replies[stage].extend([reply] * times)

    def answer_always(self, stage: str, reply: str | None) -> None:
        """Answer every command of `stage` with `reply` until set back to None."""
        self.always[stage] = reply

    def hold(self, stage: str) -> threading.Event:
        """Stop at `stage` until the returned event is set (or the client goes away)."""
        event = threading.Event()
        self.holds[stage] = event
        self.reached[stage].clear()
        return event

    async def _stage(self, stage: str, server) -> str | None:
        self.reached[stage].set()
        held = self.holds.get(stage)
        if held is not None:
            self._held_at.append(server)
            while not held.is_set():
                await asyncio.sleep(0.02)  # cancelled if the client disconnects
        queued = self.replies[stage]
        reply = queued.pop(0) if queued else self.always[stage]
        if reply:
            with self._cond:
                self.replied.append(f"{stage} {reply}")
        return reply

    # ------------------------------------------------------------------ aiosmtpd hooks

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        reply = await self._stage("MAIL", server)
        if reply:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = await self._stage("RCPT", server)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._cond:
            self.attempts += 1
        reply = await self._stage("DATA", server)
        if reply:
            return reply
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        with self._cond:
            self.messages.append(message)
            self._cond.notify_all()
        if self.after_accept is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.after_accept, message)
        self.reached["ACCEPTED"].set()
        return "250 2.0.0 OK"

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> SmtpSink:
        if self._controller is None:
            deadline = time.monotonic() + 10
            while True:
                controller = Controller(self, hostname="127.0.0.1", port=self.port)
                try:
                    controller.start()
                    break
                except (OSError, RuntimeError):  # port still in TIME_WAIT after a stop
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            self._controller = controller
        return self

    def stop(self) -> None:
        for event in self.holds.values():
            event.set()
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_clients_gone(self, timeout: float = 10) -> bool:
        """True once every session a hold stopped has lost its client (the server has
        seen the disconnect, so releasing the hold delivers nothing)."""
        from tests.support.waiting import wait_until

        return wait_until(
            lambda: all(server.transport is None for server in self._held_at), timeout=timeout
        )

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        with self._cond:
            return len(self.messages)

    def wait_for(self, count: int, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def settled(self, seconds: float = 3.0) -> int:
        """After the expected messages arrived: wait a bounded settle period long enough
        for a late duplicate, returning how many more arrived meanwhile."""
        before = self.count()
        with self._cond:
            self._cond.wait_for(lambda: len(self.messages) > before, timeout=seconds)
        return self.count() - before

    def to(self, address: str) -> list[EmailMessage]:
        with self._cond:
            return [m for m in self.messages if address in str(m["To"])]

    def message_ids(self) -> list[str]:
        with self._cond:
            return [str(m["Message-ID"]) for m in self.messages]
