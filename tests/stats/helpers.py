"""Visiting pages as a browser would, and reading what the counting left in Redis."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from listings import stats

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def visit(client, url: str, *, agent: str = BROWSER, address: str = "203.0.113.7", **extra):
    return client.get(url, HTTP_USER_AGENT=agent, REMOTE_ADDR=address, **extra)


def counted(field: str, listing, day: date | None = None) -> int:
    """What Redis holds for the posting today: views, impressions or apply_clicks."""
    value = stats.page_client().hget(
        f"{stats.KEY_PREFIX}:{(day or stats.utc_today()).isoformat()}:{field}", str(listing.pk)
    )
    return int(value or 0)


def visitors(listing, day: date | None = None) -> int:
    return stats.page_client().pfcount(stats.visitors_key(day or stats.utc_today(), listing.pk))


def all_keys() -> list[bytes]:
    return sorted(stats.page_client().scan_iter(f"{stats.KEY_PREFIX}:*"))


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._stack: list[dict] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._stack.append({"caption": "", "rows": []})
        elif not self._stack:
            return
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._stack[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if not self._stack:
            return
        if tag == "table":
            self.tables.append(self._stack.pop())
        elif tag == "caption" and self._caption is not None:
            self._stack[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._stack[-1]["rows"][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    """The page's tables by caption: rows of cell texts (header rows included)."""
    parser = _Tables()
    parser.feed(html)
    return {table["caption"]: table["rows"] for table in parser.tables}


def number(text: str) -> int:
    return int(text.replace(",", ""))
