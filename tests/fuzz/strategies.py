"""Hostile input for the fuzz tests: text, query strings and form values.

Each surface's file builds its forms from these; the settings keep every test to a
few seconds on a slow machine (the whole package well under a minute).
"""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Examples per test: enough to meet every branch, few enough for a 2-core machine.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# The admin form is the heaviest page here (about half a second a request).
FUZZ_SLOW = settings(FUZZ, max_examples=12)

NASTY_STRINGS = [
    "",
    " ",
    "\x00",
    "vp\x00",
    "\x0b\x0c\x1b\x7f",
    "\r\nSet-Cookie: x=1",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    '"unterminated',
    "%",
    "_",
    "\\",
    "-1",
    "0",
    "1e309",
    "NaN",
    "Infinity",
    "9" * 40,
    "1.5",
    "１２３",  # full-width digits
    "a" * 5000,
    "ü" * 300,
    "😀",
    "\u202eevil",
    "\ufeff",
    "..%2F..%2Fetc%2Fpasswd",
    "//evil.example/",
    "javascript:alert(1)",
]
NASTY = st.one_of(st.text(max_size=40), st.sampled_from(NASTY_STRINGS))
# Text a form should take (no NUL), though it may still hold controls and odd spaces.
MESSY = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=40)


def form_of(valid: dict, hostile: dict, required: tuple = ()) -> st.SearchStrategy[dict]:
    """Half the time a form of acceptable values only (`required` fields always there),
    so saving is reached and checked; half the time any subset of the fields, each
    valid or hostile."""
    anything = {name: st.one_of(valid[name], hostile.get(name, NASTY)) for name in valid}
    anything.update({name: s for name, s in hostile.items() if name not in valid})
    return st.one_of(
        st.fixed_dictionaries(
            {name: valid[name] for name in required},
            optional={name: s for name, s in valid.items() if name not in required},
        ),
        st.fixed_dictionaries({}, optional=anything),
    )


# Pieces of a raw query string that urlencode() would never produce: bad percent
# escapes, invalid UTF-8 (lone continuation bytes, overlong forms, surrogates), NULs.
RAW_BITS = [
    "%",
    "%%",
    "%zz",
    "%ff%fe",
    "%c3%28",
    "%e2%82",
    "%ed%a0%80",
    "%c0%af",
    "%00",
    "%0d%0a",
    "+",
    "&&",
    "=",
    "==",
    ";",
]
RAW = st.sampled_from(RAW_BITS)


def raw_query(keys: list[str]) -> st.SearchStrategy[str]:
    """A raw query string over `keys`: repeated keys, huge values, broken escapes."""
    key = st.one_of(st.sampled_from(keys), NASTY.map(lambda t: quote(t, safe="")), RAW)
    value = st.one_of(
        NASTY.map(lambda t: quote(t, safe="")),
        RAW,
        st.lists(RAW, max_size=4).map("".join),
        st.just("x" * 20_000),
    )
    pair = st.tuples(key, value).map(lambda kv: f"{kv[0]}={kv[1]}")
    return st.lists(st.one_of(pair, RAW), max_size=14).map("&".join)


def query_pairs(keys: list[str], values: st.SearchStrategy[str] = NASTY):
    """(key, value) pairs for urlencode(), keys drawn again and again (repeated keys)."""
    return st.lists(st.tuples(st.sampled_from(keys), values), max_size=12)
