"""Posting figures in the admin: one posting's totals and 30-day chart, and a company's
dashboard of its postings with a CSV export.

Rows come from PostingDay (folded every 15 minutes by listings.stats); nothing here
reads Redis. Recruiters see their own company's postings only (Listing and Company
`for_recruiter`); operators see every company's, one at a time or all together. Another
company's posting or company id answers 404, exactly like an id that does not exist.

The chart is SVG drawn on the server by pygal, made safe for the strict CSP as on
/salaries/ (listings/charts.py): no script, no style attribute, its <style> element
carrying the request's nonce. It has a title and a description, and the same figures
follow it in a table.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta

import pygal
from django.contrib.admin.utils import unquote
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from pygal.etree import etree
from pygal.style import Style

from listings.access import is_operator
from listings.charts import chart_style, label_image, make_strict
from listings.models import Company, Listing, PostingDay
from listings.stats import utc_today

CHART_DAYS = 30
DASHBOARD_PAGE_SIZE = 100


@dataclass(frozen=True)
class Figure:
    field: str
    label: str
    help: str


FIGURES = (
    Figure("visitors", "Visitors", "Unique visitors of the posting's page, counted per day"),
    Figure("views", "Views", "Views of the posting's page"),
    Figure("impressions", "In search results", "Times the posting was shown on a /jobs/ page"),
    Figure("apply_clicks", "Apply clicks", "Clicks on the external apply link or email address"),
    Figure("applications", "Applications", "Applications sent on this site"),
    Figure("saves", "Saves", "Candidates who saved the posting"),
    Figure("alert_emails", "Alert emails", "Alert emails sent that carried the posting"),
)
FIELDS = tuple(f.field for f in FIGURES)
# the window of the dashboard: ?days=
WINDOWS = {"7": "Last 7 days", "30": "Last 30 days", "90": "Last 90 days", "all": "All time"}
DEFAULT_WINDOW = "30"


def annotation(field: str) -> str:
    # "applications" and "saves" are also Listing's reverse relations
    return f"figure_{field}"


SORTS = {
    "title": "title",
    "status": "status",
    "posted": "date_posted",
    **{f: annotation(f) for f in FIELDS},
}
DEFAULT_SORT = "-views"


def nonce_of(request: HttpRequest) -> str:
    # str() makes django-csp generate the nonce and send it in the header
    return str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""


def window_start(window: str, today: date) -> date | None:
    """The first day of a window that ends today (None: all time)."""
    return None if window == "all" else today - timedelta(days=int(window) - 1)


def with_figures(queryset: QuerySet, since: date | None) -> QuerySet:
    """Each posting annotated with its figures (figure_views …) summed from `since`
    (all time if None)."""
    in_window = Q(days__day__gte=since) if since else Q()
    return queryset.annotate(
        **{annotation(f): Coalesce(Sum(f"days__{f}", filter=in_window), 0) for f in FIELDS}
    )


def _sums(rows: QuerySet) -> dict[str, int]:
    totals = rows.aggregate(**{f: Coalesce(Sum(f), 0) for f in FIELDS})
    return {f: int(totals[f]) for f in FIELDS}


def status_label(listing: Listing) -> str:
    return "Expired" if listing.is_expired else listing.get_status_display()


# --------------------------------------------------------------------------- one posting


def posting_figures(request: HttpRequest, listing: Listing, *, today: date | None = None) -> dict:
    """What the posting's figures page and its change form show: totals (all time and
    the last 30 days), the 30-day chart and the day-by-day rows."""
    today = today or utc_today()
    start = today - timedelta(days=CHART_DAYS - 1)
    rows = PostingDay.objects.filter(listing=listing)
    stored = {row["day"]: row for row in rows.filter(day__gte=start).values("day", *FIELDS)}
    days = [start + timedelta(days=n) for n in range(CHART_DAYS)]
    series = [
        {"day": day, **{f: (stored.get(day) or {}).get(f, 0) for f in FIELDS}} for day in days
    ]
    for row in series:
        row["values"] = [row[f] for f in FIELDS]
    all_time, recent = _sums(rows), _sums(rows.filter(day__gte=start))
    return {
        "listing": listing,
        "start": start,
        "end": today,
        "totals": [
            {"figure": figure, "all_time": all_time[figure.field], "recent": recent[figure.field]}
            for figure in FIGURES
        ],
        "days": series[::-1],  # newest first in the table
        "figures": FIGURES,
        "chart": daily_chart(
            chart_id=f"posting-{listing.pk}", series=series, nonce=nonce_of(request)
        ),
        "legend": [{"key": key, "label": label} for key, label, _ in CHART_SERIES],
        "has_any": any(all_time.values()),
        "page_url": reverse("admin:listings_listing_figures", args=[listing.pk]),
        "dashboard_url": reverse("admin:listings_listing_dashboard")
        + "?"
        + urlencode({"company": listing.company_id}),
    }


# --------------------------------------------------------------------------- chart

# (key, legend, colour): static/css/admin_stats.css gives the legend's swatches the same
CHART_SERIES = (
    ("views", "Views", "#1f3a5f"),
    ("visitors", "Visitors", "#5f86b8"),
    ("responses", "Apply clicks + applications (right scale)", "#c0612b"),
)
_SVG_NS = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class _Variant:
    name: str
    width: int
    height: int
    label_every: int  # a date label every n days


# the wide one fits beside the totals in the admin's content column without shrinking
_VARIANTS = (_Variant("wide", 620, 250, 7), _Variant("narrow", 400, 250, 10))
_STEPS = 4  # both scales have four steps, so each tick is a whole number on both


def daily_chart(*, chart_id: str, series: list[dict], nonce: str) -> list[dict]:
    """[{"variant": "wide"|"narrow", "svg": <markup>}] of views, visitors and
    applications (apply clicks and in-app) per day."""
    first, last = series[0]["day"], series[-1]["day"]
    title = "Views, visitors and applications per day"
    desc = (
        f"Line chart of the posting's daily views and unique visitors (left scale), and "
        f"apply clicks plus applications (right scale), {first:%-d %b} to {last:%-d %b %Y} "
        "(UTC days). "
        "The table after the chart gives every figure."
    )
    return [
        {"variant": v.name, "svg": _svg(f"{chart_id}-{v.name}", title, desc, series, v, nonce)}
        for v in _VARIANTS
    ]


def _style() -> Style:
    return chart_style(
        guide_stroke_color="#e6e9ee",
        major_guide_stroke_color="#e6e9ee",
        colors=tuple(colour for _, _, colour in CHART_SERIES),
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=13,
        value_font_size=12,
    )


def _css(uuid: str) -> str:
    # the admin's own colours (light and dark themes), with the light ones as fallback
    scope = f"#chart-{uuid}"
    return (
        f"{scope} text{{fill:var(--body-quiet-color,#4a5566)}}"
        f"{scope} .legends text{{fill:var(--body-fg,#1c2430)}}"
        f"{scope} .axis .line{{stroke:var(--body-quiet-color,#9aa3b0)}}"
        f"{scope} .axis .guide.line,{scope} .axis .major.guide.line"
        f"{{stroke:var(--hairline-color,#e6e9ee);stroke-dasharray:none}}"
        f"{scope} .series .line{{stroke-width:2px}}"
    )


def _svg(
    uuid: str, title: str, desc: str, series: list[dict], v: _Variant, nonce: str
) -> SafeString:
    left = _step(max(max(row["views"], row["visitors"]) for row in series))
    right = _step(max(_responses(row) for row in series))
    chart = pygal.Line(
        style=_style(),
        css=["file://style.css", "file://graph.css", "inline:" + _css(uuid)],
        width=v.width,
        height=v.height,
        explicit_size=False,
        js=[],
        disable_xml_declaration=True,
        margin=8,
        # the legend is the page's own (HTML, under the chart): it wraps on a phone
        show_legend=False,
        show_minor_x_labels=False,
        x_labels_major_every=v.label_every,
        truncate_label=-1,
        dots_size=2.5,
        range=(0, left * _STEPS),
        y_labels=[left * n for n in range(_STEPS + 1)],
        # applications are a few a day where views are hundreds: their own scale
        secondary_range=(0, right * _STEPS),
        print_values=False,
        tooltip_fancy_mode=False,
        allow_interruptions=False,
    )
    chart.uuid = uuid
    chart.x_labels = [f"{row['day']:%-d %b}" for row in series]
    for field, label, _ in CHART_SERIES:
        values = [_responses(row) if field == "responses" else row[field] for row in series]
        chart.add(label, values, secondary=field == "responses")
    root = chart.render_tree()
    _clean(root, uuid, title, desc, nonce)
    # pygal's tree, serialised by ElementTree: its text and attributes are escaped
    return mark_safe(etree.tostring(root, encoding="unicode"))  # noqa: S308


def _step(highest: int) -> int:
    """A round step (1, 2, 2.5 or 5 times a power of ten, whole) that reaches `highest`
    in _STEPS steps."""
    wanted = max(highest, 1) / _STEPS
    magnitude = 1
    while True:
        for m in (1, 2, 2.5, 5):
            step = m * magnitude
            if step >= wanted and step == int(step):
                return int(step)
        magnitude *= 10


def _responses(row: dict) -> int:
    return row["apply_clicks"] + row["applications"]


def _clean(root, prefix: str, title: str, desc: str, nonce: str) -> None:
    """Strict-CSP and accessible, as the pay charts (listings.charts)."""
    make_strict(root)
    label_image(
        root, prefix=prefix, title=title, desc=desc, css_class="posting-chart-svg", nonce=nonce
    )


# --------------------------------------------------------------------------- dashboard


@dataclass
class Dashboard:
    company: Company | None  # None: every company (operators)
    companies: list[Company]  # what an operator may choose from (empty for recruiters)
    window: str
    start: date | None
    end: date
    sort: str
    listings: QuerySet  # the postings shown
    rows: QuerySet  # the same, with their figures over the window, in order


def dashboard_for(request: HttpRequest, *, today: date | None = None) -> Dashboard:
    """The company, window and order asked for, checked; Http404 for a company the user
    may not see (the same answer as for one that does not exist)."""
    user = request.user
    mine = Company.objects.for_recruiter(user)
    asked = request.GET.get("company", "")
    if asked:
        company = mine.filter(pk=int(asked)).first() if asked.isdecimal() else None
        if company is None:
            raise Http404("No such company.")
    elif is_operator(user):
        company = None
    else:
        company = mine.first()
        if company is None:
            raise Http404("No company.")
    window = request.GET.get("days", DEFAULT_WINDOW)
    window = window if window in WINDOWS else DEFAULT_WINDOW
    sort = request.GET.get("sort", DEFAULT_SORT)
    sort = sort if sort.removeprefix("-") in SORTS else DEFAULT_SORT
    today = today or utc_today()
    start = window_start(window, today)
    listings = Listing.objects.for_recruiter(user)
    if company is not None:
        listings = listings.filter(company=company)
    column = SORTS[sort.removeprefix("-")]
    order = f"-{column}" if sort.startswith("-") else column
    rows = with_figures(listings.select_related("company"), start).order_by(order, "-pk")
    companies = list(Company.objects.order_by("name")) if is_operator(user) else []
    return Dashboard(company, companies, window, start, today, sort, listings, rows)


def _sort_links(board: Dashboard, base: dict) -> dict[str, dict]:
    links = {}
    for key in SORTS:
        current = board.sort.removeprefix("-") == key
        descending = board.sort.startswith("-")
        # figures sort biggest first on the first click; words A to Z
        first = f"-{key}" if key in FIELDS or key == "posted" else key
        target = (key if descending else f"-{key}") if current else first
        links[key] = {
            "url": "?" + urlencode({**base, "sort": target}),
            "aria": ("descending" if descending else "ascending") if current else "",
        }
    return links


def dashboard_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise Http404("No figures here.")
    board = dashboard_for(request)
    base = {"days": board.window}
    if board.company is not None and request.GET.get("company"):
        base["company"] = board.company.pk
    page = Paginator(board.rows, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    for listing in page.object_list:
        listing.figure_values = [getattr(listing, annotation(f)) for f in FIELDS]
        listing.figures_url = reverse("admin:listings_listing_figures", args=[listing.pk])
        listing.status_text = status_label(listing)
    links = _sort_links(board, base)
    totals = window_totals(board)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Posting figures",
        "board": board,
        "page_obj": page,
        "figures": FIGURES,
        "windows": WINDOWS,
        "totals": [totals[f] for f in FIELDS],
        "sort_links": links,
        "figure_columns": [{"figure": f, **links[f.field]} for f in FIGURES],
        "page_query": urlencode({**base, "sort": board.sort}),
        "csv_url": reverse("admin:listings_listing_dashboard_csv")
        + "?"
        + urlencode({**base, "sort": board.sort}),
        "is_operator": is_operator(request.user),
    }
    return TemplateResponse(request, "admin/listings/listing/figures_dashboard.html", context)


def window_totals(board: Dashboard) -> dict[str, int]:
    """The figures of all the dashboard's postings together, over its window."""
    days = PostingDay.objects.filter(listing__in=board.listings.order_by().values("pk"))
    if board.start is not None:
        days = days.filter(day__gte=board.start)
    return _sums(days)


