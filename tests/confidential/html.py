"""Reading the parts of a page that say who is hiring (no regexes over HTML)."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Texts(HTMLParser):
    """The text of every element matching `tag` and/or `cls`, nested ones included."""

    def __init__(self, tag: str | None, cls: str | None):
        super().__init__(convert_charrefs=True)
        self.tag, self.cls = tag, cls
        self.open: list[tuple[str, list[str] | None]] = []  # (tag, buffer if it matches)
        self.found: list[str] = []
        self.metas: dict[str, str] = {}

    def _matches(self, tag: str, attrs: dict) -> bool:
        if self.tag is not None and tag != self.tag:
            return False
        return self.cls is None or self.cls in (attrs.get("class") or "").split()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name"):
            self.metas[attrs["name"]] = attrs.get("content") or ""
        if tag in VOID:
            return
        self.open.append((tag, [] if self._matches(tag, attrs) else None))

    def handle_endtag(self, tag):
        while self.open:
            open_tag, buffer = self.open.pop()
            if buffer is not None:
                self.found.append(" ".join("".join(buffer).split()))
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _, buffer in self.open:
            if buffer is not None:
                buffer.append(data)


def texts(html: str, *, tag: str | None = None, cls: str | None = None) -> list[str]:
    """The whitespace-normalised text of each element with this tag and/or class."""
    parser = _Texts(tag, cls)
    parser.feed(html)
    parser.close()
    return parser.found


def title(html: str) -> str:
    (found,) = texts(html, tag="title")
    return found


def meta(html: str, name: str) -> str:
    parser = _Texts(None, None)
    parser.feed(html)
    return parser.metas.get(name, "")
