"""Factories for candidates: profiles in the states tests care about, résumé bytes."""

from __future__ import annotations

import io
import zipfile

import factory
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile

from candidates.models import Application, Profile, SavedPosting
from tests.factories import LiveListingFactory, UserFactory

# ------------------------------------------------------------------ file contents


def pdf_bytes(text: str = "Jane Doe, VP Customer Experience", pad: int = 0) -> bytes:
    """A small, well-formed PDF (one page of text)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    if pad:
        out.write(b"%" + b"x" * pad + b"\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries all carry one fixed time, so the same document is the same
    bytes whenever it is made (writestr stamps the clock's time otherwise)."""

    def writestr(self, name, data, *args, **kwargs):
        entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        entry.compress_type = self.compression
        super().writestr(entry, data, *args, **kwargs)


def docx_bytes(text: str = "Jane Doe", main_type: str = DOCX_MAIN, document=True) -> bytes:
    """A minimal Word document (what python-docx or Word itself would open)."""
    out = io.BytesIO()
    with _FixedTimeZip(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES.replace("{main}", main_type))
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        if document:
            archive.writestr(
                "word/document.xml",
                '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
                'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
                f"{text}</w:t></w:r></w:p></w:body></w:document>",
            )
    return out.getvalue()


def pdf_upload(name: str = "resume.pdf", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(**kwargs), content_type="application/pdf")


def docx_upload(name: str = "resume.docx", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        docx_bytes(**kwargs),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


# ------------------------------------------------------------------ models


class CandidateUserFactory(UserFactory):
    """A signed-up candidate whose email address is verified (allauth)."""

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)


class ProfileFactory(factory.django.DjangoModelFactory):
    """A complete profile without a résumé (add one with services.resume_replace)."""

    class Meta:
        model = Profile

    user = factory.SubFactory(CandidateUserFactory)
    full_name = factory.Sequence(lambda n: f"Jordan Rivera {n}")
    headline = "VP Customer Experience, B2B SaaS"
    current_title = "Senior Director, Global Support"
    current_level = "senior_director"
    leadership_years = 12
    largest_team = 450
    largest_budget = 30_000_000
    budget_currency = "USD"
    kpis_moved = factory.LazyFunction(
        lambda: [
            {"code": "nps", "before": "31", "after": "58"},
            {"code": "csat", "before": "82%", "after": "93%"},
        ]
    )
    industries = factory.LazyFunction(lambda: ["software-saas"])
    skills = factory.LazyFunction(lambda: ["budget_management", "executive_influence"])
    technologies = factory.LazyFunction(lambda: ["Zendesk", "Salesforce Service Cloud"])
    desired_levels = factory.LazyFunction(lambda: ["director", "senior_director", "vp"])
    desired_salary_min = 170_000
    desired_currency = "USD"
    countries = factory.LazyFunction(lambda: ["US"])
    workplaces = factory.LazyFunction(lambda: ["hybrid", "remote"])
    summary = "I build calm, data-driven support organisations."


class SavedPostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedPosting

    user = factory.SubFactory(CandidateUserFactory)
    listing = factory.SubFactory(LiveListingFactory)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application as the service would record it (no résumé copy unless given)."""

    class Meta:
        model = Application

    candidate = factory.SubFactory(CandidateUserFactory)
    listing = factory.SubFactory(LiveListingFactory)
    candidate_name = "Jordan Rivera"
    candidate_email = factory.LazyAttribute(lambda a: a.candidate.email)
    cover_note = "I would like to talk."
    profile_snapshot = factory.LazyFunction(lambda: {"headline": "VP CX"})


def profile_form_data(**overrides) -> dict:
    """A complete /me/profile/ form as the browser posts it (None drops a field)."""
    data = {
        "full_name": "Morgan Lee",
        "headline": "VP Customer Experience, fintech",
        "current_title": "Senior Director, Customer Operations",
        "current_level": "senior_director",
        "leadership_years": "11",
        "largest_team": "320",
        "largest_budget": "24000000",
        "budget_currency": "USD",
        "industries": ["software-saas", "financial-services"],
        "skills": ["budget_management", "data_analysis"],
        "technologies": ["Zendesk", "Genesys Cloud"],
        "other_technologies": "Kustomer, Sprinklr",
        "desired_levels": ["vp"],
        "desired_salary_min": "220000",
        "desired_currency": "USD",
        "countries": ["US", "CA"],
        "workplaces": ["remote", "hybrid"],
        "summary": "Built support from 40 to 320 people.",
        "visibility": "private",
        "kpi_nps": "on",
        "kpi_nps_before": "31",
        "kpi_nps_after": "58",
        "kpi_aht_before": "9:40",
        "kpi_aht_after": "6:30",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def profile_with_resume(filename: str = "CV.pdf", **fields) -> Profile:
    """A profile (ProfileFactory with `fields`) with a résumé stored as the app stores one."""
    from candidates import services

    profile = ProfileFactory(**fields)
    services.resume_replace(profile=profile, upload=pdf_upload(filename))
    profile.refresh_from_db()
    return profile
