"""Reading rendered pages the way a browser or a crawler would (no regexes over HTML)."""

from __future__ import annotations

import json
from html.parser import HTMLParser


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs_dict = dict(attrs)
        self.tags.append((tag, attrs_dict))
        if tag == "script":
            self._script = attrs_dict
            self._script_text = []

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def jsonld_blocks(html: str) -> list[dict]:
    """Every application/ld+json block of the page, parsed as a crawler would."""
    return [
        json.loads(text)
        for attrs, text in parse(html).scripts
        if attrs.get("type") == "application/ld+json"
    ]


def executable_scripts(html: str) -> list[tuple[dict, str]]:
    """<script> elements a browser would run (anything but a data block)."""
    return [
        (attrs, text)
        for attrs, text in parse(html).scripts
        if attrs.get("type") not in ("application/ld+json", "application/json")
    ]


def robots_meta(html: str) -> list[str]:
    return [
        attrs.get("content") or ""
        for tag, attrs in parse(html).tags
        if tag == "meta" and attrs.get("name") == "robots"
    ]


def links(html: str) -> list[dict]:
    return [attrs for tag, attrs in parse(html).tags if tag == "a"]
