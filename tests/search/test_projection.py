"""The search projection (listings_searchentry, migration 0005) follows every write.

Each test writes postings, companies and industries the way the app (or a bulk job)
does, then reads what the database holds: the entry row, its bit sets and vectors,
and the fast search path compared with the plain one on listings_listing.
"""

from __future__ import annotations

import json
from datetime import timedelta
from importlib import import_module

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from listings.models import Industry, Listing, SearchEntry
from listings.search_codes import KPI_BIT, KPI_ORDER, MAX_INDUSTRY_BIT, PHRASES
from listings.services import listing_publish
from listings.tsquery import compile_query
from tests.factories import (
    ClosedListingFactory,
    CompanyFactory,
    DraftListingFactory,
    ExpiredListingFactory,
    ListingFactory,
    LiveListingFactory,
)

pytestmark = pytest.mark.django_db

MIGRATION_0002 = import_module("listings.migrations.0002_search_trigger_and_recruiters")
MIGRATION_0005 = import_module("listings.migrations.0005_search_projection")


def entry_of(listing) -> SearchEntry | None:
    return SearchEntry.objects.filter(listing_id=listing.pk).first()


def industry_mask(slugs) -> int:
    bits = dict(Industry.objects.filter(slug__in=list(slugs)).values_list("slug", "bit"))
    assert set(bits) == set(slugs), f"unknown industries: {set(slugs) - set(bits)}"
    return sum(1 << bit for bit in bits.values())


def kpi_mask(codes) -> int:
    return sum(KPI_BIT[code] for code in set(codes))


def title_vector_matches(listing, words: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title_vector @@ plainto_tsquery('english', %s) "
            "FROM listings_searchentry WHERE listing_id = %s",
            [words, listing.pk],
        )
        return cursor.fetchone()[0]


# --------------------------------------------------------------------------- one posting


def test_publishing_a_posting_creates_its_entry_with_the_postings_columns():
    company = CompanyFactory(
        name="Quillfeather Mutual", industry=Industry.objects.get(slug="insurance")
    )
    listing = DraftListingFactory(
        company=company,
        title="VP, Customer Experience",
        level="vp",
        function="customer_experience",
        workplace="remote",
        country="CA",
        city="Toronto",
        region="Ontario",
        applicant_countries=["CA", "US", "GB"],
        salary_min=15_000,
        salary_max=20_000,
        salary_period="month",
        team_size=340,
        min_leadership_years=12,
        kpis=[{"code": "nps", "target": "60"}, {"code": "enps"}, {"code": "aht"}],
        industries=["healthcare", "financial-services"],
    )
    assert entry_of(listing) is None  # a draft is not searchable

    listing_publish(listing=listing)

    listing.refresh_from_db()
    entry = entry_of(listing)
    assert entry is not None
    assert entry.company_id == company.pk
    assert (entry.level, entry.function, entry.workplace) == ("vp", "customer_experience", "remote")
    assert (entry.country, entry.city, entry.region) == ("CA", "Toronto", "Ontario")
    assert entry.applicant_countries == ["CA", "US", "GB"]
    assert (entry.pay_min_annual, entry.pay_max_annual) == (180_000, 240_000)
    assert (listing.pay_min_annual, listing.pay_max_annual) == (180_000, 240_000)
    assert (entry.currency, entry.pay_min, entry.pay_max) == ("USD", 180_000, 240_000)
    assert (entry.team_size, entry.min_leadership_years) == (340, 12)
    assert entry.date_posted == listing.date_posted
    assert entry.valid_through == listing.valid_through
    assert entry.kpi_bits == KPI_BIT["nps"] | KPI_BIT["enps"] | KPI_BIT["aht"]
    # the company's industry is added by Listing.save, and counts like the others
    assert sorted(listing.industries) == ["financial-services", "healthcare", "insurance"]
    assert entry.industry_bits == industry_mask(["insurance", "healthcare", "financial-services"])
    # the title tier holds the title and the company name, nothing else
    assert title_vector_matches(listing, "customer experience")
    assert title_vector_matches(listing, "Quillfeather")
    assert not title_vector_matches(listing, "calm")  # a description word


