"""listings.tsquery: PostgreSQL's tsquery text, parsed, and known phrases rewritten.

The unit tests need no database. The properties at the end check the parser against
PostgreSQL itself, and the real promise: on stored postings, the rewritten query
on the match vector finds exactly what the original finds on the full vector.
"""

from __future__ import annotations

import random

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listings.models import SearchEntry
from listings.tsquery import (
    CompiledQuery,
    _serialise,
    compile_query,
    parse,
    phrase_lexemes,
    quote,
    rewrite,
)
from tests.factories import CompanyFactory, LiveListingFactory

CX = "'custom' <-> 'experi'"
PHRASES = {CX: CX}


def lex(text):
    return ("lex", text)


A, B, C = lex("a"), lex("b"), lex("c")

# --------------------------------------------------------------------------- parse


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("'a'", A),
        ("'a' & 'b' | 'c'", ("or", [("and", [A, B]), C])),
        ("'a' | 'b' & 'c'", ("or", [A, ("and", [B, C])])),
        ("'a' & 'b' & 'c'", ("and", [A, B, C])),
        ("!'a' & 'b'", ("and", [("not", A), B])),
        ("!!'a'", ("not", ("not", A))),
        ("'a' <-> 'b' <2> 'c'", ("phrase", ("phrase", A, 1, B), 2, C)),
        ("'a' <-> ( 'b' <-> 'c' )", ("phrase", A, 1, ("phrase", B, 1, C))),
        ("'a' <-> 'b' & 'c'", ("and", [("phrase", A, 1, B), C])),
        ("'a' | 'b' <0> 'c'", ("or", [A, ("phrase", B, 0, C)])),
        ("!'a' <-> 'b'", ("phrase", ("not", A), 1, B)),
        ("!( 'a' <-> 'b' )", ("not", ("phrase", A, 1, B))),
        ("'a' & ( 'b' | 'c' )", ("and", [A, ("or", [B, C])])),
        ("( 'a' | 'b' ) <-> 'c'", ("phrase", ("or", [A, B]), 1, C)),
        ("((('a')))", A),
        ("  'a'   &'b'  ", ("and", [A, B])),
        ("'it''s'", lex("it's")),
        ("''''", lex("'")),
        ("'back\\\\slash'", lex("back\\slash")),
        ("'q\\'x'", lex("q'x")),  # PostgreSQL's input also takes \' for a quote
        ("'two words'", lex("two words")),
        ("'café' & '日本'", ("and", [lex("café"), lex("日本")])),
        ("'a&b|c'", lex("a&b|c")),
    ],
)
def test_parse_reads_postgresqls_text_form(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    "text",
    [
        "'a' &",
        "& 'a'",
        "('a'",
        "'a')",
        "'a' 'b'",
        "'a':*",
        "'a':AB",
        "'unterminated",
        "a",
        "()",
        "!",
    ],
)
def test_parse_refuses_what_it_cannot_read(text):
    with pytest.raises(ValueError):
        parse(text)


@pytest.mark.parametrize("lexeme", ["it's", "back\\slash", "'", "\\", "\\'", "a''b", "end\\", " "])
def test_quote_and_parse_round_trip_odd_lexemes(lexeme):
    assert parse(quote(lexeme)) == lex(lexeme)


# --------------------------------------------------------------------------- rewrite

KNOWN = "'''custom'' <-> ''experi'''"  # the phrase lexeme, quoted


def test_rewrite_replaces_a_known_chain_by_its_lexeme():
    compiled = rewrite(CX, PHRASES)
    assert compiled == CompiledQuery(original=CX, candidate=KNOWN)
    assert parse(compiled.candidate) == lex(CX)


def test_rewrite_leaves_an_unknown_phrase_a_phrase():
    compiled = rewrite("'experi' <-> 'director'", PHRASES)
    assert compiled.original == "'experi' <-> 'director'"
    assert parse(compiled.candidate) == parse(compiled.original)
    # the same words at another distance are another phrase
    assert parse(rewrite("'custom' <2> 'experi'", PHRASES).candidate) == parse(
        "'custom' <2> 'experi'"
    )


