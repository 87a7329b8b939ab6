"""Markdown written in the admin, turned into HTML that is safe to put on a public page.

Recruiters are trusted to write prose, not markup: whatever they (or a stolen
account) type, the page never gets a script, an event handler, a style, a frame
or a `javascript:` link. Python-Markdown renders, then nh3 (ammonia) keeps only
an allow-list of tags, attributes and URL schemes.
"""

from __future__ import annotations

import html
from urllib.parse import quote, urlsplit

import markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Links leave the site: no endorsement for search engines, no window.opener.
LINK_REL = "nofollow noopener"


def _markdown_to_html(text: str) -> str:
    # baselevel=3: a "# Heading" in a description becomes <h3>, below the page's h1/h2.
    return markdown.markdown(
        text or "",
        extensions=["fenced_code", "sane_lists", "tables", "toc"],
        extension_configs={"toc": {"baselevel": 3}},
        output_format="html",
    )


def sanitise_html(fragment: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes of an HTML fragment."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML, ready for a template."""
    return mark_safe(sanitise_html(_markdown_to_html(text)))  # noqa: S308 - sanitised above


def plain_text(text: str) -> str:
    """The readable words of a Markdown text, without markup (for summaries and feeds)."""
    stripped = nh3.clean(_markdown_to_html(text), tags=set(), strip_comments=True)
    return " ".join(html.unescape(stripped).split())


def summary(text: str, words: int = 60) -> str:
    """The first `words` words of a Markdown text, as plain text."""
    return Truncator(plain_text(text)).words(words, truncate="…")


def html_list(items: list[str], *, ordered: bool = False) -> str:
    """An escaped HTML list of plain-text items."""
    tag = "ol" if ordered else "ul"
    body = "".join(f"<li>{escape(item)}</li>" for item in items if item.strip())
    return f"<{tag}>{body}</{tag}>" if body else ""


def safe_http_url(url: str | None) -> str:
    """`url` if it is an http(s) URL with a host, else "" (never a javascript: or data: link)."""
    if not url:
        return ""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return ""
    return url


def mailto(address: str | None, *, subject: str = "") -> str:
    """A mailto: URL for one address, or "" when the address does not look like one."""
    if not address or "@" not in address or any(c in address for c in "\r\n<>\"' "):
        return ""
    url = "mailto:" + quote(address.strip(), safe="@.+-_")
    if subject:
        url += "?subject=" + quote(subject, safe="")
    return url