def test_kpi_bits_follow_the_order_fixed_in_search_codes():
    listing = LiveListingFactory(kpis=[{"code": code} for code in KPI_ORDER])
    assert entry_of(listing).kpi_bits == (1 << len(KPI_ORDER)) - 1
    first_and_last = LiveListingFactory(kpis=[{"code": KPI_ORDER[0]}, {"code": KPI_ORDER[-1]}])
    assert entry_of(first_and_last).kpi_bits == 1 | (1 << (len(KPI_ORDER) - 1))
    unknown = LiveListingFactory(kpis=[{"code": "not_a_kpi"}, {"code": "csat"}])
    assert entry_of(unknown).kpi_bits == KPI_BIT["csat"]
    assert entry_of(LiveListingFactory(kpis=[])).kpi_bits == 0


@pytest.mark.parametrize("status", ["draft", "review", "closed"])
def test_a_posting_that_is_not_published_has_no_entry(status):
    listing = ListingFactory(status=status)
    assert entry_of(listing) is None
    assert not SearchEntry.objects.filter(listing_id=listing.pk).exists()


def test_closing_removes_the_entry_and_republishing_brings_it_back():
    listing = LiveListingFactory()
    assert entry_of(listing) is not None

    listing.close()
    assert entry_of(listing) is None

    listing_publish(listing=listing)
    entry = entry_of(listing)
    assert entry is not None
    listing.refresh_from_db()
    assert entry.valid_through == listing.valid_through


def test_deleting_a_posting_removes_its_entry():
    listing, other = LiveListingFactory(), LiveListingFactory()
    listing_id = listing.pk
    listing.delete()
    assert not SearchEntry.objects.filter(listing_id=listing_id).exists()
    assert entry_of(other) is not None


def test_an_expired_posting_has_no_entry_until_it_is_extended():
    listing = ExpiredListingFactory()
    assert entry_of(listing) is None

    listing.extend(days=30)

    entry = entry_of(listing)
    assert entry is not None
    assert entry.valid_through > timezone.now()
    assert SearchEntry.objects.live().filter(listing_id=listing.pk).exists()


def test_a_posting_scheduled_for_later_has_an_entry_that_is_not_live_yet():
    listing = LiveListingFactory(date_posted=timezone.now() + timedelta(days=2))
    assert entry_of(listing) is not None
    assert not SearchEntry.objects.live().filter(listing_id=listing.pk).exists()
    assert not Listing.objects.live().filter(pk=listing.pk).exists()


# --------------------------------------------------------------------------- bulk writes


def test_bulk_create_makes_entries_for_published_rows_only():
    company = CompanyFactory()
    now = timezone.now()
    common = {
        "company": company,
        "level": "director",
        "function": "customer_service",
        "workplace": "onsite",
        "country": "US",
        "city": "Denver",
        "description": "Run the Denver contact center.",
    }
    live, draft = Listing.objects.bulk_create(
        [
            Listing(
                **common,
                title="Director, Contact Center",
                slug="bulk-live",
                status="published",
                date_posted=now - timedelta(hours=1),
                valid_through=now + timedelta(days=10),
                kpis=[{"code": "sla"}, {"code": "ces"}],
                industries=["logistics", "insurance"],
            ),
            Listing(**common, title="Director, Draft", slug="bulk-draft", status="draft"),
        ]
    )
    entry = entry_of(live)
    assert entry is not None
    assert entry.city == "Denver"
    assert entry.kpi_bits == KPI_BIT["sla"] | KPI_BIT["ces"]  # kpi_codes came from the trigger
    assert entry.industry_bits == industry_mask(["logistics", "insurance"])
    assert entry_of(draft) is None