def csv_cell(value) -> str | int:
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab, CR) would make it
    a formula, so it gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, int):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_HEADER = [
    "Posting ID",
    "Title",
    "Company",
    "Status",
    "Posted (UTC)",
    "From",
    "To",
    *(f.label for f in FIGURES),
]


def dashboard_csv_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise Http404("No figures here.")
    board = dashboard_for(request)
    name = board.company.slug if board.company else "all-companies"
    window = "all-time" if board.start is None else f"{board.start}-to-{board.end}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="figures-{name}-{window}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for listing in board.rows.iterator(chunk_size=2000):
        writer.writerow(
            [
                csv_cell(value)
                for value in [
                    listing.pk,
                    listing.title,
                    listing.company.name,
                    status_label(listing),
                    listing.date_posted.date().isoformat() if listing.date_posted else "",
                    board.start.isoformat() if board.start else "",
                    board.end.isoformat(),
                    *(getattr(listing, annotation(f)) for f in FIELDS),
                ]
            ]
        )
    return response


def posting_figures_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_view_permission(request, obj):
        raise Http404("No such posting.")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": obj,
        "title": f"Figures of “{obj.title}”",
        "posting": posting_figures(request, obj),
        "change_url": reverse("admin:listings_listing_change", args=[obj.pk]),
    }
    return TemplateResponse(request, "admin/listings/listing/figures.html", context)


def figure_urls(model_admin) -> list:
    """The ListingAdmin's figure URLs (before its `<path:object_id>/` catch-all)."""
    site = model_admin.admin_site

    def wrap(view):
        def bound(request, *args, **kwargs):
            return view(model_admin, request, *args, **kwargs)

        return site.admin_view(bound)

    return [
        path("figures/", wrap(dashboard_view), name="listings_listing_dashboard"),
        path("figures/export.csv", wrap(dashboard_csv_view), name="listings_listing_dashboard_csv"),
        path(
            "<path:object_id>/figures/",
            wrap(posting_figures_view),
            name="listings_listing_figures",
        ),
    ]
