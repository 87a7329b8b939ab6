"""factory_boy factories, one per state that tests care about."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from listings.choices import Function, Level, Status, Workplace
from listings.models import Company, Industry, Listing, Recruiter

PASSWORD = "correct horse battery"  # every factory-made user's


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OperatorFactory(UserFactory):
    is_staff = True
    is_superuser = True


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("slug",)

    slug = "software-saas"
    name = "Software & SaaS"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Northwind Service Co {n}")
    website = factory.LazyAttribute(
        lambda c: f"https://{c.name.lower().replace(' ', '')}.example.com"
    )
    industry = factory.SubFactory(IndustryFactory)
    size = "1001-5000"
    description = "We make support that customers talk about."


class RecruiterUserFactory(UserFactory):
    """A staff user in the Recruiters group, posting for `company` (or `recruiter=company`)."""

    is_staff = True
    company = factory.SubFactory(CompanyFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        company = kwargs.pop("company")
        user = super()._create(model_class, *args, **kwargs)
        user._factory_company = company
        return user

    @factory.post_generation
    def recruiter(obj, create, extracted, **kwargs):
        if not create:
            return
        company = extracted or kwargs.get("company") or obj._factory_company
        obj.groups.add(Group.objects.get(name="Recruiters"))
        Recruiter.objects.get_or_create(user=obj, defaults={"company": company})


class ListingFactory(factory.django.DjangoModelFactory):
    """A draft posting with everything publication needs."""

    class Meta:
        model = Listing

    title = "Director of Customer Service"
    company = factory.SubFactory(CompanyFactory)
    level = Level.DIRECTOR
    function = Function.CUSTOMER_SERVICE
    city = "Austin"
    region = "TX"
    country = "US"
    workplace = Workplace.HYBRID
    salary_min = 150_000
    salary_max = 190_000
    currency = "USD"
    team_size = 120
    managers_reporting = 8
    budget = 9_000_000
    geographic_scope = "national"
    channels = factory.LazyFunction(lambda: ["voice", "email", "chat"])
    kpis = factory.LazyFunction(
        lambda: [{"code": "csat", "target": "90%"}, {"code": "fcr", "target": "75%"}]
    )
    responsibilities = factory.LazyFunction(
        lambda: [
            "Lead a 120-person support organisation across three sites.",
            "Own the annual budget and the business plan for customer care.",
        ]
    )
    requirements = factory.LazyFunction(lambda: ["Eight years leading support teams."])
    min_leadership_years = 8
    skills = factory.LazyFunction(lambda: ["budget_management", "data_analysis"])
    technologies = factory.LazyFunction(lambda: ["Zendesk", "Genesys Cloud"])
    description = "Build a **calm**, data-driven customer service function."
    status = Status.DRAFT


class DraftListingFactory(ListingFactory):
    """Alias for readability: a draft is the base state."""


class LiveListingFactory(ListingFactory):
    status = Status.PUBLISHED
    date_posted = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    valid_through = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class ExpiredListingFactory(ListingFactory):
    status = Status.PUBLISHED
    date_posted = factory.LazyFunction(lambda: timezone.now() - timedelta(days=70))
    valid_through = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class ClosedListingFactory(LiveListingFactory):
    status = Status.CLOSED
    closed_at = factory.LazyFunction(timezone.now)


class RemoteListingFactory(LiveListingFactory):
    workplace = Workplace.REMOTE
    city = ""
    region = ""
    country = ""
    applicant_countries = factory.LazyFunction(lambda: ["US", "CA"])
