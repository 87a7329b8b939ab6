"""Keep Listing.search_vector in the database, and create the Recruiters group.

The vector is weighted: title and company (A), KPIs, skills and technologies (B),
responsibilities and requirements (C), description (D). A trigger computes it on
every INSERT/UPDATE, including bulk_create and QuerySet.update(), and a company
rename refreshes its postings.
"""

from django.db import migrations

KPI_WORDS = {
    "csat": "csat customer satisfaction",
    "nps": "nps net promoter score",
    "fcr": "fcr first contact resolution",
    "ces": "ces customer effort score",
    "aht": "aht average handle time",
    "resolution_rate": "resolution rate",
    "sla": "sla service level attainment",
    "retention": "retention churn",
    "cost_per_contact": "cost per contact",
    "enps": "enps employee net promoter score",
}

_kpi_cases = "\n".join(f"    WHEN '{code}' THEN '{words}'" for code, words in KPI_WORDS.items())

FORWARD = f"""
CREATE OR REPLACE FUNCTION listings_kpi_words(code text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE code
{_kpi_cases}
    ELSE code
  END
$$;

CREATE OR REPLACE FUNCTION listings_listing_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  company_name text;
BEGIN
  SELECT name INTO company_name FROM listings_company WHERE id = NEW.company_id;
  NEW.search_vector :=
    setweight(to_tsvector('english',
      coalesce(NEW.title, '') || ' ' || coalesce(company_name, '')), 'A') ||
    setweight(to_tsvector('english',
      coalesce((SELECT string_agg(listings_kpi_words(e->>'code'), ' ')
                FROM jsonb_array_elements(NEW.kpis) AS e), '') || ' ' ||
      replace(array_to_string(NEW.skills, ' '), '_', ' ') || ' ' ||
      array_to_string(NEW.technologies, ' ')), 'B') ||
    setweight(to_tsvector('english',
      array_to_string(NEW.responsibilities, ' ') || ' ' ||
      array_to_string(NEW.requirements, ' ')), 'C') ||
    setweight(to_tsvector('english', coalesce(NEW.description, '')), 'D');
  RETURN NEW;
END
$$;

CREATE TRIGGER listings_listing_search_vector_trg
BEFORE INSERT OR UPDATE OF title, company_id, kpis, skills, technologies,
  responsibilities, requirements, description, search_vector
ON listings_listing
FOR EACH ROW EXECUTE FUNCTION listings_listing_search_vector();

CREATE OR REPLACE FUNCTION listings_company_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE listings_listing SET search_vector = NULL WHERE company_id = NEW.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER listings_company_renamed_trg
AFTER UPDATE OF name ON listings_company
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION listings_company_renamed();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS listings_company_renamed_trg ON listings_company;
DROP FUNCTION IF EXISTS listings_company_renamed();
DROP TRIGGER IF EXISTS listings_listing_search_vector_trg ON listings_listing;
DROP FUNCTION IF EXISTS listings_listing_search_vector();
DROP FUNCTION IF EXISTS listings_kpi_words(text);
"""

RECRUITER_PERMISSIONS = [
    ("listings", "listing", ["view", "add", "change"]),
    ("listings", "company", ["view"]),
]

INDUSTRIES = [
    ("software-saas", "Software & SaaS"),
    ("financial-services", "Financial services"),
    ("insurance", "Insurance"),
    ("healthcare", "Healthcare"),
    ("retail-ecommerce", "Retail & e-commerce"),
    ("telecommunications", "Telecommunications"),
    ("travel-hospitality", "Travel & hospitality"),
    ("utilities-energy", "Utilities & energy"),
    ("logistics", "Logistics & delivery"),
    ("consumer-electronics", "Consumer electronics"),
    ("automotive", "Automotive"),
    ("public-sector", "Public sector"),
    ("education", "Education"),
    ("bpo-outsourcing", "BPO & outsourcing"),
    ("media-entertainment", "Media & entertainment"),
]


def create_recruiters_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Recruiters")
    for app_label, model, actions in RECRUITER_PERMISSIONS:
        for action in actions:
            perm = Permission.objects.get(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            )
            group.permissions.add(perm)


def create_industries(apps, schema_editor):
    Industry = apps.get_model("listings", "Industry")
    for slug, name in INDUSTRIES:
        Industry.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(create_recruiters_group, migrations.RunPython.noop),
        migrations.RunPython(create_industries, migrations.RunPython.noop),
    ]