def test_queryset_update_of_status_adds_and_removes_entries():
    drafts = [DraftListingFactory(title=f"Draft {i}") for i in range(3)]
    lives = [LiveListingFactory(title=f"Live {i}") for i in range(3)]
    now = timezone.now()

    Listing.objects.filter(pk__in=[d.pk for d in drafts]).update(
        status="published",
        date_posted=now - timedelta(minutes=5),
        valid_through=now + timedelta(days=5),
    )
    Listing.objects.filter(pk__in=[live.pk for live in lives[:2]]).update(status="closed")

    have = set(SearchEntry.objects.values_list("listing_id", flat=True))
    assert {d.pk for d in drafts} <= have
    assert not {live.pk for live in lives[:2]} & have
    assert lives[2].pk in have


def test_queryset_update_of_a_column_updates_the_entry_column():
    listings = [LiveListingFactory(level="director") for _ in range(3)]
    Listing.objects.filter(pk__in=[x.pk for x in listings[:2]]).update(level="vp", team_size=55)
    levels = dict(SearchEntry.objects.values_list("listing_id", "level"))
    assert [levels[x.pk] for x in listings] == ["vp", "vp", "director"]
    assert entry_of(listings[0]).team_size == 55
    assert entry_of(listings[2]).team_size == 120


def test_queryset_update_of_valid_through_into_the_past_removes_the_entry():
    listing = LiveListingFactory()
    Listing.objects.filter(pk=listing.pk).update(
        valid_through=timezone.now() - timedelta(seconds=1)
    )
    assert entry_of(listing) is None


def test_renaming_a_company_renews_the_title_vector_of_its_postings():
    company = CompanyFactory(name="Bramblewick Telecom")
    listings = [LiveListingFactory(company=company, title=f"Director {i}") for i in range(2)]
    other = LiveListingFactory()
    assert title_vector_matches(listings[0], "Bramblewick")

    company.name = "Featherstone Telecom"
    company.save()

    for listing in listings:
        assert title_vector_matches(listing, "Featherstone")
        assert not title_vector_matches(listing, "Bramblewick")
    assert not title_vector_matches(other, "Featherstone")
    found = set(
        SearchEntry.objects.live().search("featherstone").values_list("listing_id", flat=True)
    )
    assert found == {x.pk for x in listings}
    assert all(row.title_match for row in SearchEntry.objects.live().search("featherstone"))


def test_editing_kpis_and_industries_changes_the_bits():
    listing = LiveListingFactory(kpis=[{"code": "csat"}], industries=[])
    assert entry_of(listing).kpi_bits == KPI_BIT["csat"]
    assert entry_of(listing).industry_bits == industry_mask(["software-saas"])

    listing.kpis = [{"code": "retention"}, {"code": "cost_per_contact"}]
    listing.industries = ["education", "public-sector"]
    listing.save()

    entry = entry_of(listing)
    assert entry.kpi_bits == KPI_BIT["retention"] | KPI_BIT["cost_per_contact"]
    assert entry.industry_bits == industry_mask(["software-saas", "education", "public-sector"])

    # bulk, without Listing.save: the database derives kpi_codes and the bits itself
    Listing.objects.filter(pk=listing.pk).update(kpis=[{"code": "nps"}], industries=["automotive"])
    entry = entry_of(listing)
    assert entry.kpi_bits == KPI_BIT["nps"]
    assert entry.industry_bits == industry_mask(["automotive"])


