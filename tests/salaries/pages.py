"""Reading /salaries/ as a visitor (and a screen reader) gets it: figures, tables, charts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree import ElementTree

SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def headline(html: str, name: str) -> str | None:
    """A headline figure (count, median, iqr) as shown, or None when it is not shown."""
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    return match.group(1).strip() if match else None


def breakdown(html: str, key: str) -> str:
    """The markup of one breakdown section (level, function, workplace, country)."""
    match = re.search(rf'<section[^>]*data-breakdown="{key}">(.*?)</section>', html, re.S)
    assert match, f"no {key} breakdown on the page"
    return match.group(1)


@dataclass
class TableRow:
    label: str
    cells: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return int(self.cells[0].replace(",", ""))

    @property
    def median(self) -> str | None:
        return self.cells[2] if len(self.cells) == 4 else None


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[TableRow] = []
        self.in_body = False
        self.cell: list[str] | None = None
        self.hidden = 0  # inside a visually-hidden span

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append(TableRow(label=""))
        elif self.in_body and tag in ("th", "td"):
            self.cell = []
        elif tag == "span" and "visually-hidden" in classes:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag in ("th", "td") and self.cell is not None:
            text = " ".join("".join(self.cell).split())
            row = self.rows[-1]
            if tag == "th":
                row.label = text
            else:
                row.cells.append(text)
            self.cell = None
        elif tag == "span" and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if self.cell is not None and not self.hidden:
            self.cell.append(data)


def table_rows(markup: str) -> list[TableRow]:
    parser = _TableParser()
    parser.feed(markup)
    return parser.rows


def amount(text: str) -> int:
    """ "USD 180,000" -> 180000; axis labels too: "USD 180k" -> 180000, "JPY 1.5M"."""
    figure = text.split()[-1].replace(",", "")
    scale = {"k": 1_000, "M": 1_000_000}.get(figure[-1], 1)
    return round(float(figure.rstrip("kM")) * scale)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()


@dataclass
class ChartReading:
    labels: list[str]  # group labels, top to bottom
    ticks: dict[float, int]  # x position -> value
    medians: dict[str, float]  # label -> the value where a bar's two halves meet
    currency: str


def read_chart(svg: str) -> ChartReading:
    """What the chart draws: each bar's median read back off the value axis."""
    root = ElementTree.fromstring(svg)
    ticks: dict[float, int] = {}
    label_y: dict[str, float] = {}
    currency = ""
    for group in root.iter():
        if _local(group.tag) != "g" or "axis" not in _classes(group):
            continue
        for text in group.iter():
            if _local(text.tag) != "text":
                continue
            if "x" in _classes(group):
                ticks[float(text.get("x"))] = amount(text.text)
                currency = text.text.split()[0]
            elif "y" in _classes(group):
                label_y[text.text] = float(text.get("y"))
    (x1, v1), (x2, v2) = sorted(ticks.items())[:2]
    per_unit = (v2 - v1) / (x2 - x1)
    medians: dict[str, float] = {}
    for serie in root.iter():
        if "serie-2" not in _classes(serie):  # the median-to-upper-quartile halves
            continue
        for rect in serie.iter():
            if _local(rect.tag) != "rect":
                continue
            middle = float(rect.get("y")) + float(rect.get("height")) / 2
            label = min(label_y, key=lambda name: abs(label_y[name] - middle))
            medians[label] = v1 + (float(rect.get("x")) - x1) * per_unit
    labels = sorted(label_y, key=label_y.get)
    return ChartReading(labels=labels, ticks=ticks, medians=medians, currency=currency)
