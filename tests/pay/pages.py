"""Reading the /jobs/ results page as a visitor sees it: each card's title and pay."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Card:
    title: str = ""
    salary: str = ""  # the whole salary line, the approximation included
    approx: str = ""  # the "(≈ … a year)" part only


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _ResultsParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cards: list[Card] = []
        self.in_list = False
        self.stack: list[set[str]] = []  # classes of the open elements inside a card
        self.card: Card | None = None
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "ol" and "listing-list" in classes:
            self.in_list = True
            return
        if not self.in_list:
            return
        if tag == "li" and "listing-card" in classes:
            self.card = Card()
            self.cards.append(self.card)
        if self.card is None or tag in VOID:
            return
        if tag == "a" and self.stack and "h2" in self.stack[-1]:
            self.in_title = True
        self.stack.append(classes | {tag})

    def handle_endtag(self, tag):
        if not self.in_list:
            return
        if tag == "ol" and not self.stack:
            self.in_list = False
            return
        if self.card is None or not self.stack or tag in VOID:
            return
        self.stack.pop()
        if tag == "a":
            self.in_title = False
        if tag == "li" and not self.stack:
            self.card = None

    def handle_data(self, data):
        if self.card is None:
            return
        if self.in_title:
            self.card.title += data
        open_classes = set().union(*self.stack) if self.stack else set()
        if "salary" in open_classes:
            self.card.salary += data
        if "salary-approx" in open_classes:
            self.card.approx += data


def result_cards(response) -> list[Card]:
    """The result cards of a rendered /jobs/ page, in order (a 200 is asserted)."""
    assert response.status_code == 200, response.status_code
    parser = _ResultsParser()
    parser.feed(response.content.decode())
    parser.close()
    for card in parser.cards:
        card.title, card.salary, card.approx = (
            " ".join(card.title.split()),
            " ".join(card.salary.split()),
            " ".join(card.approx.split()),
        )
    return parser.cards


def titles(response) -> list[str]:
    return [card.title for card in result_cards(response)]


def notices(response) -> str:
    """The text of the page's "Part of this search could not be used" box, or ""."""
    html = response.content.decode()
    start = html.find('<div class="notice" role="alert">')
    if start < 0:
        return ""
    end = html.find("</div>", start)

    class _Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_data(self, data):
            self.parts.append(data)

    text = _Text()
    text.feed(html[start:end])
    return " ".join("".join(text.parts).split())