def test_kpi_and_industry_filters_agree_with_the_plain_ones():
    LiveListingFactory(kpis=[{"code": "csat"}, {"code": "nps"}], industries=["insurance"])
    LiveListingFactory(kpis=[{"code": "nps"}], industries=["healthcare", "education"])
    LiveListingFactory(kpis=[{"code": "csat"}, {"code": "fcr"}, {"code": "nps"}], industries=[])
    LiveListingFactory(kpis=[], industries=["education"])
    for codes in (["csat"], ["nps"], ["csat", "nps"], ["fcr", "aht"], [], ["bogus"]):
        plain = set(Listing.objects.live().owning_kpis(codes).values_list("id", flat=True))
        fast = set(
            SearchEntry.objects.live().owning_kpis(codes).values_list("listing_id", flat=True)
        )
        assert fast == plain, codes
    for slugs in (["insurance"], ["education", "healthcare"], ["software-saas"], ["nope"], []):
        plain = set(Listing.objects.live().in_industries(slugs).values_list("id", flat=True))
        fast = set(
            SearchEntry.objects.live().in_industries(slugs).values_list("listing_id", flat=True)
        )
        assert fast == plain, slugs


# --------------------------------------------------------------------------- industries


def test_an_industry_created_later_gets_a_free_bit_and_filters_work_on_it():
    taken = set(Industry.objects.values_list("bit", flat=True))
    gaming = Industry.objects.create(slug="gaming", name="Gaming")
    gaming.refresh_from_db()
    assert gaming.bit is not None
    assert 0 <= gaming.bit <= MAX_INDUSTRY_BIT
    assert gaming.bit not in taken

    inside = LiveListingFactory(industries=["gaming"])
    outside = LiveListingFactory(industries=["insurance"])
    assert entry_of(inside).industry_bits & (1 << gaming.bit)
    assert set(
        SearchEntry.objects.live().in_industries(["gaming"]).values_list("listing_id", flat=True)
    ) == {inside.pk}
    assert set(Listing.objects.live().in_industries(["gaming"]).values_list("id", flat=True)) == {
        inside.pk
    }
    assert outside.pk in set(
        SearchEntry.objects.live()
        .in_industries(["gaming", "insurance"])
        .values_list("listing_id", flat=True)
    )


def test_saving_an_industry_that_never_read_its_bit_keeps_the_bit():
    gaming = Industry.objects.create(slug="gaming", name="Gaming")
    bit = Industry.objects.get(pk=gaming.pk).bit
    assert gaming.bit == bit is not None  # Industry.save reads the trigger's value back
    listing = LiveListingFactory(industries=["gaming"])

    gaming.name = "Games"
    gaming.bit = None  # an instance that never read it (as before the read-back)
    gaming.save()  # writes bit = NULL; the database keeps the bit
    Industry.objects.filter(pk=gaming.pk).update(bit=None)  # a bulk write keeps it too

    assert Industry.objects.get(pk=gaming.pk).bit == bit
    pets = Industry.objects.create(slug="pets", name="Pets")
    assert Industry.objects.get(pk=pets.pk).bit != bit
    assert not SearchEntry.objects.in_industries(["pets"]).exists()
    assert list(
        SearchEntry.objects.in_industries(["gaming"]).values_list("listing_id", flat=True)
    ) == [listing.pk]


def test_the_board_refuses_a_64th_industry():
    existing = Industry.objects.count()
    for i in range(MAX_INDUSTRY_BIT + 1 - existing):
        Industry.objects.create(slug=f"filler-{i}", name=f"Filler {i}")
    assert sorted(Industry.objects.values_list("bit", flat=True)) == list(
        range(MAX_INDUSTRY_BIT + 1)
    )
    with pytest.raises(DatabaseError, match="at most 63 industries"), transaction.atomic():
        Industry.objects.create(slug="one-too-many", name="One too many")


