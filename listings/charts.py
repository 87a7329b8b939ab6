"""Pay charts for /salaries/: server-rendered SVG (pygal), safe under a strict CSP.

Each chart draws one horizontal bar per group, from the lower to the upper quartile
of advertised pay, split at the median (two tones). Groups of fewer than
insights.SMALL_SLICE postings get no bar and say so in their label. Every chart is
drawn twice, wide and narrow, and the stylesheet shows one: a 760-unit chart shrunk
to a phone's width would have unreadable text.

CSP: pygal writes a `<script>` (its tooltip config) and `style` attributes (its
tooltip box); both are removed from the tree before it is serialised. Its `<style>`
element stays and carries the request's nonce (style-src 'self' 'nonce-…').

Speed: pygal takes 10 to 25 ms a drawing, so the markup is memoised on what it shows
(labels, figures, currency), in the process and in the shared cache. What differs
from one request to the next is put in after the cache: the nonce, and which groups
are in the visitor's slice (their labels are bold), so the chart by level is one
drawing whatever levels are chosen.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pygal
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygal.etree import etree
from pygal.style import Style

SMALL_LABEL = "(fewer than 5)"
SHARED_CACHE_SECONDS = 24 * 3600
# In the key of a shared drawing: a new version of this module or of pygal draws anew.
_DRAWN_BY = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16] + pygal.__version__

# The site's palette (static/css/site.css): navy tones for the two halves of a bar.
LOWER_HALF = "#8ea7c9"  # lower quartile to median
UPPER_HALF = "#1f3a5f"  # median to upper quartile
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
_NONCE_SLOT = "__csp_nonce__"
_SELECTED_SLOT = re.compile(r"__group_(\d+)__")


@dataclass(frozen=True)
class Variant:
    name: str
    width: int
    row: int  # height per group
    label_font: int
    axis_font: int
    ticks: int  # at most this many axis labels
    small_label: str
    truncate: int  # group labels longer than this are cut (-1: never; the table has them whole)


WIDE = Variant("wide", 760, 34, 14, 13, 7, SMALL_LABEL, -1)
NARROW = Variant("narrow", 400, 34, 14, 13, 4, "(<5)", 20)
VARIANTS = (WIDE, NARROW)


@dataclass(frozen=True)
class Row:
    """One group of a chart: its label and figures (already in the chart's currency)."""

    label: str
    count: int
    q1: int | None = None
    median: int | None = None
    q3: int | None = None

    @property
    def drawn(self) -> bool:
        return self.median is not None and self.q1 is not None and self.q3 is not None


@dataclass(frozen=True)
class Drawing:
    """Both variants' markup, with slots for the nonce and the selected groups."""

    markup: tuple[tuple[str, str], ...]  # (variant name, svg)


@dataclass(frozen=True)
class Chart:
    """A drawing as one request shows it."""

    chart_id: str
    drawing: Drawing
    selected: frozenset[int]  # indexes of the rows in the visitor's slice

    def svgs(self, nonce: str) -> list[dict[str, str | SafeString]]:
        """[{"variant": "wide", "svg": <markup>}, …] with the nonce and the bold labels."""
        filled = f'nonce="{escape(nonce)}"' if nonce else ""

        def selected(match: re.Match) -> str:
            return "is-selected" if int(match.group(1)) in self.selected else ""

        return [
            {
                "variant": name,
                # pygal's tree, serialised by ElementTree: its text and attributes escaped
                "svg": mark_safe(  # noqa: S308
                    _SELECTED_SLOT.sub(selected, svg.replace(f'nonce="{_NONCE_SLOT}"', filled, 1))
                ),
            }
            for name, svg in self.drawing.markup
        ]


def pay_chart(
    *,
    chart_id: str,
    title: str,
    rows: Sequence[Row],
    currency: str,
    selected: Collection[int] = (),
) -> Chart | None:
    """The chart of `rows` (top to bottom), or None when no group is large enough to
    draw; `selected` are the indexes of the rows to show in bold."""
    rows = tuple(rows)
    if not any(row.drawn for row in rows):
        return None
    return Chart(chart_id, _drawing(chart_id, title, rows, currency), frozenset(selected))


@lru_cache(maxsize=512)
def _drawing(chart_id: str, title: str, rows: tuple[Row, ...], currency: str) -> Drawing:
    """In the process (lru_cache), else in the shared cache, else drawn now."""
    key = (
        "paychart:"
        + hashlib.sha256(repr((_DRAWN_BY, chart_id, title, rows, currency)).encode()).hexdigest()
    )
    markup = None
    with contextlib.suppress(Exception):  # the cache (Redis) is down: draw it
        markup = cache.get(key)
    if markup is None:
        markup = tuple(
            (variant.name, _svg(chart_id, title, rows, currency, variant)) for variant in VARIANTS
        )
        with contextlib.suppress(Exception):
            cache.set(key, markup, timeout=SHARED_CACHE_SECONDS)
    return Drawing(markup=tuple(markup))


def render_cache_info():
    return _drawing.cache_info()


def clear_render_cache() -> None:
    """Forget this process's drawings (the shared cache keeps its own)."""
    _drawing.cache_clear()


def money_tick(amount: int, currency: str) -> str:
    """An axis label: "USD 180k", "JPY 25M", "EUR 95k", "USD 1.2M"."""
    if amount >= 1_000_000:
        figure = f"{amount / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    elif amount >= 1_000:
        figure = f"{amount / 1_000:.1f}".removesuffix(".0") + "k"
    else:
        figure = str(amount)
    return f"{currency} {figure}"


def value_axis(
    low: int, high: int, *, length: float, label_width: float, max_count: int
) -> tuple[int, int, list[int]]:
    """The axis (start, end, ticks) for figures from `low` to `high` drawn `length`
    units long: a little room on each side, and round ticks (1, 2, 2.5 or 5 times a
    power of ten) inside it, at least `label_width` apart, at most `max_count` of
    them and at least two."""
    span = max(high - low, 1000, low // 10)
    start, end = max(0, int(low - span * 0.08)), int(high + span * 0.08)
    magnitude = 10 ** max(0, math.floor(math.log10(span)) - 2)
    for scale in (1, 10, 100, 1000, 10000):
        for m in (1, 2, 2.5, 5):
            step = int(m * magnitude * scale)
            ticks = list(range(math.ceil(start / step) * step, end + 1, step))
            if len(ticks) > max(2, max_count) or step * length / (end - start) < label_width:
                continue
            if len(ticks) == 1:  # widen the axis to the nearer tick on either side
                (tick,) = ticks
                if start - (tick - step) <= (tick + step) - end and tick >= step:
                    start = tick - step
                else:
                    end = tick + step
            elif not ticks:
                start, end = math.floor(start / step) * step, math.ceil(end / step) * step
            ticks = list(range(math.ceil(start / step) * step, end + 1, step))
            return start, end, ticks
    return start, end, [start, end]


def chart_style(**overrides) -> Style:
    """The board's pygal style: transparent, in the site's ink, with no animation and no
    fading on hover; each chart adds its colours, guides and font sizes."""
    base = {
        "background": "transparent",
        "plot_background": "transparent",
        "foreground": "#4a5566",
        "foreground_strong": "#1c2430",
        "foreground_subtle": "#dde2e8",
        "guide_stroke_dasharray": "none",
        "major_guide_stroke_dasharray": "none",
        "opacity": "1",
        "opacity_hover": "1",
        "transition": "0ms",
        "font_family": FONT,
    }
    return Style(**{**base, **overrides})


def _style(variant: Variant) -> Style:
    return chart_style(
        guide_stroke_color="#dde2e8",
        major_guide_stroke_color="#dde2e8",
        stroke_opacity="1",
        stroke_opacity_hover="1",
        stroke_width="0",
        stroke_width_hover="0",
        colors=("transparent", LOWER_HALF, UPPER_HALF),
        label_font_size=variant.label_font,
        major_label_font_size=variant.label_font,
        value_font_size=variant.axis_font,
    )


def _svg(chart_id: str, title: str, rows: tuple[Row, ...], currency: str, v: Variant) -> str:
    uuid = f"{chart_id}-{v.name}"
    drawn = [row for row in rows if row.drawn]
    labels = [
        _truncated(r.label, v.truncate) + ("" if r.drawn else f" {v.small_label}") for r in rows
    ]
    # pygal sizes the label column at 0.6 em a character; the ticks share what is left
    plot_width = v.width - max(map(len, labels)) * 0.6 * v.label_font - 2 * v.axis_font * 3
    widest = max(len(money_tick(r.q3, currency)) for r in drawn) + 1
    floor, end, ticks = value_axis(
        min(r.q1 for r in drawn),
        max(r.q3 for r in drawn),
        length=plot_width,
        label_width=widest * 0.55 * v.axis_font + 12,
        max_count=v.ticks,
    )
    # the axis starts at `floor`, not zero: the bars float between the quartiles
    ordered = rows[::-1]  # pygal draws the first group at the bottom
    chart = pygal.HorizontalStackedBar(
        style=_style(v),
        css=["file://style.css", "file://graph.css", "inline:" + _css(uuid, v)],
        width=v.width,
        height=16 + v.row * len(rows) + v.axis_font * 2,
        explicit_size=False,
        show_legend=False,
        js=[],
        disable_xml_declaration=True,
        margin=8,
        margin_right=v.axis_font * 3,  # room for the last axis label, centred on its tick
        truncate_label=-1,  # (pygal truncates the value axis with it; labels are cut above)
        show_y_guides=False,
        show_x_guides=True,
        range=(0, end - floor),
        y_labels=[{"label": money_tick(t, currency), "value": t - floor} for t in ticks],
        print_values=False,
        tooltip_fancy_mode=False,
    )
    chart.uuid = uuid
    chart.x_labels = labels[::-1]

    def series(values):
        return [value if row.drawn else None for value, row in zip(values, ordered, strict=True)]

    chart.add("offset", series([(r.q1 or 0) - floor for r in ordered]))
    chart.add("lower", series([(r.median or 0) - (r.q1 or 0) for r in ordered]))
    chart.add("upper", series([(r.q3 or 0) - (r.median or 0) for r in ordered]))
    root = chart.render_tree()
    # classes of each group's label: a slot for "is-selected", and whether it is small
    marks = {
        label: f"__group_{index}__" + ("" if row.drawn else " is-small")
        for index, (row, label) in enumerate(zip(rows, labels, strict=True))
    }
    _clean(root, uuid, title, marks)
    return etree.tostring(root, encoding="unicode")


def _truncated(label: str, length: int) -> str:
    return label if length < 0 or len(label) <= length else label[: length - 1].rstrip() + "…"


def _css(uuid: str, v: Variant) -> str:
    """Rules of this chart, scoped to it like pygal's own (and nonce-carried with them)."""
    scope = f"#chart-{uuid}"
    return (
        f"{scope} .axis.x text{{font-size:{v.axis_font}px;fill:#4a5566}}"
        f"{scope} .axis.y text{{font-size:{v.label_font}px;fill:#1c2430}}"
        f"{scope} .axis.y text.is-small{{fill:#6b7585}}"
        f"{scope} .axis.y text.is-selected{{font-weight:700}}"
        f"{scope} .axis .line{{stroke:#9aa3b0}}"
        f"{scope} .axis .guide.line{{stroke:#e6e9ee}}"
    )


def svg_tag(element) -> str:
    """An SVG element's tag without its namespace ("" for a comment)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rpartition("}")[2]


def make_strict(root, *, drop: Callable[[object], bool] = lambda child: False) -> None:
    """What a strict CSP needs of pygal's SVG, in place: no script, no style attribute,
    no tooltips (they need the script), no per-guide titles or value descs, no comments;
    `drop(child)` names more elements to remove."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = svg_tag(child)
            if (
                not isinstance(child.tag, str)  # a comment
                or tag in ("script", "desc")
                or (tag == "title" and parent is not root)
                or "tooltip-overlay" in child.get("class", "")
                or drop(child)
            ):
                parent.remove(child)
    for element in root.iter():
        element.attrib.pop("style", None)
        classes = element.get("class", "")
        if "tooltip-trigger" in classes:
            element.set("class", classes.replace(" tooltip-trigger", ""))


def label_image(root, *, prefix: str, title: str, desc: str, css_class: str, nonce: str) -> None:
    """Make the SVG a labelled image (its title and a description, role="img"), its
    <style> elements carrying `nonce`."""
    for style in (e for e in root.iter() if svg_tag(e) == "style"):
        style.attrib.pop("type", None)
        if nonce:
            style.set("nonce", nonce)
    svg_title = next(child for child in root if svg_tag(child) == "title")  # pygal adds it
    svg_title.text = title
    svg_title.set("id", f"{prefix}-title")
    described = etree.Element(svg_title.tag.replace("title", "desc"), id=f"{prefix}-desc")
    described.text = desc
    root.insert(list(root).index(svg_title) + 1, described)
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title {prefix}-desc")
    root.set("class", f"{root.get('class', '')} {css_class}".strip())
    root.set("focusable", "false")


def _clean(root, prefix: str, title: str, marks: dict[str, str]) -> None:
    """Strict-CSP and accessible (make_strict, label_image); the invisible offset bars
    go too, and the labels of the visitor's groups are marked."""
    make_strict(root, drop=lambda child: "serie-0" in child.get("class", "").split())
    for element in root.iter():
        if svg_tag(element) == "text" and (element.text or "") in marks:
            classes = element.get("class", "")
            element.set("class", f"{classes} {marks[element.text]}".strip())
    # bars pygal drew for groups without figures (zero width)
    for parent in list(root.iter()):
        for child in list(parent):
            if "bar" in child.get("class", "").split():
                rect = next((r for r in child if svg_tag(r) == "rect"), None)
                if rect is None or float(rect.get("width") or 0) <= 0:
                    parent.remove(child)
    label_image(
        root,
        prefix=prefix,
        title=title,
        desc="Each bar runs from the lower to the upper quartile of advertised pay, "
        "split at the median. The table after the chart gives the figures.",
        css_class="pay-chart-svg",
        nonce=_NONCE_SLOT,
    )
