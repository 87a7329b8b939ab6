"""The vocabulary of executive customer-service roles, defined once."""

from django.db import models


class Level(models.TextChoices):
    DIRECTOR = "director", "Director"
    SENIOR_DIRECTOR = "senior_director", "Senior Director"
    VP = "vp", "VP / Head of"


class Function(models.TextChoices):
    CUSTOMER_SERVICE = "customer_service", "Customer service"
    CUSTOMER_EXPERIENCE = "customer_experience", "Customer experience"
    CUSTOMER_SUCCESS = "customer_success", "Customer success"
    CONTACT_CENTER = "contact_center", "Contact-center operations"


class Workplace(models.TextChoices):
    ONSITE = "onsite", "On-site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", "Full-time"
    CONTRACT = "contract", "Contract / interim"


class SalaryPeriod(models.TextChoices):
    YEAR = "year", "per year"
    MONTH = "month", "per month"
    DAY = "day", "per day"


# How many of each period make a year: used to compare any salary with an annual figure.
ANNUAL_FACTOR = {SalaryPeriod.YEAR: 1, SalaryPeriod.MONTH: 12, SalaryPeriod.DAY: 220}


class GeographicScope(models.TextChoices):
    REGIONAL = "regional", "Regional"
    NATIONAL = "national", "National"
    MULTI_COUNTRY = "multi_country", "Multi-country"
    GLOBAL = "global", "Global"


class Channel(models.TextChoices):
    VOICE = "voice", "Voice"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    MESSAGING = "messaging", "Messaging"
    SOCIAL = "social", "Social"
    SELF_SERVICE = "self_service", "Self-service"


class KPI(models.TextChoices):
    CSAT = "csat", "CSAT"
    NPS = "nps", "NPS"
    FCR = "fcr", "First-contact resolution"
    CES = "ces", "Customer effort score"
    AHT = "aht", "Average handle time"
    RESOLUTION_RATE = "resolution_rate", "Resolution rate"
    SLA = "sla", "SLA attainment"
    RETENTION = "retention", "Retention / churn"
    COST_PER_CONTACT = "cost_per_contact", "Cost per contact"
    ENPS = "enps", "Employee NPS"


class Skill(models.TextChoices):
    BUSINESS_PLANNING = "business_planning", "Business planning"
    BUDGET_MANAGEMENT = "budget_management", "Budget management"
    DATA_ANALYSIS = "data_analysis", "Data analysis"
    ESCALATION_MANAGEMENT = "escalation_management", "Escalation management"
    EXECUTIVE_INFLUENCE = "executive_influence", "Executive influence"
    WORKFORCE_MANAGEMENT = "workforce_management", "Workforce management"
    QUALITY_ASSURANCE = "quality_assurance", "Quality assurance"
    VENDOR_MANAGEMENT = "vendor_management", "Vendor and BPO management"
    CHANGE_MANAGEMENT = "change_management", "Change management"
    PROCESS_IMPROVEMENT = "process_improvement", "Process improvement"


TECHNOLOGY_SUGGESTIONS = [
    "Salesforce Service Cloud",
    "Zendesk",
    "ServiceNow",
    "Genesys Cloud",
    "NICE CXone",
    "Five9",
    "Amazon Connect",
    "Talkdesk",
    "Avaya",
    "Freshdesk",
    "Intercom",
    "HubSpot Service Hub",
    "Verint",
    "Qualtrics",
    "Medallia",
    "Microsoft Dynamics 365",
]


class CompanySize(models.TextChoices):
    S = "1-50", "1–50 employees"
    M = "51-200", "51–200 employees"
    L = "201-1000", "201–1,000 employees"
    XL = "1001-5000", "1,001–5,000 employees"
    XXL = "5001-10000", "5,001–10,000 employees"
    XXXL = "10000+", "10,000+ employees"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


class ApplyMethod(models.TextChoices):
    IN_APP = "in_app", "Apply on this site"
    URL = "url", "External application page"
    EMAIL = "email", "By email"


class PostedBy(models.TextChoices):
    EMPLOYER = "employer", "The employer itself"
    SEARCH_FIRM = "search_firm", "A search firm, for a client"


class ModerationAction(models.TextChoices):
    SUBMITTED = "submitted", "Submitted for review"
    PUBLISHED = "published", "Published"
    RETURNED = "returned", "Returned to the recruiter"
    UNPUBLISHED = "unpublished", "Unpublished by an operator"
    REPORT_DISMISSED = "report_dismissed", "Reports dismissed"


class ReportReason(models.TextChoices):
    SCAM = "scam", "Scam, phishing or asks for payment"
    NOT_EXECUTIVE = "not_executive", "Not a customer-service leadership role"
    MISLEADING = "misleading", "Misleading pay, title or location"
    FILLED = "filled", "Already filled or no longer open"
    DISCRIMINATORY = "discriminatory", "Discriminatory or offensive"
    DUPLICATE = "duplicate", "Duplicate of another posting"
    OTHER = "other", "Something else"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    ACTIONED = "actioned", "Posting unpublished"