def test_renaming_an_industry_slug_keeps_its_postings_in_it():
    industry = Industry.objects.create(slug="gaming", name="Gaming")
    industry.refresh_from_db()
    company = CompanyFactory(industry=industry)
    by_company = LiveListingFactory(company=company)
    by_choice = LiveListingFactory(industries=["gaming", "insurance"])
    draft = DraftListingFactory(industries=["gaming"])
    unrelated = LiveListingFactory(industries=["insurance"])

    industry.slug = "video-games"
    industry.save()

    for listing in (by_company, by_choice, draft):
        listing.refresh_from_db()
        assert "video-games" in listing.industries
        assert "gaming" not in listing.industries
    expected = {by_company.pk, by_choice.pk}
    assert (
        set(Listing.objects.live().in_industries(["video-games"]).values_list("id", flat=True))
        == expected
    )
    assert (
        set(
            SearchEntry.objects.live()
            .in_industries(["video-games"])
            .values_list("listing_id", flat=True)
        )
        == expected
    )
    assert not Listing.objects.in_industries(["gaming"]).exists()
    assert not SearchEntry.objects.in_industries(["gaming"]).exists()
    assert entry_of(by_choice).industry_bits == industry_mask(
        ["video-games", "insurance", "software-saas"]
    )
    assert unrelated.pk not in set(
        SearchEntry.objects.in_industries(["video-games"]).values_list("listing_id", flat=True)
    )


def test_deleting_an_industry_clears_its_bit_and_a_later_industry_does_not_inherit_its_postings():
    gaming = Industry.objects.create(slug="gaming", name="Gaming")
    gaming.refresh_from_db()
    listing = LiveListingFactory(industries=["gaming", "insurance"])
    assert entry_of(listing).industry_bits & (1 << gaming.bit)

    gaming.delete()

    assert entry_of(listing).industry_bits == industry_mask(["insurance", "software-saas"])
    newcomer = Industry.objects.create(slug="pets", name="Pets")
    newcomer.refresh_from_db()
    assert newcomer.bit == gaming.bit  # the bit is free again
    assert not SearchEntry.objects.in_industries(["pets"]).exists()
    assert listing.pk in set(
        SearchEntry.objects.in_industries(["insurance"]).values_list("listing_id", flat=True)
    )


# --------------------------------------------------------------------------- migration result


def test_the_migration_stored_the_known_phrases_as_postgresql_parses_them():
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme, query::text FROM listings_searchphrase")
        rows = dict(cursor.fetchall())
        cursor.execute(
            "SELECT DISTINCT q::text FROM unnest(%s::text[]) AS t(p), "
            "LATERAL phraseto_tsquery('english', p) AS q WHERE q::text LIKE '%%<%%'",
            [list(PHRASES)],
        )
        expected = {row[0] for row in cursor.fetchall()}
    assert "'custom' <-> 'experi'" in rows
    assert "'first' <-> 'contact' <-> 'resolut'" in rows
    assert "'head' <2> 'custom' <-> 'experi'" in rows  # stop words keep their distance
    assert all(lexeme == query for lexeme, query in rows.items())
    assert set(rows) == expected
    assert len(rows) >= len(PHRASES) - 2  # at most a couple of phrases collapse or are single words


def test_the_migration_spells_the_same_codes_as_search_codes():
    assert tuple(MIGRATION_0005.KPI_ORDER) == KPI_ORDER
    assert tuple(MIGRATION_0005.PHRASES) == PHRASES


def test_every_industry_of_the_migrations_has_a_distinct_bit():
    slugs = [slug for slug, _name in MIGRATION_0002.INDUSTRIES]
    bits = dict(Industry.objects.filter(slug__in=slugs).values_list("slug", "bit"))
    assert set(bits) == set(slugs)
    assert None not in bits.values()
    assert len(set(bits.values())) == len(slugs)
    assert all(0 <= bit <= MAX_INDUSTRY_BIT for bit in bits.values())


# --------------------------------------------------------------------------- text search

