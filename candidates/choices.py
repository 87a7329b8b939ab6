"""Vocabulary of the candidates app (the role vocabulary lives in listings.choices)."""

from django.db import models


class CurrentLevel(models.TextChoices):
    SENIOR_MANAGER = "senior_manager", "Senior Manager"
    DIRECTOR = "director", "Director"
    SENIOR_DIRECTOR = "senior_director", "Senior Director"
    VP = "vp", "VP / Head of"
    C_LEVEL = "c_level", "SVP / Chief Customer Officer"


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private: only me, and companies I apply to"
    RECRUITERS = "recruiters", "Visible to recruiters on this site"


class ApplicationStatus(models.TextChoices):
    NEW = "new", "Received"
    REVIEWING = "reviewing", "Under review"
    INTERVIEWING = "interviewing", "Interviewing"
    OFFER = "offer", "Offer"
    DECLINED = "declined", "Not progressing"


class ResumeKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"


RESUME_CONTENT_TYPES = {
    ResumeKind.PDF: "application/pdf",
    ResumeKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
