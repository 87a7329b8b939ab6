"""Constants of the search projection (listings_searchentry), shared by SQL and Python.

This module imports nothing of the app's models, so models, querysets, migrations
and the search engine can all read it.
"""

from __future__ import annotations

# Bit i of SearchEntry.kpi_bits is set when the posting owns KPI_ORDER[i]. The order is
# fixed for good (new KPIs are appended): migration 0005 spells the same list in SQL.
KPI_ORDER = (
    "csat",
    "nps",
    "fcr",
    "ces",
    "aht",
    "resolution_rate",
    "sla",
    "retention",
    "cost_per_contact",
    "enps",
)
KPI_BIT = {code: 1 << i for i, code in enumerate(KPI_ORDER)}

# SearchEntry.facet_code = level * 16 + function * 4 + workplace, by these positions;
# migration 0005 spells the same lists in SQL.
LEVEL_ORDER = ("director", "senior_director", "vp")
FUNCTION_ORDER = ("customer_service", "customer_experience", "customer_success", "contact_center")
WORKPLACE_ORDER = ("onsite", "hybrid", "remote")


def facet_code(level: str, function: str, workplace: str) -> int:
    """The facet code of a (level, function, workplace)."""
    return (
        LEVEL_ORDER.index(level) * 16
        + FUNCTION_ORDER.index(function) * 4
        + WORKPLACE_ORDER.index(workplace)
    )


def facet_parts(code: int) -> tuple[str, str, str]:
    """(level, function, workplace) of a facet code."""
    return LEVEL_ORDER[code // 16], FUNCTION_ORDER[(code // 4) % 4], WORKPLACE_ORDER[code % 4]


# Industry.bit is 0..MAX_INDUSTRY_BIT (bit of SearchEntry.industry_bits, a bigint).
MAX_INDUSTRY_BIT = 62

# Phrases of the board's vocabulary that people type in quotes. A posting's match
# vector carries one extra lexeme per phrase it contains (PostgreSQL's own phrase
# test on its full vector, run once when the posting is written), so a query with
# such a phrase is answered by the GIN index alone, without re-reading every
# candidate's positions. Other phrases stay exact through a recheck (see
# listings/tsquery.py). Adding a phrase here needs a migration that inserts it
# into listings_searchphrase and refreshes the projection.
PHRASES = (
    "customer service",
    "customer experience",
    "customer success",
    "customer support",
    "customer care",
    "customer operations",
    "customer journey",
    "contact center",
    "contact centre",
    "call center",
    "call centre",
    "service desk",
    "help desk",
    "support operations",
    "technical support",
    "global support",
    "vice president",
    "senior director",
    "head of support",
    "head of customer",
    "head of customer service",
    "head of customer experience",
    "head of customer success",
    "director of customer",
    "net promoter score",
    "customer satisfaction",
    "first contact resolution",
    "average handle time",
    "customer effort score",
    "cost per contact",
    "service level",
    "resolution rate",
    "employee net promoter score",
    "service cloud",
    "salesforce service cloud",
    "genesys cloud",
    "nice cxone",
    "amazon connect",
    "hubspot service hub",
    "microsoft dynamics",
    "workforce management",
    "quality assurance",
    "voice of the customer",
    "self service",
    "change management",
    "process improvement",
    "budget management",
    "data analysis",
    "escalation management",
    "executive influence",
    "business planning",
    "vendor management",
)