DESCRIPTIONS = [
    # (title, company name, description)
    (
        "VP, Customer Experience",
        "Aldermoor Bank",
        "Own the customer experience across every channel.",
    ),
    (
        "Director of Customer Service",
        "Brisk Retail",
        "Retail customers first; experience in stores matters.",
    ),
    ("Head of Support", "Cobalt Health", "Experience leading teams where the customer is central."),
    ("Senior Director, Contact Center", "Dunmore Telco", "Improve first contact resolution fast."),
    ("VP Operations", "Eskerfield", "First, contact every customer; resolution follows."),
    (
        "Director, Retail Support",
        "Fernhollow",
        "Retail stores customer care and the voice of the customer.",
    ),
    (
        "Director of C++ Platform Support",
        "Gallowglass",
        "Café culture, experience director duties.",
    ),
    (
        "Head of Customer Experience",
        "Harrowgate",
        "Head of customer experience for EMEA; zymurgy club.",
    ),
    ("Director", "Customer Experience Partners", "A consultancy; we advise on service."),
    ("Experience Director", "Ivybridge", "The experience director owns our vp & nps programme."),
    (
        "Quality Assurance Director",
        "Juniper Rail",
        "Quality assurance and customer experience director.",
    ),
    ("Senior Director of Customer Experience", "Kestrel Air", "Lead the customer experience team."),
    ("Director, Contact Centre", "Larkspur", "Contact centre, call center, help desk."),
    ("VP Customer Success", "Moorland", "Net promoter score, employee net promoter score."),
    ("Director of Customer", "Service Co", "Title and company make a phrase across the fields."),
    (
        "Director, Support Operations",
        "Nettlebed",
        "Customer, experience, retail: three words apart.",
    ),
    ("VP, Café Operations", "Oakhurst", "Run a café chain's guest service."),
    ("Director", "Pemberton", "Customer-experience leader; first-contact resolution."),
    ("Director, Retail CX", "Quarrywood", "Retail experience. Customer obsession."),
    ("Head of Customer Service", "Ravenscar", "Nothing of note; the of the and a."),
    ("Director, Experience Design", "Saltmarsh", "Experience customer journeys."),
    ("Director, Service Desk", "Thornbury", "Service desk and self service portals."),
    ("VP Support", "Underhill", "Customer experience customer experience customer experience."),
    ("Director, Escalations", "Vexley", "C++ tooling; vp sponsor; nps surveys."),
]
NOT_LIVE = [
    # matching words, but drafts, closed and expired postings are never found
    ("draft", "VP, Customer Experience", "Customer experience draft."),
    ("closed", "Director of Customer Experience", "Customer experience closed."),
    ("expired", "Head of Customer Experience", "Customer experience expired, zymurgy."),
]
NO_LEXEMES = ["the of", "", "   ", "it's", "-the"]  # websearch_to_tsquery makes '' of them
QUERIES = [
    "customer",
    "director",
    "zymurgy",
    "customer experience",
    '"customer experience"',
    '"experience director"',
    '"customer experience director"',
    '-"customer experience director"',
    "-retail",
    "customer -retail",
    '-"customer experience"',
    "retail or zymurgy",
    '"customer experience" or "contact center"',
    '"customer experience" -retail',
    '"first contact resolution"',
    "first contact resolution",
    '"head of customer experience"',
    '"senior director of customer experience"',
    '"voice of the customer"',
    '"employee net promoter score"',
    '"net promoter score"',
    '"customer service"',
    'c++ "unterminated',
    "vp & (nps",
    "café",
    "o'brien \\ back\\slash",
    "experience customer",
    '"experience customer"',
]


@pytest.fixture
def corpus():
    """Two dozen live postings, varied so each query finds some and misses others."""
    plain = {
        "kpis": [],
        "skills": [],
        "technologies": [],
        "responsibilities": [],
        "requirements": [],
    }
    live = []
    for title, company_name, description in DESCRIPTIONS:
        company = CompanyFactory(name=company_name)
        live.append(
            LiveListingFactory(title=title, company=company, description=description, **plain)
        )
    # a few keep the factory's KPIs, skills and technologies (weight B words)
    live.append(
        LiveListingFactory(
            title="Director, Contact Center", company=CompanyFactory(name="Wrenfold")
        )
    )
    live.append(
        LiveListingFactory(title="VP Customer Care", company=CompanyFactory(name="Yarrowby"))
    )
    factories = {
        "draft": DraftListingFactory,
        "closed": ClosedListingFactory,
        "expired": ExpiredListingFactory,
    }
    for state, title, description in NOT_LIVE:
        factories[state](title=title, description=description, **plain)
    return live


