"""Markdown from the admin can never put script on a public page."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listings.models import Company
from listings.rendering import mailto, render_markdown, safe_http_url, summary
from tests.factories import CompanyFactory, LiveListingFactory
from tests.listings.pages import executable_scripts, links, parse

EVENT_ATTRIBUTE = re.compile(r"\son\w+\s*=", re.IGNORECASE)
QUOTED_VALUE = re.compile(r"\"[^\"]*\"|'[^']*'")
# A browser reading a URL drops ASCII tabs and newlines anywhere, and C0 controls and
# spaces at both ends (WHATWG URL standard), before it looks at the scheme.
TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def browser_url(value: str) -> str:
    return TAB_OR_NEWLINE.sub("", value).strip("".join(map(chr, range(0x21)))).lower()


FORBIDDEN_IN_MARKDOWN = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "img",
    "form",
}
# The page itself may hold a logo and the apply form; never anything that runs.
FORBIDDEN_ON_PAGE = FORBIDDEN_IN_MARKDOWN - {"img", "form"}


def dangerous_parts(html: str, forbidden: set[str] = FORBIDDEN_IN_MARKDOWN) -> list[str]:
    """What in an HTML fragment could run script, as a browser would read it."""
    problems = []
    if "<script" in html.lower():
        problems.append("a <script> tag")
    doc = parse(html)
    for tag, attrs in doc.tags:
        if tag in forbidden:
            problems.append(f"a <{tag}> element")
        for name, value in attrs.items():
            if name.lower().startswith("on"):
                problems.append(f"an {name} attribute on <{tag}>")
            if name.lower() in {"style", "srcdoc", "formaction"}:
                problems.append(f"a {name} attribute")
            url = browser_url(value or "")
            if name.lower() in {"href", "src", "action", "xlink:href"} and url.startswith(
                ("javascript:", "vbscript:", "data:")
            ):
                problems.append(f"a {url[:20]} URL in {name}")
    # The same, read naively off the markup: outside quoted values, no on...= attribute.
    for raw_tag in re.findall(r"<[^>]*>", html):
        if EVENT_ATTRIBUTE.search(QUOTED_VALUE.sub('""', raw_tag)):
            problems.append(f"an event attribute in {raw_tag[:60]}")
    return problems


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](jav&#x61;script:alert(1))",
    "<javascript:alert(1)>",
    "![img](javascript:alert(1))",
    '[x](https://ok.example "title" onclick="alert(1)")',
    "<iframe src=https://evil.example></iframe>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<form action="https://evil.example"><input name=p></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!--<script>alert(1)</script>-->",
    "```\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    '<p title="</p><script>alert(1)</script>">x</p>',
]


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_markdown_renders_harmless(markdown):
    html = render_markdown(markdown)
    assert dangerous_parts(html) == [], html


def test_code_blocks_show_markup_as_text():
    html = render_markdown("```\n<script>alert(1)</script>\n```")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_ordinary_markdown_keeps_its_structure():
    html = render_markdown(
        "# Our team\n\nWe are **240 people** in *three* sites.\n\n"
        "1. Listen\n2. Fix\n\n- voice\n- chat\n\n> Calm under pressure.\n\n"
        "| KPI | Target |\n|---|---|\n| CSAT | 90% |\n"
    )
    for fragment in [
        "<h3",
        "Our team</h3>",
        "<strong>240 people</strong>",
        "<em>three</em>",
        "<ol>",
        "<li>Listen</li>",
        "<ul>",
        "<blockquote>",
        "<td>CSAT</td>",
    ]:
        assert fragment in html, fragment
    assert "<h1" not in html and "<h2" not in html  # the page owns h1 and h2
    assert "id=" not in html


@pytest.mark.parametrize(
    "markdown",
    ["[site](https://example.com/about)", '<a href="https://example.com/about" rel="opener">x</a>'],
)
def test_links_are_nofollow_noopener(markdown):
    (link,) = links(render_markdown(markdown))
    assert link["href"] == "https://example.com/about"
    assert link["rel"] == "nofollow noopener"


def test_summary_is_plain_text_without_markup_or_scripts():
    text = summary("**Bold** start. <script>alert(1)</script> [link](https://x.example) end", 50)
    assert text == "Bold start. link end"


def test_summary_truncates_to_a_number_of_words():
    assert summary("one two three four five", 3) == "one two three…"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/jobs", "https://example.com/jobs"),
        ("http://example.com", "http://example.com"),
        ("javascript:alert(1)", ""),
        ("JAVASCRIPT:alert(1)", ""),
        ("data:text/html,x", ""),
        ("//evil.example", ""),
        ("https://", ""),
        ("http://[::1", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_only_http_urls_are_linked(url, expected):
    assert safe_http_url(url) == expected


@pytest.mark.parametrize(
    "address", ["a@b.example\r\nBcc: x@y", "<a@b.example>", "no-at-sign", "", None, 'a"@b.x']
)
def test_mailto_refuses_what_is_not_one_address(address):
    assert mailto(address) == ""


# --------------------------------------------------------------------------- property


markdown_pieces = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(
        [
            "<",
            ">",
            "</",
            '"',
            "'",
            "=",
            " on",
            "onerror=",
            "onclick=",
            "javascript:",
            "java\x00script:",
            "&#",
            "&#x6a;",
            "x",
            ";",
            "(",
            ")",
            "[",
            "]",
            "!",
            "`",
            "\n",
            "\n\n",
            "*",
            "#",
            " ",
            "<a href=",
            "<img src=",
            "<script",
            "</script>",
            "<svg",
            "<iframe",
            "<style",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "<a ",
            "href=",
            "src=",
            "alert(1)",
            "https://ok.example/",
        ]
    ),
    st.text(max_size=12),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(markdown_pieces, max_size=30).map("".join))
def test_no_markdown_whatsoever_yields_script(markdown):
    html = str(render_markdown(markdown))
    assert "<script" not in html.lower()
    assert dangerous_parts(html) == [], (markdown, html)


# --------------------------------------------------------------------------- on the pages


@pytest.mark.django_db
def test_posting_page_with_a_hostile_description_runs_no_script(client):
    listing = LiveListingFactory(
        title="<img src=x onerror=alert(1)> VP",
        description="\n\n".join(HOSTILE),
        responsibilities=["<script>alert('r')</script>"],
        requirements=['<a href="javascript:alert(1)">req</a>'],
        bonus="<b onmouseover=alert(1)>bonus</b>",
        technologies=["<svg onload=alert(1)>"],
        kpis=[{"code": "csat", "target": "<script>alert('t')</script>"}],
    )

    html = client.get(listing.get_absolute_url()).content.decode()

    assert executable_scripts(html) == []
    body = html.split('<main id="main"', 1)[1]
    assert dangerous_parts(body, FORBIDDEN_ON_PAGE) == []
    assert "&lt;img src=x onerror=alert(1)&gt; VP" in html
    assert "&lt;script&gt;alert(&#x27;r&#x27;)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_company_page_with_a_hostile_description_and_urls_runs_no_script(client):
    company = CompanyFactory(
        name="<script>alert('n')</script> Corp", description="\n\n".join(HOSTILE)
    )
    Company.objects.filter(pk=company.pk).update(
        website="javascript:alert(1)", logo_url="javascript:alert(2)"
    )
    LiveListingFactory(company=company)

    html = client.get(company.get_absolute_url()).content.decode()

    assert executable_scripts(html) == []
    body = html.split('<main id="main"', 1)[1]
    assert dangerous_parts(body, FORBIDDEN_ON_PAGE) == []
    assert not [a for a in links(html) if "javascript" in browser_url(a.get("href") or "")]
    assert "company-logo" not in html
