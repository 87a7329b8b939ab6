"""Markdown written in the admin, turned into HTML that is safe to put on a public page.

Recruiters are trusted to write prose, not markup: whatever they (or a stolen
account) type, the page never gets a script, an event handler, a style, a frame
or a `javascript:` link. Python-Markdown renders, then nh3 (ammonia) keeps only
an allow-list of tags, attributes and URL schemes.
"""

from __future__ import annotations

import html
import re
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


def summary(text: str, words: int = 60) -> str:
    """The first `words` words of a Markdown text, as plain text.

    Read off the Markdown source (markup characters, link targets and any HTML
    dropped) rather than by rendering it: a feed summarises fifty postings per
    request, and rendering each description in full costs more than the rest.
    """
    source = _leading_blocks(text or "", words * 15)
    stripped = nh3.clean(source, tags=set(), strip_comments=True)
    plain = _MARKUP.sub(" ", _LINK_TARGET.sub("", html.unescape(stripped)))
    return Truncator(" ".join(plain.split())).words(words, truncate="…")


# Markdown's markup, as it appears in a source: link targets, then emphasis, headings,
# quotes, code, table bars and list markers.
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_MARKUP = re.compile(r"[*_#>`|\[\]]+|^\s*(?:[-+]|\d+\.)\s+", re.MULTILINE)


def _leading_blocks(text: str, chars: int) -> str:
    """Whole Markdown blocks from the start, until at least `chars` characters."""
    if len(text) <= chars:
        return text
    cut = text.find("\n\n", chars)
    return text if cut == -1 else text[:cut]


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