@pytest.mark.parametrize(
    ("original", "candidate"),
    [
        ("'vp' & 'custom' <-> 'experi'", f"('vp' & {KNOWN})"),
        ("'custom' <-> 'experi' | 'retail'", f"({KNOWN} | 'retail')"),
        ("!( 'custom' <-> 'experi' )", f"!{KNOWN}"),
        ("'retail' & !( 'custom' <-> 'experi' )", f"('retail' & !{KNOWN})"),
        (
            "( 'custom' <-> 'experi' | 'nps' ) & !( 'custom' <-> 'experi' & 'x' )",
            f"(({KNOWN} | 'nps') & !({KNOWN} & 'x'))",
        ),
    ],
)
def test_rewrite_replaces_a_known_phrase_inside_and_or_not(original, candidate):
    assert rewrite(original, PHRASES).candidate == candidate


@pytest.mark.parametrize(
    "original",
    [
        "'custom' <-> 'experi' <-> 'director'",  # the known chain is the left sub-chain
        "'vp' <-> 'custom' <-> 'experi'",
        "'head' <2> 'custom' <-> 'experi' <-> 'director'",
        "!( 'custom' <-> 'experi' <-> 'director' )",
        "( 'custom' <-> 'experi' ) <-> ( 'custom' <-> 'experi' )",
        "( 'custom' <-> 'experi' | 'x' ) <-> 'director'",
    ],
)
def test_rewrite_replaces_nothing_inside_a_longer_phrase(original):
    # A phrase lexeme has no position: under <N> PostgreSQL would never match it.
    phrases = {**PHRASES, "'head' <2> 'custom'": "'head' <2> 'custom'"}
    candidate = rewrite(original, phrases).candidate
    assert parse(candidate) == parse(original)
    assert "''" not in candidate


def test_rewrite_replaces_the_longest_known_chain_whole():
    head = "'head' <2> 'custom' <-> 'experi'"
    compiled = rewrite(head, {**PHRASES, head: head, "'head' <2> 'custom'": "'head' <2> 'custom'"})
    assert parse(compiled.candidate) == lex(head)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_rewrite_of_empty_text_is_empty(text):
    compiled = rewrite(text, PHRASES)
    assert compiled == CompiledQuery(original="", candidate="")
    assert compiled.empty


@pytest.mark.parametrize(
    "text",
    [
        "'custom':* & 'experi'",
        "'custom' <-> 'experi' &",
        "'custom':A <-> 'experi'",
        "'a' 'b'",
        "( 'custom' <-> 'experi'",
    ],
)
def test_unparsable_text_falls_back_to_the_original_query(text):
    assert rewrite(text, PHRASES) == CompiledQuery(original=text, candidate=text)


# --------------------------------------------------------------------------- compile_query


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "original", "candidate"),
    [
        ('"customer experience"', CX, KNOWN),
        ("customer experience", "'custom' & 'experi'", "('custom' & 'experi')"),
        ('-"customer experience"', f"!( {CX} )", f"!{KNOWN}"),
        ('"experience director"', "'experi' <-> 'director'", "('experi' <-> 'director')"),
        (
            '"customer experience director"',
            f"{CX} <-> 'director'",
            "(('custom' <-> 'experi') <-> 'director')",
        ),
        ("the of", "", ""),
    ],
)
def test_compile_query_normalises_the_words_then_rewrites(text, original, candidate):
    assert compile_query(text) == CompiledQuery(original=original, candidate=candidate)


@pytest.mark.django_db
def test_the_known_phrases_come_from_the_migrations_table():
    phrases = phrase_lexemes()
    assert phrases[CX] == CX
    assert phrases["'head' <2> 'custom' <-> 'experi'"] == "'head' <2> 'custom' <-> 'experi'"
    assert "'custom'" not in phrases  # single words are no phrase


# --------------------------------------------------------------------------- properties

