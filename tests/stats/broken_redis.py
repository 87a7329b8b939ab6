"""Stand-ins for a Redis that is down: a socket nobody listens on, one that hangs up at
once, one that accepts and never answers. Each counts the connections it was asked for."""

from __future__ import annotations

import socket
import tempfile
import threading
from pathlib import Path


class BrokenRedis:
    """A Unix socket in `mode` "refuse" (nothing listens), "hang up" or "hang"."""

    def __init__(self, mode: str):
        self.mode = mode
        self.directory = Path(tempfile.mkdtemp(prefix="broken-redis-", dir="/tmp"))
        self.path = self.directory / "redis.sock"
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def start(self) -> BrokenRedis:
        if self.mode == "refuse":
            return self
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(self.path))
        self._server.listen(16)
        self._server.settimeout(0.05)  # so that stop() is heard at once
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by stop()
                return
            self.accepted += 1
            if self.mode == "hang up":
                conn.close()
            else:  # hold it open and never answer
                self._held.append(conn)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._server is not None:
            self._server.close()
        for conn in self._held:
            conn.close()
        self.path.unlink(missing_ok=True)
        self.directory.rmdir()