def plain_results(text: str) -> dict[int, bool]:
    return dict(Listing.objects.live().search(text).values_list("id", "title_match"))


def fast_results(text: str) -> dict[int, bool]:
    return dict(SearchEntry.objects.live().search(text).values_list("listing_id", "title_match"))


@pytest.mark.parametrize("text", QUERIES)
def test_the_fast_path_finds_the_same_postings_as_the_plain_one(corpus, text):
    plain, fast = plain_results(text), fast_results(text)
    assert set(fast) == set(plain)
    assert fast == plain  # and the same relevance tier for each


@pytest.mark.parametrize("text", NO_LEXEMES)
def test_a_query_without_lexemes_finds_nothing_on_either_path(corpus, text):
    assert compile_query(text).empty
    assert not Listing.objects.live().search(text).exists()
    assert not SearchEntry.objects.live().search(text).exists()


def test_a_query_without_lexemes_still_carries_title_match(corpus):
    # as ListingQuerySet.search does: callers filter and count on it (/jobs/?q=the+of)
    assert fast_results("the of") == plain_results("the of") == {}


def test_the_corpus_makes_the_comparison_meaningful(corpus):
    """Guards the test above: its queries do hit some postings and miss others."""
    everyone = {listing.pk for listing in corpus}
    for text in ("customer", '"customer experience"', '"experience director"', "-retail", "café"):
        found = set(plain_results(text))
        assert found and found < everyone, text
    assert len(plain_results("zymurgy")) == 1
    # "customer" and "experience" are both in some postings that are no phrase match
    both = set(plain_results("customer experience"))
    phrase = set(plain_results('"customer experience"'))
    assert phrase < both
    # and a title/company hit ranks apart from a description hit
    tiers = set(plain_results('"customer experience"').values())
    assert tiers == {True, False}


def test_a_known_phrase_is_answered_by_its_phrase_lexeme(corpus):
    compiled = compile_query('"customer experience"')
    assert compiled.original == "'custom' <-> 'experi'"
    assert compiled.candidate == "'''custom'' <-> ''experi'''"
    unknown = compile_query('"experience director"')
    assert unknown.candidate.strip("()") == unknown.original  # stays a phrase


def _plan_nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def _explain_count(tsquery_text: str) -> tuple[int, list[dict]]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM listings_searchentry "
            "WHERE match_vector @@ %s::tsquery",
            [tsquery_text],
        )
        raw = cursor.fetchone()[0]
    doc = raw if isinstance(raw, list) else json.loads(raw)
    nodes = list(_plan_nodes(doc[0]["Plan"]))
    count = next(node["Actual Rows"] for node in nodes if node["Node Type"] == "Bitmap Heap Scan")
    return count, nodes


def test_the_gin_index_answers_a_known_phrase_without_a_recheck(corpus):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE listings_searchentry")
    compiled = compile_query('"customer experience"')
    # postings with both words, some of them apart: what the old query had to recheck
    both_words = set(plain_results("customer experience"))
    in_phrase = set(plain_results('"customer experience"'))
    assert both_words - in_phrase

    old_count, old_nodes = _explain_count(compiled.original)
    new_count, new_nodes = _explain_count(compiled.candidate)

    assert old_count == new_count == len(in_phrase)
    for nodes in (old_nodes, new_nodes):
        assert any(node.get("Index Name") == "searchentry_match_gin" for node in nodes), nodes
    old_removed = sum(node.get("Rows Removed by Index Recheck", 0) for node in old_nodes)
    new_removed = sum(node.get("Rows Removed by Index Recheck", 0) for node in new_nodes)
    assert old_removed >= len(both_words - in_phrase)  # the measurement sees a recheck
    assert new_removed == 0
    assert all(node.get("Lossy Heap Blocks", 0) == 0 for node in new_nodes)
