"""Fixtures for alerts: a real SMTP server (aiosmtpd) in the test process, and helpers.

The server records each message only once it has answered "250": a client that
disappears while the server is still reading or deciding (a killed worker) has
not delivered anything, as with a real mail server.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """A local SMTP server whose behaviour tests can change: accept, refuse, stop, slow down."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self.mode = "accept"  # or "tempfail": answer 451 to every message
        self.delay = 0.0  # seconds to think before answering DATA
        self.attempts = 0
        self.in_data = threading.Event()  # set when a message has arrived and is being decided
        self._cond = threading.Condition()
        self._controller: Controller | None = None

    # aiosmtpd handler hook
    async def handle_DATA(self, server, session, envelope):
        with self._cond:
            self.attempts += 1
        if self.mode == "tempfail":
            return "451 4.3.0 Mail server busy, try again later"
        if self.delay:
            self.in_data.set()
            await asyncio.sleep(self.delay)  # cancelled if the client goes away meanwhile
        message = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        with self._cond:
            self.messages.append(message)
            self._cond.notify_all()
        return "250 2.0.0 OK"

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
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

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

    def quiet_for(self, seconds: float) -> int:
        """Wait `seconds` and return how many messages arrived meanwhile."""
        before = self.count()
        time.sleep(seconds)
        return self.count() - before

    def to(self, address: str) -> list[EmailMessage]:
        with self._cond:
            return [m for m in self.messages if address in str(m["To"])]


@pytest.fixture
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def wait_until(predicate, timeout: float = 30, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@pytest.fixture
def candidate(db):
    """A signed-up candidate with a verified address (allauth)."""
    from tests.candidates.factories import CandidateUserFactory

    return CandidateUserFactory(username="casey", email="casey@example.com")


@pytest.fixture
def outsider(db):
    from tests.candidates.factories import CandidateUserFactory

    return CandidateUserFactory(username="olive", email="olive@example.com")