LEXEMES = st.text(alphabet="ab'\\ é&|!()<>-:*", min_size=1, max_size=4)


def trees(leaves):
    def extend(children):
        return st.one_of(
            st.tuples(st.just("not"), children),
            st.tuples(st.just("and"), st.lists(children, min_size=2, max_size=3)),
            st.tuples(st.just("or"), st.lists(children, min_size=2, max_size=3)),
            st.tuples(st.just("phrase"), children, st.integers(0, 3), children),
        )

    return st.recursive(leaves.map(lex), extend, max_leaves=8)


@settings(max_examples=200, deadline=None, database=None)
@given(trees(LEXEMES))
def test_serialised_trees_parse_back_to_themselves(tree):
    text = _serialise(tree, {})
    assert parse(text) == tree
    assert _serialise(parse(text), {}) == text
    assert rewrite(text, {}).candidate == text


def _pg_text(cursor, text: str) -> str:
    cursor.execute("SELECT %s::tsquery::text", [text])
    return cursor.fetchone()[0]


@pytest.mark.django_db
@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(trees(LEXEMES))
def test_the_parser_reads_trees_as_postgresql_does(tree):
    """PostgreSQL's text of a query, parsed and written again, is the same query to it."""
    with transaction.atomic(), connection.cursor() as cursor:
        pg = _pg_text(cursor, _serialise(tree, {}))
        assert _pg_text(cursor, _serialise(parse(pg), {})) == pg


# The postings and the queries share a small vocabulary full of known phrases
# ("customer experience", "head of customer experience", "first contact resolution",
# "voice of the customer", "senior director", "customer service", "contact center").
VOCABULARY = [
    "customer", "experience", "service", "head", "of", "the", "director", "senior",
    "first", "contact", "resolution", "center", "voice", "retail",
]  # fmt: skip
STEMS = ["custom", "experi", "servic", "head", "director", "senior", "first", "contact",
         "resolut", "center", "voic", "retail", "zzz"]  # fmt: skip
SENTENCES = [
    "Head of customer experience.",
    "Senior director of customer experience and service.",
    "Customer service, then experience.",
    "Experience the customer.",
    "First contact resolution for every customer.",
    "First, contact the customer; resolution next.",
    "The voice of the customer.",
    "Voice of a retail customer.",
    "Contact center director.",
    "Customer experience director, retail.",
    "Head of customer experience director.",
    "Director of customer service.",
    "Retail.",
]
KNOWN_WORDS = [
    "customer experience", "head of customer experience", "first contact resolution",
    "voice of the customer", "senior director", "contact center", "customer service",
    "director of customer",
]  # fmt: skip


@pytest.fixture
def vocabulary_postings(db):
    """Forty live postings written in a small vocabulary (VOCABULARY and SENTENCES)."""
    plain = {
        "kpis": [],
        "skills": [],
        "technologies": [],
        "responsibilities": [],
        "requirements": [],
    }
    companies = [
        CompanyFactory(name=name) for name in ("Acme", "Customer Experience Co", "Service")
    ]
    rng = random.Random(20261201)
    listings = []
    for i in range(40):
        title = " ".join(rng.choices(VOCABULARY, k=rng.randint(1, 4)))
        if i < len(SENTENCES):
            description = SENTENCES[i]
        else:
            description = " ".join(rng.choices(VOCABULARY, k=rng.randint(3, 10)))
        listings.append(
            LiveListingFactory(
                title=title, company=companies[i % 3], description=description, **plain
            )
        )
    ids = [listing.pk for listing in listings]
    assert SearchEntry.objects.filter(listing_id__in=ids).count() == len(ids)
    return ids


def _found(ids, original: str, candidate: str) -> tuple[list[int], list[int]]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT ARRAY(SELECT id FROM listings_listing "
            "             WHERE id = ANY(%s) AND search_vector @@ %s::tsquery ORDER BY id), "
            "       ARRAY(SELECT listing_id FROM listings_searchentry "
            "             WHERE listing_id = ANY(%s) AND match_vector @@ %s::tsquery "
            "             ORDER BY listing_id)",
            [ids, original, ids, candidate],
        )
        return cursor.fetchone()


