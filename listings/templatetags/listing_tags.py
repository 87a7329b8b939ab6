"""Template helpers for the public posting pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from listings import jsonld, rendering
from listings.choices import KPI, Channel, Skill

register = template.Library()

# The short names people in the field use; the rest read better in full.
KPI_SHORT = {
    KPI.CSAT: "CSAT",
    KPI.NPS: "NPS",
    KPI.FCR: "FCR",
    KPI.CES: "CES",
    KPI.AHT: "AHT",
    KPI.SLA: "SLA",
    KPI.ENPS: "eNPS",
}
_VOCABULARIES = {"channel": Channel, "skill": Skill, "kpi": KPI}


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown rendered to sanitised HTML."""
    return rendering.render_markdown(text)


@register.filter
def safe_url(url: str) -> str:
    """The URL if it is http(s), else an empty string."""
    return rendering.safe_http_url(url)


@register.filter
def kpi_short(code: str) -> str:
    return KPI_SHORT.get(code) or dict(KPI.choices).get(code, code)


@register.filter
def labels(codes, vocabulary: str) -> list[str]:
    """The display labels of a list of choice codes (`channels|labels:"channel"`)."""
    names = dict(_VOCABULARIES[vocabulary].choices)
    return [names.get(code, code) for code in codes or []]


@register.filter
def pay_approx(listing, currency: str) -> str:
    """ "≈ 205,000 USD a year" for a posting paid in another currency, else ""."""
    if not currency or not listing.salary_display:
        return ""
    return listing.pay.approx_in(currency)


@register.filter
def money_short(amount: int | None, currency: str = "") -> str:
    """9_000_000 -> "9M", 2_500_000_000 -> "2.5B"; with a currency prefix if given."""
    if amount is None:
        return ""
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if amount >= size:
            figure = f"{amount / size:.1f}".removesuffix(".0") + suffix
            break
    else:
        figure = str(amount)
    return f"{currency} {figure}".strip()


@register.simple_tag
def mailto(address: str, subject: str = "") -> str:
    return rendering.mailto(address, subject=subject)


@register.simple_tag
def job_posting_jsonld(listing) -> SafeString:
    """The schema.org JobPosting <script> of a posting."""
    return jsonld.script_tag(jsonld.job_posting(listing))
