"""The user's words as a query the search projection answers from its GIN index alone.

PostgreSQL turns the words into a tsquery (`websearch_to_tsquery`: "quotes", -not,
or). A phrase (`'custom' <-> 'experi'`) makes the GIN index return every posting
with both words, each of which PostgreSQL then rechecks by reading its positions
out of TOAST: for a phrase of common words, tens of thousands of rows and half a
second. The projection's match vector is the posting's full vector plus one extra
lexeme per known phrase of the board's vocabulary (listings.search_codes.PHRASES)
that the posting contains (PostgreSQL's own phrase test, run when the posting is
written), so this module rewrites such phrases into those lexemes: the index alone
then answers, with exactly the same set. Other phrases stay as they are and
PostgreSQL rechecks them as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection

SEARCH_CONFIG = "english"

# A node is ("lex", text) | ("not", node) | ("and", [nodes]) | ("or", [nodes])
#           | ("phrase", left, distance, right)

_TOKEN = re.compile(r"\s*(?:'((?:[^'\\]|''|\\.)*)'(:[*A-Da-d]+)?|(<->|<\d+>)|([&|!()]))")


@dataclass(frozen=True)
class CompiledQuery:
    """`original`: the tsquery text; `candidate`: the same query for the match vector."""

    original: str
    candidate: str

    @property
    def empty(self) -> bool:
        return not self.original


class _Unparsable(ValueError):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise _Unparsable(text)
        lexeme, suffix, phrase, op = m.groups()
        if lexeme is not None:
            if suffix:  # prefix or weight marks: not something websearch produces
                raise _Unparsable(text)
            out.append(("lex", re.sub(r"\\(.)", r"\1", lexeme.replace("''", "'"))))
        elif phrase is not None:
            out.append(("phrase", "1" if phrase == "<->" else phrase[1:-1]))
        else:
            out.append(("op", op))
        pos = m.end()
    return out


def parse(text: str):
    """Parse PostgreSQL's text form of a tsquery (precedence: ! > <N> > & > |)."""
    tokens = _tokens(text)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else (None, None)

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def or_expr():
        items = [and_expr()]
        while peek() == ("op", "|"):
            take()
            items.append(and_expr())
        return items[0] if len(items) == 1 else ("or", items)

    def and_expr():
        items = [phrase_expr()]
        while peek() == ("op", "&"):
            take()
            items.append(phrase_expr())
        return items[0] if len(items) == 1 else ("and", items)

    def phrase_expr():
        node = unary()
        while peek()[0] == "phrase":
            distance = int(take()[1])
            node = ("phrase", node, distance, unary())
        return node

    def unary():
        kind, value = take() if pos < len(tokens) else (None, None)
        if kind == "lex":
            return ("lex", value)
        if (kind, value) == ("op", "!"):
            return ("not", unary())
        if (kind, value) == ("op", "("):
            node = or_expr()
            if peek() != ("op", ")"):
                raise _Unparsable(text)
            take()
            return node
        raise _Unparsable(text)

    node = or_expr()
    if pos != len(tokens):
        raise _Unparsable(text)
    return node


def quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _chain(node) -> str | None:
    """A phrase made only of words, in PostgreSQL's text form ('a' <-> 'b' <2> 'c')."""
    if node[0] == "lex":
        return quote(node[1])
    if node[0] == "phrase" and node[3][0] == "lex":
        left = _chain(node[1])
        if left is None:
            return None
        op = "<->" if node[2] == 1 else f"<{node[2]}>"
        return f"{left} {op} {quote(node[3][1])}"
    return None


def _serialise(node, phrases: dict[str, str]) -> str:
    """The node as tsquery text, each known phrase replaced by its lexeme."""
    kind = node[0]
    if kind == "lex":
        return quote(node[1])
    if kind == "not":
        return f"!{_serialise(node[1], phrases)}"
    if kind in ("and", "or"):
        op = " & " if kind == "and" else " | "
        return "(" + op.join(_serialise(child, phrases) for child in node[1]) + ")"
    chain = _chain(node)
    if chain in phrases:
        return quote(phrases[chain])
    # Nothing inside a longer phrase is replaced: a phrase lexeme has no position, and
    # PostgreSQL never matches a position-less lexeme under <N> (nor excludes it under !).
    op = "<->" if node[2] == 1 else f"<{node[2]}>"
    return f"({_serialise(node[1], {})} {op} {_serialise(node[3], {})})"


def rewrite(original: str, phrases: dict[str, str]) -> CompiledQuery:
    """Replace the known phrases of tsquery text by their lexemes (see the module doc)."""
    if not original.strip():
        return CompiledQuery(original="", candidate="")
    try:
        tree = parse(original)
    except _Unparsable:
        return CompiledQuery(original=original, candidate=original)
    return CompiledQuery(original=original, candidate=_serialise(tree, phrases))


@lru_cache(maxsize=1)
def phrase_lexemes() -> dict[str, str]:
    """Known phrases: their tsquery text → the lexeme the match vector carries."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT query::text, lexeme FROM listings_searchphrase")
        return dict(cursor.fetchall())


@lru_cache(maxsize=2048)
def compile_query(text: str) -> CompiledQuery:
    """The user's words, normalised by PostgreSQL, as an index-only condition where possible."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [SEARCH_CONFIG, text]
        )
        original = cursor.fetchone()[0]
    return rewrite(original, phrase_lexemes())