def _word_group(words):
    return st.lists(st.sampled_from(words), min_size=1, max_size=4)


def _slice(sentence_start_length):
    sentence, start, length = sentence_start_length
    words = sentence.split()
    start %= len(words)
    return " ".join(words[start : start + length])


# Runs of words the postings really hold: phrases that match something, known
# phrases whole, inside longer ones ("customer experience director") and next to others.
SLICES = st.tuples(st.sampled_from(SENTENCES), st.integers(0, 7), st.integers(2, 5)).map(_slice)

USER_TERMS = st.one_of(
    st.sampled_from(VOCABULARY),
    _word_group(VOCABULARY).map(lambda ws: '"' + " ".join(ws) + '"'),
    st.sampled_from(VOCABULARY).map(lambda w: "-" + w),
    st.sampled_from(["or", "OR", "-", '"', "(", "&", "!"]),
    st.sampled_from(KNOWN_WORDS).map(lambda phrase: f'"{phrase}"'),
    SLICES.map(lambda words: f'"{words}"'),
    SLICES.map(lambda words: f'-"{words}"'),
)


@pytest.mark.django_db
@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(USER_TERMS, min_size=1, max_size=4).map(" ".join))
def test_the_rewritten_words_find_what_the_original_finds(vocabulary_postings, text):
    compiled = compile_query(text)
    if compiled.empty:
        return
    plain, fast = _found(vocabulary_postings, compiled.original, compiled.candidate)
    assert fast == plain, (text, compiled)


OTHER = trees(st.sampled_from(STEMS)).map(lambda tree: _serialise(tree, {}))
SHAPES = {
    "chain": lambda chain, other: chain,
    "not": lambda chain, other: f"!({chain})",
    "and": lambda chain, other: f"({chain}) & {other}",
    "or": lambda chain, other: f"({chain}) | {other}",
    "and not": lambda chain, other: f"{other} & !({chain})",
    "after a word": lambda chain, other: f"'senior' <-> ({chain})",
    "before a word": lambda chain, other: f"({chain}) <-> 'director'",
    "apart": lambda chain, other: f"({chain}) <2> ({chain})",
    "known, then": lambda chain, other: f"'custom' <-> 'experi' <-> ({chain})",
    "any tree": lambda chain, other: other,
}


@pytest.mark.django_db
@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(SLICES, st.sampled_from(sorted(SHAPES)), OTHER)
def test_the_rewritten_query_matches_the_same_postings(vocabulary_postings, words, shape, other):
    """Any tsquery over the vocabulary: match_vector @@ candidate ⇔ search_vector @@ original."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT phraseto_tsquery('english', %s)::text", [words])
        chain = cursor.fetchone()[0] or "'zzz'"
        # the text PostgreSQL gives for the query, as compile_query sees it
        original = _pg_text(cursor, SHAPES[shape](chain, other))
    compiled = rewrite(original, phrase_lexemes())
    plain, fast = _found(vocabulary_postings, compiled.original, compiled.candidate)
    assert fast == plain, (original, compiled.candidate)


@pytest.mark.django_db
def test_the_vocabulary_postings_exercise_the_rewrite(vocabulary_postings):
    """Guards the properties above: known phrases do get rewritten, and some match."""
    for text in (
        '"customer experience"',
        '"head of customer experience"',
        '"voice of the customer"',
    ):
        compiled = compile_query(text)
        assert "''" in compiled.candidate, text
        plain, fast = _found(vocabulary_postings, compiled.original, compiled.candidate)
        assert plain and fast == plain and len(plain) < len(vocabulary_postings), text
    # both words, not as the phrase: the rows a recheck would have removed
    both, _ = _found(vocabulary_postings, "'custom' & 'experi'", "'custom' & 'experi'")
    phrase, _ = _found(vocabulary_postings, CX, CX)
    assert set(phrase) < set(both)
