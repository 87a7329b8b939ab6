"""Vocabulary for the demo data written by `manage.py seed_demo`.

Plain data only: places, pay levels, company-name parts, titles and sentence
templates for responsibilities, requirements and descriptions. The command
composes postings from these building blocks; placeholders in braces are filled
per posting ({team}, {customers}, {crm}, ...).
"""

from __future__ import annotations

from listings.choices import KPI, Channel, Function, Level, Skill

# ----------------------------------------------------------------------------- places and pay

# code: currency, Director mid-point salary (annual, local currency), fully loaded cost of
# one frontline head (for budgets), rounding step for salaries, weight among postings,
# language asked for besides English, the region used in titles, cities (city, region).
COUNTRIES: dict[str, dict] = {
    "US": {
        "currency": "USD",
        "director_mid": 185_000,
        "head_cost": 62_000,
        "step": 1_000,
        "weight": 30,
        "language": "",
        "area": "North America",
        "cities": [
            ("New York", "New York"),
            ("Austin", "Texas"),
            ("Dallas", "Texas"),
            ("Chicago", "Illinois"),
            ("Atlanta", "Georgia"),
            ("Denver", "Colorado"),
            ("Seattle", "Washington"),
            ("San Francisco", "California"),
            ("San Diego", "California"),
            ("Boston", "Massachusetts"),
            ("Charlotte", "North Carolina"),
            ("Phoenix", "Arizona"),
            ("Salt Lake City", "Utah"),
            ("Nashville", "Tennessee"),
            ("Minneapolis", "Minnesota"),
            ("Tampa", "Florida"),
            ("Columbus", "Ohio"),
            ("Kansas City", "Missouri"),
        ],
    },
    "GB": {
        "currency": "GBP",
        "director_mid": 118_000,
        "head_cost": 39_000,
        "step": 1_000,
        "weight": 11,
        "language": "",
        "area": "EMEA",
        "cities": [
            ("London", "Greater London"),
            ("Manchester", "Greater Manchester"),
            ("Leeds", "West Yorkshire"),
            ("Birmingham", "West Midlands"),
            ("Bristol", "Bristol"),
            ("Glasgow", "Scotland"),
            ("Edinburgh", "Scotland"),
            ("Cardiff", "Wales"),
            ("Belfast", "Northern Ireland"),
            ("Newcastle upon Tyne", "Tyne and Wear"),
        ],
    },
    "DE": {
        "currency": "EUR",
        "director_mid": 135_000,
        "head_cost": 54_000,
        "step": 1_000,
        "weight": 7,
        "language": "German",
        "area": "EMEA",
        "cities": [
            ("Berlin", "Berlin"),
            ("Munich", "Bavaria"),
            ("Hamburg", "Hamburg"),
            ("Frankfurt am Main", "Hesse"),
            ("Düsseldorf", "North Rhine-Westphalia"),
            ("Cologne", "North Rhine-Westphalia"),
            ("Leipzig", "Saxony"),
            ("Stuttgart", "Baden-Württemberg"),
        ],
    },
    "FR": {
        "currency": "EUR",
        "director_mid": 118_000,
        "head_cost": 50_000,
        "step": 1_000,
        "weight": 5,
        "language": "French",
        "area": "EMEA",
        "cities": [
            ("Paris", "Île-de-France"),
            ("Lyon", "Auvergne-Rhône-Alpes"),
            ("Lille", "Hauts-de-France"),
            ("Bordeaux", "Nouvelle-Aquitaine"),
            ("Toulouse", "Occitanie"),
            ("Nantes", "Pays de la Loire"),
            ("Marseille", "Provence-Alpes-Côte d'Azur"),
        ],
    },
    "NL": {
        "currency": "EUR",
        "director_mid": 128_000,
        "head_cost": 51_000,
        "step": 1_000,
        "weight": 4,
        "language": "Dutch",
        "area": "EMEA",
        "cities": [
            ("Amsterdam", "North Holland"),
            ("Rotterdam", "South Holland"),
            ("The Hague", "South Holland"),
            ("Utrecht", "Utrecht"),
            ("Eindhoven", "North Brabant"),
        ],
    },
    "IE": {
        "currency": "EUR",
        "director_mid": 126_000,
        "head_cost": 49_000,
        "step": 1_000,
        "weight": 4,
        "language": "",
        "area": "EMEA",
        "cities": [
            ("Dublin", "Leinster"),
            ("Cork", "Munster"),
            ("Galway", "Connacht"),
            ("Limerick", "Munster"),
        ],
    },
    "ES": {
        "currency": "EUR",
        "director_mid": 92_000,
        "head_cost": 33_000,
        "step": 1_000,
        "weight": 4,
        "language": "Spanish",
        "area": "EMEA",
        "cities": [
            ("Madrid", "Community of Madrid"),
            ("Barcelona", "Catalonia"),
            ("Valencia", "Valencian Community"),
            ("Málaga", "Andalusia"),
            ("Seville", "Andalusia"),
        ],
    },
    "PT": {
        "currency": "EUR",
        "director_mid": 76_000,
        "head_cost": 25_000,
        "step": 1_000,
        "weight": 2,
        "language": "Portuguese",
        "area": "EMEA",
        "cities": [("Lisbon", "Lisbon"), ("Porto", "Porto")],
    },
    "SE": {
        "currency": "SEK",
        "director_mid": 1_250_000,
        "head_cost": 530_000,
        "step": 10_000,
        "weight": 3,
        "language": "Swedish",
        "area": "EMEA",
        "cities": [
            ("Stockholm", "Stockholm County"),
            ("Gothenburg", "Västra Götaland"),
            ("Malmö", "Skåne"),
        ],
    },
    "PL": {
        "currency": "PLN",
        "director_mid": 340_000,
        "head_cost": 100_000,
        "step": 5_000,
        "weight": 3,
        "language": "Polish",
        "area": "EMEA",
        "cities": [
            ("Warsaw", "Masovian"),
            ("Kraków", "Lesser Poland"),
            ("Wrocław", "Lower Silesian"),
            ("Gdańsk", "Pomeranian"),
            ("Łódź", "Łódź"),
        ],
    },
    "CH": {
        "currency": "CHF",
        "director_mid": 205_000,
        "head_cost": 96_000,
        "step": 1_000,
        "weight": 2,
        "language": "German",
        "area": "EMEA",
        "cities": [("Zurich", "Zurich"), ("Geneva", "Geneva"), ("Basel", "Basel-Stadt")],
    },
    "CA": {
        "currency": "CAD",
        "director_mid": 172_000,
        "head_cost": 63_000,
        "step": 1_000,
        "weight": 6,
        "language": "",
        "area": "North America",
        "cities": [
            ("Toronto", "Ontario"),
            ("Ottawa", "Ontario"),
            ("Vancouver", "British Columbia"),
            ("Montreal", "Quebec"),
            ("Calgary", "Alberta"),
            ("Halifax", "Nova Scotia"),
        ],
    },
    "AU": {
        "currency": "AUD",
        "director_mid": 215_000,
        "head_cost": 80_000,
        "step": 1_000,
        "weight": 4,
        "language": "",
        "area": "APAC",
        "cities": [
            ("Sydney", "New South Wales"),
            ("Melbourne", "Victoria"),
            ("Brisbane", "Queensland"),
            ("Perth", "Western Australia"),
            ("Adelaide", "South Australia"),
        ],
    },
    "SG": {
        "currency": "SGD",
        "director_mid": 225_000,
        "head_cost": 62_000,
        "step": 1_000,
        "weight": 3,
        "language": "",
        "area": "APAC",
        "cities": [("Singapore", "Central Region"), ("Singapore", "East Region")],
    },
    "IN": {
        "currency": "INR",
        "director_mid": 4_200_000,
        "head_cost": 650_000,
        "step": 50_000,
        "weight": 5,
        "language": "",
        "area": "APAC",
        "cities": [
            ("Bengaluru", "Karnataka"),
            ("Hyderabad", "Telangana"),
            ("Pune", "Maharashtra"),
            ("Mumbai", "Maharashtra"),
            ("Gurugram", "Haryana"),
            ("Chennai", "Tamil Nadu"),
            ("Noida", "Uttar Pradesh"),
        ],
    },
    "PH": {
        "currency": "PHP",
        "director_mid": 4_200_000,
        "head_cost": 550_000,
        "step": 50_000,
        "weight": 3,
        "language": "",
        "area": "APAC",
        "cities": [
            ("Makati", "Metro Manila"),
            ("Taguig", "Metro Manila"),
            ("Quezon City", "Metro Manila"),
            ("Cebu City", "Central Visayas"),
            ("Davao City", "Davao Region"),
        ],
    },
    "MX": {
        "currency": "MXN",
        "director_mid": 1_500_000,
        "head_cost": 260_000,
        "step": 10_000,
        "weight": 3,
        "language": "Spanish",
        "area": "LATAM",
        "cities": [
            ("Mexico City", "Ciudad de México"),
            ("Guadalajara", "Jalisco"),
            ("Monterrey", "Nuevo León"),
            ("Querétaro", "Querétaro"),
        ],
    },
    "BR": {
        "currency": "BRL",
        "director_mid": 420_000,
        "head_cost": 70_000,
        "step": 1_000,
        "weight": 3,
        "language": "Portuguese",
        "area": "LATAM",
        "cities": [
            ("São Paulo", "São Paulo"),
            ("Rio de Janeiro", "Rio de Janeiro"),
            ("Belo Horizonte", "Minas Gerais"),
            ("Curitiba", "Paraná"),
            ("Porto Alegre", "Rio Grande do Sul"),
        ],
    },
}

CURRENCY_BY_COUNTRY: dict[str, str] = {code: c["currency"] for code, c in COUNTRIES.items()}

# Where applicants to a remote role may live, by the country the role is managed from.
# The first entry is always that country (it fixes the currency and pay band).
REMOTE_AREAS: dict[str, list[list[str]]] = {
    "US": [["US"], ["US"], ["US", "CA"]],
    "CA": [["CA"], ["CA", "US"]],
    "GB": [["GB"], ["GB", "IE"]],
    "IE": [["IE"], ["IE", "GB"]],
    "DE": [["DE"], ["DE", "AT", "CH"], ["DE", "NL", "PL"]],
    "FR": [["FR"], ["FR", "BE", "LU"]],
    "NL": [["NL", "BE"], ["NL", "DE", "BE"]],
    "ES": [["ES"], ["ES", "PT"]],
    "PT": [["PT", "ES"]],
    "SE": [["SE"], ["SE", "DK", "NO", "FI"]],
    "PL": [["PL"], ["PL", "CZ", "RO"]],
    "CH": [["CH", "DE", "AT"]],
    "AU": [["AU"], ["AU", "NZ"]],
    "SG": [["SG"], ["SG", "MY"]],
    "IN": [["IN"]],
    "PH": [["PH"]],
    "MX": [["MX"], ["MX", "CO", "AR"]],
    "BR": [["BR"], ["BR", "AR", "CL"]],
}
# Multi-country and global remote roles may recruit across a whole area.
REMOTE_WIDE: dict[str, list[str]] = {
    "EMEA": ["GB", "IE", "DE", "FR", "NL", "ES", "PT", "SE", "PL"],
    "North America": ["US", "CA"],
    "APAC": ["AU", "NZ", "SG"],
    "LATAM": ["MX", "BR", "CO", "AR", "CL"],
}

# Salary mid-point relative to a Director's, and the share of postings per level.
LEVEL_PAY = {Level.DIRECTOR: 1.0, Level.SENIOR_DIRECTOR: 1.3, Level.VP: 1.7}
LEVEL_WEIGHTS = {Level.DIRECTOR: 55, Level.SENIOR_DIRECTOR: 26, Level.VP: 19}
# (low, high) for people led, managers reporting in, and minimum years of leadership
TEAM_SIZE = {Level.DIRECTOR: (40, 300), Level.SENIOR_DIRECTOR: (150, 800), Level.VP: (300, 3000)}
MANAGERS = {Level.DIRECTOR: (3, 10), Level.SENIOR_DIRECTOR: (5, 16), Level.VP: (7, 24)}
LEADERSHIP_YEARS = {Level.DIRECTOR: (6, 10), Level.SENIOR_DIRECTOR: (8, 12), Level.VP: (10, 15)}
SCOPE_WEIGHTS = {
    Level.DIRECTOR: {"regional": 40, "national": 45, "multi_country": 12, "global": 3},
    Level.SENIOR_DIRECTOR: {"regional": 12, "national": 40, "multi_country": 33, "global": 15},
    Level.VP: {"regional": 3, "national": 32, "multi_country": 30, "global": 35},
}
REPORTS_TO = {
    Level.DIRECTOR: [
        "the VP of Customer Experience",
        "the Senior Director of Customer Operations",
        "the Chief Customer Officer",
        "the VP of Operations",
        "the Head of Customer",
    ],
    Level.SENIOR_DIRECTOR: [
        "the Chief Customer Officer",
        "the SVP of Operations",
        "the Chief Operating Officer",
        "the SVP of Customer Experience",
    ],
    Level.VP: [
        "the Chief Executive Officer",
        "the Chief Operating Officer",
        "the Chief Customer Officer",
        "the President",
    ],
}

CURRENCY_SYMBOL = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CAD": "CA$",
    "AUD": "A$",
    "SGD": "S$",
    "INR": "₹",
    "SEK": "SEK ",
    "CHF": "CHF ",
    "PLN": "PLN ",
    "PHP": "₱",
    "MXN": "MX$",
    "BRL": "R$",
}
# A plausible cost-per-contact target, in each currency.
COST_PER_CONTACT = {
    "USD": 5.0,
    "EUR": 4.5,
    "GBP": 4.0,
    "CAD": 6.0,
    "AUD": 7.0,
    "SGD": 6.5,
    "INR": 180.0,
    "SEK": 50.0,
    "CHF": 8.0,
    "PLN": 20.0,
    "PHP": 250.0,
    "MXN": 90.0,
    "BRL": 25.0,
}

# ----------------------------------------------------------------------------- companies

NAME_STARTS = [
    "North", "Blue", "Silver", "Bright", "Clear", "Harbor", "Summit", "Cedar", "Oak", "River",
    "Stone", "Iron", "Maple", "Pine", "Golden", "Red", "Crest", "Wild", "True", "Swift",
    "Lumen", "Nova", "Terra", "Vista", "Atlas", "Orbit", "Kestrel", "Alder", "Copper", "Meadow",
    "Sterling", "Beacon", "Granite", "Juniper", "Falcon", "Willow", "Amber", "Hollow", "Lark",
    "Tide", "Sable", "Aster", "Fern", "Halcyon", "Marlow", "Osprey", "Quill", "Rowan",
]  # fmt: skip
NAME_ENDS = [
    "field", "gate", "line", "wave", "point", "bridge", "peak", "ridge", "path", "well",
    "haven", "wood", "light", "mark", "way", "spring", "bay", "lake", "view", "brook",
    "stead", "ford", "moor", "crest", "vale",
]  # fmt: skip
SURNAMES = [
    "Whitaker", "Hale", "Morrow", "Castell", "Lindqvist", "Okafor", "Brandt", "Moreau",
    "Delgado", "Fairbanks", "Ashford", "Kowalski", "Navarro", "Pemberton", "Sato", "Varga",
]  # fmt: skip

# industry slug (migration 0002): name patterns, what the company does, who it serves,
# how the posting's functions are weighted there.
INDUSTRY_PROFILES: dict[str, dict] = {
    "software-saas": {
        "names": ["{root} Software", "{root} Cloud", "{root} Labs", "{root}.io", "{root} Systems"],
        "what": [
            "builds cloud software that finance teams run their month-end close on",
            "makes a collaboration platform used by more than ten thousand businesses",
            "sells subscription software for field-service companies",
            "builds a payments and invoicing platform for small businesses",
        ],
        "customers": "customers",
        "functions": {
            "customer_service": 25,
            "customer_experience": 15,
            "customer_success": 50,
            "contact_center": 10,
        },
    },
    "financial-services": {
        "names": ["{root} Bank", "{surname} & {surname2}", "{root} Financial", "{root} Capital"],
        "what": [
            "is a retail bank serving households and small businesses",
            "runs a digital bank with a growing mortgage and savings book",
            "provides wealth management and brokerage services",
            "offers credit cards and consumer loans through its own app",
        ],
        "customers": "clients",
        "functions": {
            "customer_service": 40,
            "customer_experience": 30,
            "customer_success": 5,
            "contact_center": 25,
        },
    },
    "insurance": {
        "names": ["{root} Mutual", "{root} Insurance", "{root} Assurance", "{surname} Life"],
        "what": [
            "insures homes, cars and small businesses",
            "is a mutual insurer owned by its policyholders",
            "provides life and income protection cover",
            "sells pet and travel insurance online",
        ],
        "customers": "policyholders",
        "functions": {
            "customer_service": 40,
            "customer_experience": 30,
            "customer_success": 5,
            "contact_center": 25,
        },
    },
    "healthcare": {
        "names": ["{root} Health", "{root} Care", "{root} Medical Group", "{root} Health Partners"],
        "what": [
            "runs a network of clinics and outpatient centres",
            "is a health plan covering employers and individuals",
            "provides home care and remote patient monitoring",
            "operates a digital pharmacy and telehealth service",
        ],
        "customers": "patients and members",
        "functions": {
            "customer_service": 35,
            "customer_experience": 35,
            "customer_success": 5,
            "contact_center": 25,
        },
    },
    "retail-ecommerce": {
        "names": [
            "{root} Outfitters",
            "{root} Market",
            "{root} Home",
            "{root} & Co",
            "{root} Goods",
        ],
        "what": [
            "sells furniture and homeware online and in its own stores",
            "is an online fashion retailer shipping to twenty countries",
            "runs a grocery delivery service in major cities",
            "operates an online marketplace for independent sellers",
        ],
        "customers": "shoppers",
        "functions": {
            "customer_service": 40,
            "customer_experience": 30,
            "customer_success": 5,
            "contact_center": 25,
        },
    },
    "telecommunications": {
        "names": ["{root} Mobile", "{root} Telecom", "{root} Fibre", "{root} Connect"],
        "what": [
            "provides mobile and broadband services to millions of households",
            "builds and runs a national fibre network",
            "is a mobile operator focused on prepaid and family plans",
            "sells connectivity and cloud voice to businesses",
        ],
        "customers": "subscribers",
        "functions": {
            "customer_service": 35,
            "customer_experience": 25,
            "customer_success": 5,
            "contact_center": 35,
        },
    },
    "travel-hospitality": {
        "names": ["{root} Airways", "{root} Hotels", "{root} Travel", "{root} Resorts"],
        "what": [
            "is a short-haul airline flying to more than eighty destinations",
            "operates hotels and serviced apartments in city centres",
            "sells package holidays and city breaks online",
            "runs a car-rental and mobility business at airports",
        ],
        "customers": "travellers",
        "functions": {
            "customer_service": 35,
            "customer_experience": 35,
            "customer_success": 0,
            "contact_center": 30,
        },
    },
    "utilities-energy": {
        "names": ["{root} Energy", "{root} Power", "{root} Water", "{root} Power & Light"],
        "what": [
            "supplies gas and electricity to homes and businesses",
            "is a renewable energy supplier with a fast-growing customer base",
            "provides water and wastewater services to a large region",
            "installs and services heat pumps and home solar",
        ],
        "customers": "customers",
        "functions": {
            "customer_service": 40,
            "customer_experience": 25,
            "customer_success": 0,
            "contact_center": 35,
        },
    },
    "logistics": {
        "names": ["{root} Freight", "{root} Parcel", "{root} Logistics", "{root} Express"],
        "what": [
            "delivers parcels for online retailers across the country",
            "runs freight forwarding and customs brokerage",
            "operates same-day delivery in major cities",
            "provides warehousing and fulfilment for consumer brands",
        ],
        "customers": "shippers and recipients",
        "functions": {
            "customer_service": 40,
            "customer_experience": 20,
            "customer_success": 10,
            "contact_center": 30,
        },
    },
    "consumer-electronics": {
        "names": ["{root} Devices", "{root} Audio", "{root} Electronics", "{root} Home Tech"],
        "what": [
            "designs smart-home devices sold in retail and online",
            "makes headphones and speakers for music lovers",
            "builds laptops and accessories for students and professionals",
            "sells connected fitness equipment with a subscription",
        ],
        "customers": "device owners",
        "functions": {
            "customer_service": 40,
            "customer_experience": 30,
            "customer_success": 5,
            "contact_center": 25,
        },
    },
    "automotive": {
        "names": ["{root} Motors", "{root} Mobility", "{root} Automotive", "{root} EV"],
        "what": [
            "builds electric vehicles and sells them directly to drivers",
            "runs a network of dealerships and service centres",
            "provides vehicle leasing and fleet services to businesses",
            "operates a car subscription and roadside assistance service",
        ],
        "customers": "drivers and owners",
        "functions": {
            "customer_service": 40,
            "customer_experience": 35,
            "customer_success": 5,
            "contact_center": 20,
        },
    },
    "public-sector": {
        "names": [
            "{root} County Services",
            "{root} Transit Authority",
            "{root} Public Services",
            "{root} Housing Agency",
        ],
        "what": [
            "delivers council services to half a million residents",
            "runs the public transport network of a metropolitan region",
            "administers benefits and pensions for the region",
            "manages social housing and tenant services",
        ],
        "customers": "residents",
        "functions": {
            "customer_service": 45,
            "customer_experience": 30,
            "customer_success": 0,
            "contact_center": 25,
        },
    },
    "education": {
        "names": ["{root} University", "{root} Learning", "{root} College", "{root} Academy"],
        "what": [
            "is a university with a large online-learning campus",
            "builds learning software used by schools and universities",
            "runs professional courses and certifications online",
            "operates a network of international schools",
        ],
        "customers": "students",
        "functions": {
            "customer_service": 40,
            "customer_experience": 25,
            "customer_success": 20,
            "contact_center": 15,
        },
    },
    "bpo-outsourcing": {
        "names": [
            "{root} Contact Solutions",
            "{root} CX Partners",
            "{root} Global Services",
            "{root} Customer Operations",
        ],
        "what": [
            "runs customer-care programmes for global brands in a dozen languages",
            "provides outsourced contact-center and back-office services",
            "delivers technical support and trust-and-safety services for tech companies",
            "operates multilingual service hubs for travel and retail clients",
        ],
        "customers": "clients' customers",
        "functions": {
            "customer_service": 25,
            "customer_experience": 15,
            "customer_success": 5,
            "contact_center": 55,
        },
    },
    "media-entertainment": {
        "names": ["{root} Media", "{root} Streaming", "{root} Studios", "{root} Games"],
        "what": [
            "runs a video-streaming service with millions of subscribers",
            "publishes online games with a large player community",
            "sells tickets for live music and sports events",
            "publishes news and magazines in print and digital editions",
        ],
        "customers": "subscribers",
        "functions": {
            "customer_service": 40,
            "customer_experience": 30,
            "customer_success": 5,
            "contact_center": 25,
        },
    },
}

COMPANY_SIZE_WEIGHTS = {
    "201-1000": 12,
    "1001-5000": 30,
    "5001-10000": 25,
    "10000+": 33,
}

COMPANY_SERVICE_SENTENCES = [
    "Our service teams answer {contacts} conversations a year and we measure ourselves on how "
    "rarely people need to contact us twice.",
    "Service is part of the product here: support leaders sit in planning and their data shapes "
    "the roadmap.",
    "We have grown quickly and are now investing in the people, tools and processes behind "
    "every {customer} conversation.",
    "Our support organisation spans several sites and partners, and we treat it as one team.",
    "We publish our satisfaction scores internally every week and act on what they tell us.",
    "Most of our leaders started close to the customer, and we still spend time in the queues.",
]

# ----------------------------------------------------------------------------- titles

TITLE_PATTERNS = {
    Level.DIRECTOR: ["Director of {area}", "Director, {area}", "{area} Director"],
    Level.SENIOR_DIRECTOR: [
        "Senior Director, {area}",
        "Senior Director of {area}",
        "Sr. Director, {area}",
    ],
    Level.VP: ["VP of {area}", "Vice President, {area}", "VP, {area}", "Head of {area}"],
}
FUNCTION_AREAS = {
    Function.CUSTOMER_SERVICE: [
        "Customer Service",
        "Customer Care",
        "Customer Support",
        "Global Support",
        "Service Operations",
        "Customer Service Operations",
    ],
    Function.CUSTOMER_EXPERIENCE: [
        "Customer Experience",
        "CX",
        "Customer Experience & Insights",
        "CX Strategy and Operations",
        "Customer Journey & Experience",
    ],
    Function.CUSTOMER_SUCCESS: [
        "Customer Success",
        "Customer Success & Support",
        "Customer Success Operations",
        "Enterprise Customer Success",
        "Customer Success & Renewals",
    ],
    Function.CONTACT_CENTER: [
        "Contact Center Operations",
        "Customer Contact Centers",
        "Contact Center & Workforce Management",
        "Customer Operations",
        "Contact Center Excellence",
    ],
}
# Industry-specific names for the same functions, used for part of the postings.
INDUSTRY_AREAS = {
    "healthcare": ["Patient Experience", "Member Services", "Patient Access & Contact Center"],
    "insurance": ["Member Services", "Policyholder Services", "Claims Customer Experience"],
    "financial-services": ["Client Services", "Client Experience", "Banking Contact Centers"],
    "travel-hospitality": ["Guest Experience", "Guest Services", "Traveller Care"],
    "public-sector": ["Resident Services", "Citizen Contact Services", "Customer Access"],
    "education": ["Student Services", "Learner Experience", "Student Support"],
    "telecommunications": ["Subscriber Care", "Customer Care", "Care Operations"],
    "utilities-energy": ["Customer Care", "Customer Operations", "Billing & Customer Care"],
    "automotive": ["Owner Experience", "Dealer & Customer Support", "Owner Care"],
    "media-entertainment": ["Subscriber Care", "Player Support", "Fan Experience"],
    "bpo-outsourcing": ["Client Delivery & Operations", "Service Delivery", "CX Operations"],
    "consumer-electronics": ["Consumer Support", "Technical Support & Service", "Owner Care"],
    "logistics": ["Customer Service & Claims", "Shipper Experience", "Delivery Care"],
    "retail-ecommerce": ["Customer Care", "Shopper Experience", "Customer Service & Returns"],
    "software-saas": ["Customer Support", "Technical Support", "Support & Success"],
}
BRITISH = {"GB", "IE", "AU", "IN", "SG"}  # titles say "Centre" there

# ----------------------------------------------------------------------------- responsibilities

RESPONSIBILITIES_COMMON = [
    "Set the multi-year service strategy and turn it into an annual plan with clear owners, "
    "milestones and measures.",
    "Lead a {team}-person organisation through {managers} managers, and build a bench of leaders "
    "ready for larger roles.",
    "Own an annual operating budget of {budget} covering people, technology and partners.",
    "Report to the executive team every month on {kpi_text}, explaining the drivers behind each "
    "movement.",
    "Act as the final escalation point for complex or sensitive cases raised by {customers}, and "
    "remove the root causes behind them.",
    "Bring evidence from conversations with {customers} into product, marketing and sales "
    "planning.",
    "Hire, coach and retain managers who lead with empathy and hold their teams to a clear "
    "standard.",
    "Build a culture of accountability and continuous improvement in which frontline ideas reach "
    "the roadmap.",
    "Partner with Finance on forecasting, headcount planning and the business case for new "
    "investment.",
    "Run quarterly business reviews with the leadership team and turn the findings into "
    "priorities.",
    "Define service standards for {channels} and make sure every team knows how it is measured.",
    "Improve the frontline employee experience: career paths, recognition and schedules people "
    "can live with.",
    "Keep service policies, scripts and knowledge articles accurate, consistent and easy to find.",
    "Make decisions from data: build the dashboards, reviews and habits that keep the "
    "organisation honest about performance.",
]
RESPONSIBILITIES_BY_FUNCTION = {
    Function.CUSTOMER_SERVICE: [
        "Run day-to-day service operations across {channels}, meeting service levels through "
        "peaks and launches.",
        "Cut repeat contacts by working with product and engineering on the top reasons "
        "{customers} get in touch.",
        "Redesign the complaint and escalation path so that hard cases reach the right expert "
        "within one business day.",
        "Lead the move from {legacy} to {crm} while keeping service levels steady.",
        "Grow self-service and knowledge content so that simple questions never need an agent.",
        "Standardise quality assurance and calibration across every site and partner.",
        "Lift first-contact resolution by giving agents the authority and tools to finish the job.",
    ],
    Function.CUSTOMER_EXPERIENCE: [
        "Map the end-to-end {customers} journey and rank the moments that drive loyalty and churn.",
        "Run the voice-of-the-customer programme: surveys, closed-loop follow-up and insight "
        "reports for every function.",
        "Own NPS and CSAT measurement, making sure the numbers are trusted and acted upon.",
        "Lead cross-functional journey teams with product, marketing and operations to remove "
        "friction.",
        "Build the business case that links experience improvements to retention and revenue.",
        "Set design principles for service interactions and hold every new launch to them.",
        "Use {voc} to turn survey verbatims and contact reasons into a ranked improvement backlog.",
    ],
    Function.CUSTOMER_SUCCESS: [
        "Lead customer success managers covering {accounts} accounts, from onboarding to renewal.",
        "Own gross and net revenue retention, with playbooks for adoption, expansion and "
        "at-risk accounts.",
        "Design segmentation and coverage models so every account gets the right level of "
        "attention.",
        "Partner with Sales on renewals and expansion, and with Product on what customers need "
        "next.",
        "Build account health scores from product usage, support history and survey data.",
        "Run executive business reviews with the largest customers and sponsor their success "
        "plans.",
        "Shorten time to value for new customers with a repeatable onboarding programme.",
    ],
    Function.CONTACT_CENTER: [
        "Run contact-center operations across {sites} sites, covering {channels}, around the "
        "clock where the business needs it.",
        "Own workforce management end to end: forecasting, capacity planning, scheduling and "
        "real-time adherence.",
        "Manage outsourcing partners in {vendors} with scorecards, audits and joint improvement "
        "plans.",
        "Lead the roll-out of {ccaas}, including routing design, IVR and the agent desktop.",
        "Lower cost per contact through better routing, automation and first-contact resolution.",
        "Introduce AI-assisted agent tools and conversational self-service, measuring their "
        "effect on quality as well as cost.",
        "Keep attrition and absence under control with sound hiring, onboarding and coaching.",
    ],
}
RESPONSIBILITIES_BY_LEVEL = {
    Level.DIRECTOR: [
        "Lead senior managers and team leads on the ground, with regular time on the floor and "
        "in the queues.",
        "Turn the service strategy into operating plans for your sites and channels.",
        "Develop your managers into the next generation of senior leaders.",
    ],
    Level.SENIOR_DIRECTOR: [
        "Lead directors and senior managers across {geo}, aligning them on one operating model.",
        "Drive the multi-year service transformation programme and its benefits case.",
        "Represent service operations in the leadership forums that set priorities for {geo}.",
    ],
    Level.VP: [
        "Sit on the executive leadership team and represent the customer in every major decision.",
        "Present the service strategy and its results to the CEO and the board.",
        "Set the target operating model for service, including the mix of in-house and partner "
        "capacity.",
        "Build and lead a senior team of directors across {geo}.",
    ],
}
RESPONSIBILITIES_BY_INDUSTRY = {
    "software-saas": "Scale support for a product that ships every week, keeping macros, "
    "knowledge and training in step with releases.",
    "financial-services": "Keep complaint handling and the treatment of vulnerable customers in "
    "line with regulatory expectations.",
    "insurance": "Shorten claims-related contact times together with the claims and underwriting "
    "teams.",
    "healthcare": "Protect patient privacy in every channel while making appointments, billing "
    "and coverage questions easy to resolve.",
    "retail-ecommerce": "Prepare the service organisation for peak trading, from seasonal hiring "
    "to returns handling.",
    "telecommunications": "Reduce churn-driving contacts about billing, outages and device set-up.",
    "travel-hospitality": "Handle disruption at scale (cancellations, rebookings and refunds) with "
    "clear, early communication to travellers.",
    "utilities-energy": "Support customers through tariff changes, outages and payment "
    "difficulties with fairness and care.",
    "logistics": "Give shippers and recipients proactive delivery updates that prevent "
    "where-is-my-parcel contacts.",
    "consumer-electronics": "Run technical support, warranty and repair journeys with retail and "
    "repair partners.",
    "automotive": "Coordinate dealers and roadside-assistance partners so that owners get one "
    "consistent answer.",
    "public-sector": "Make public services accessible in every channel, including for residents "
    "with limited digital access.",
    "education": "Support students and families through enrolment, financial aid and term-start "
    "peaks.",
    "bpo-outsourcing": "Own delivery for client programmes, meeting contractual SLAs and growing "
    "accounts through results.",
    "media-entertainment": "Support subscribers through sign-up, billing and playback issues, "
    "especially during major live events.",
}
LEGACY_TOOLS = [
    "a legacy ticketing tool",
    "shared inboxes and spreadsheets",
    "an on-premise telephony platform",
    "three regional CRMs",
]
VENDOR_LOCATIONS = [
    "Manila and Cebu",
    "Kraków and Lisbon",
    "Bogotá and Mexico City",
    "Cape Town and Johannesburg",
    "Hyderabad and Pune",
    "Sofia and Bucharest",
    "Kuala Lumpur",
    "Cairo and Casablanca",
]

# ----------------------------------------------------------------------------- requirements

REQUIREMENT_YEARS = {
    Level.DIRECTOR: "{years}+ years leading customer service, CX or contact-center teams, "
    "including at least three as a senior manager.",
    Level.SENIOR_DIRECTOR: "{years}+ years of customer service or CX leadership, including "
    "several years at director level.",
    Level.VP: "{years}+ years of leadership in customer service, CX or customer success, "
    "including running a multi-site organisation as a director or above.",
}
REQUIREMENTS_COMMON = [
    "A record of improving {kpi_pair} at scale, with numbers to show for it.",
    "Hands-on experience with {crm} and a contact-center platform such as {ccaas}.",
    "Experience leading organisations of {team_floor}+ people, including managers of managers.",
    "Financial acumen: building budgets, business cases and forecasts, and defending them with "
    "Finance.",
    "Confidence influencing C-suite executives and peers in Product, Sales and Marketing.",
    "Experience selecting and managing outsourcing partners across several countries.",
    "Comfort with data: you read a dashboard critically and know which question to ask next.",
    "A bachelor's degree or equivalent experience; an MBA is welcome but not required.",
    "Calm, clear judgement in escalations and a habit of fixing the cause, not the symptom.",
    "Experience leading a large change programme, such as a platform migration or a new "
    "operating model.",
]
REQUIREMENTS_BY_FUNCTION = {
    Function.CUSTOMER_SERVICE: "Deep knowledge of quality assurance, knowledge management and "
    "escalation handling in a high-volume operation.",
    Function.CUSTOMER_EXPERIENCE: "Experience running voice-of-the-customer programmes with "
    "tools such as {voc}.",
    Function.CUSTOMER_SUCCESS: "Experience with subscription renewal and expansion motions, and "
    "with account health scoring.",
    Function.CONTACT_CENTER: "Deep knowledge of workforce management, routing and IVR design.",
}
REQUIREMENT_INDUSTRY = "Experience in {industry} or another regulated, high-volume environment."
REQUIREMENT_LANGUAGE = "Fluent English and {language}."
REQUIREMENT_TRAVEL = "Willingness to travel up to {travel}% of the time across our sites."

# ----------------------------------------------------------------------------- descriptions

MISSIONS = {
    Function.CUSTOMER_SERVICE: [
        "make our customer service a reason people stay with us",
        "build a support organisation that solves problems the first time",
        "raise the standard of every service conversation we have",
    ],
    Function.CUSTOMER_EXPERIENCE: [
        "make every interaction with us simpler and more consistent",
        "put the customer's point of view at the centre of how we decide",
        "connect what customers tell us to what we build and change",
    ],
    Function.CUSTOMER_SUCCESS: [
        "help our customers get full value from the product and renew with confidence",
        "turn customer success into our strongest growth engine",
        "build a success organisation that customers ask to keep working with",
    ],
    Function.CONTACT_CENTER: [
        "run our contact centers with precision while keeping people at the heart of them",
        "build contact-center operations that are efficient, resilient and humane",
        "modernise our contact centers without losing the human touch",
    ],
}
ROLE_SENTENCES = [
    "You will lead {team} people through {managers} managers and report to {reports_to}.",
    "Reporting to {reports_to}, you will lead an organisation of {team} people and {managers} "
    "managers.",
    "The team you inherit has {team} people and {managers} managers; you report to {reports_to}.",
]
SCOPE_SENTENCES = [
    "{Customers} reach us by {channels}, and you will own the experience across all of them.",
    "You will own service across {channels}, and the budget and technology decisions that come "
    "with it.",
    "Your remit covers {channels}, from the first contact to the final resolution.",
]
SUCCESS_HEADINGS = ["What success looks like", "Your first year", "How we measure success"]
# Followed by the KPI targets as a list.
SUCCESS_SENTENCES = [
    "Within twelve months we expect clear progress on the measures below, and a team that knows "
    "why each of them matters.",
    "You will agree your targets with the executive team in your first ninety days; these are "
    "the starting points.",
    "These are the results we will look at together after your first year.",
]
# Standing alone, without a list.
SUCCESS_PROSE = [
    "In your first year you will set a credible plan, win the trust of your managers and move "
    "the numbers that matter most to {customers}: {kpi_text}.",
    "We review {kpi_text} every week; you will decide which of them to move first and how.",
    "Success means steady, explainable progress on {kpi_text}, with a team that understands "
    "what drives each of them.",
]
CULTURE_HEADINGS = ["Why join us", "What we offer", "Working here"]
CULTURE_SENTENCES = [
    "We give leaders real ownership and the budget to match.",
    "You will join an executive team that treats service as a strategic priority.",
    "We invest in our people: coaching, leadership programmes and clear routes to promotion.",
    "Our leaders are expected to spend time with customers and frontline teams every month.",
    "We are candid about what is not working yet and ambitious about fixing it.",
    "Flexible working is the norm, and we mean it.",
]
WORKPLACE_SENTENCES = {
    "onsite": "The role is based at our {city} office, where most of the service leadership team "
    "works.",
    "hybrid": "The role is hybrid, with two or three days a week at our {city} site.",
    "remote": "This is a remote role open to candidates living in {countries}.",
}
BONUS_NOTES = [
    "Annual bonus of up to {pct}% of base salary",
    "Target bonus {pct}% of base, paid on company and team results",
    "{pct}% target bonus",
]
EQUITY_NOTES = [
    "Restricted stock units vesting over four years",
    "Stock options",
    "Long-term incentive plan",
    "Share purchase plan with company match",
]
EQUITY_INDUSTRIES = {"software-saas", "consumer-electronics", "media-entertainment", "automotive"}

# ----------------------------------------------------------------------------- structured fields

KPIS_BY_FUNCTION = {
    Function.CUSTOMER_SERVICE: {
        KPI.CSAT: 10, KPI.FCR: 8, KPI.AHT: 5, KPI.SLA: 6, KPI.COST_PER_CONTACT: 5,
        KPI.RESOLUTION_RATE: 5, KPI.NPS: 5, KPI.CES: 3, KPI.ENPS: 3, KPI.RETENTION: 2,
    },
    Function.CUSTOMER_EXPERIENCE: {
        KPI.NPS: 10, KPI.CSAT: 8, KPI.CES: 6, KPI.RETENTION: 6, KPI.FCR: 4, KPI.ENPS: 3,
        KPI.RESOLUTION_RATE: 2,
    },
    Function.CUSTOMER_SUCCESS: {
        KPI.RETENTION: 10, KPI.NPS: 8, KPI.CSAT: 6, KPI.ENPS: 3, KPI.RESOLUTION_RATE: 2,
        KPI.CES: 2,
    },
    Function.CONTACT_CENTER: {
        KPI.AHT: 8, KPI.SLA: 8, KPI.FCR: 8, KPI.COST_PER_CONTACT: 7, KPI.CSAT: 7, KPI.ENPS: 4,
        KPI.RESOLUTION_RATE: 3, KPI.NPS: 3,
    },
}  # fmt: skip
SKILLS_BY_FUNCTION = {
    Function.CUSTOMER_SERVICE: {
        Skill.ESCALATION_MANAGEMENT: 8, Skill.QUALITY_ASSURANCE: 6, Skill.DATA_ANALYSIS: 6,
        Skill.BUDGET_MANAGEMENT: 6, Skill.PROCESS_IMPROVEMENT: 5, Skill.BUSINESS_PLANNING: 4,
        Skill.WORKFORCE_MANAGEMENT: 3, Skill.CHANGE_MANAGEMENT: 3, Skill.EXECUTIVE_INFLUENCE: 3,
        Skill.VENDOR_MANAGEMENT: 2,
    },
    Function.CUSTOMER_EXPERIENCE: {
        Skill.DATA_ANALYSIS: 8, Skill.CHANGE_MANAGEMENT: 7, Skill.EXECUTIVE_INFLUENCE: 6,
        Skill.PROCESS_IMPROVEMENT: 6, Skill.BUSINESS_PLANNING: 5, Skill.BUDGET_MANAGEMENT: 3,
        Skill.QUALITY_ASSURANCE: 2, Skill.ESCALATION_MANAGEMENT: 2,
    },
    Function.CUSTOMER_SUCCESS: {
        Skill.EXECUTIVE_INFLUENCE: 8, Skill.DATA_ANALYSIS: 7, Skill.BUSINESS_PLANNING: 6,
        Skill.CHANGE_MANAGEMENT: 4, Skill.ESCALATION_MANAGEMENT: 4, Skill.BUDGET_MANAGEMENT: 3,
        Skill.PROCESS_IMPROVEMENT: 3,
    },
    Function.CONTACT_CENTER: {
        Skill.WORKFORCE_MANAGEMENT: 9, Skill.VENDOR_MANAGEMENT: 7, Skill.BUDGET_MANAGEMENT: 7,
        Skill.QUALITY_ASSURANCE: 6, Skill.DATA_ANALYSIS: 6, Skill.PROCESS_IMPROVEMENT: 5,
        Skill.ESCALATION_MANAGEMENT: 3, Skill.BUSINESS_PLANNING: 3, Skill.CHANGE_MANAGEMENT: 2,
    },
}  # fmt: skip
CRMS = {
    "Salesforce Service Cloud": 10,
    "Zendesk": 9,
    "ServiceNow": 5,
    "Microsoft Dynamics 365": 4,
    "Freshdesk": 2,
    "HubSpot Service Hub": 2,
    "Intercom": 2,
}
CCAAS = {
    "Genesys Cloud": 9,
    "NICE CXone": 8,
    "Five9": 5,
    "Amazon Connect": 5,
    "Talkdesk": 3,
    "Avaya": 2,
}
VOC_TOOLS = {"Qualtrics": 5, "Medallia": 4}
WFM_TOOLS = {"Verint": 1}
# How likely each channel is in a posting of each function.
CHANNEL_ODDS = {
    Function.CUSTOMER_SERVICE: {
        Channel.VOICE: 0.9, Channel.EMAIL: 0.9, Channel.CHAT: 0.85, Channel.MESSAGING: 0.5,
        Channel.SOCIAL: 0.4, Channel.SELF_SERVICE: 0.7,
    },
    Function.CUSTOMER_EXPERIENCE: {
        Channel.VOICE: 0.8, Channel.EMAIL: 0.85, Channel.CHAT: 0.8, Channel.MESSAGING: 0.55,
        Channel.SOCIAL: 0.5, Channel.SELF_SERVICE: 0.75,
    },
    Function.CUSTOMER_SUCCESS: {
        Channel.VOICE: 0.45, Channel.EMAIL: 0.95, Channel.CHAT: 0.7, Channel.MESSAGING: 0.3,
        Channel.SOCIAL: 0.1, Channel.SELF_SERVICE: 0.6,
    },
    Function.CONTACT_CENTER: {
        Channel.VOICE: 1.0, Channel.EMAIL: 0.85, Channel.CHAT: 0.85, Channel.MESSAGING: 0.6,
        Channel.SOCIAL: 0.35, Channel.SELF_SERVICE: 0.55,
    },
}  # fmt: skip
CHANNEL_WORDS = {
    Channel.VOICE: "phone",
    Channel.EMAIL: "email",
    Channel.CHAT: "chat",
    Channel.MESSAGING: "messaging apps",
    Channel.SOCIAL: "social media",
    Channel.SELF_SERVICE: "self-service",
}
KPI_WORDS = {
    KPI.CSAT: "CSAT",
    KPI.NPS: "NPS",
    KPI.FCR: "first-contact resolution",
    KPI.CES: "customer effort",
    KPI.AHT: "handle time",
    KPI.RESOLUTION_RATE: "resolution rate",
    KPI.SLA: "service levels",
    KPI.RETENTION: "retention",
    KPI.COST_PER_CONTACT: "cost per contact",
    KPI.ENPS: "employee engagement (eNPS)",
}
INDUSTRY_WORDS = {
    "software-saas": "software or SaaS",
    "financial-services": "financial services",
    "insurance": "insurance",
    "healthcare": "healthcare",
    "retail-ecommerce": "retail or e-commerce",
    "telecommunications": "telecommunications",
    "travel-hospitality": "travel or hospitality",
    "utilities-energy": "utilities or energy",
    "logistics": "logistics",
    "consumer-electronics": "consumer electronics",
    "automotive": "automotive",
    "public-sector": "the public sector",
    "education": "education",
    "bpo-outsourcing": "BPO or outsourcing",
    "media-entertainment": "media or subscription services",
}

# ----------------------------------------------------------------------------- search firms

# Some demo companies are executive search firms: each recruits customer-service and CX
# leaders for clients in its practice (the company's industry), naming the client or
# running the search confidentially behind a descriptor.
SEARCH_FIRMS = [
    "Halden Search Partners",
    "Marlowe Thorne Executive Search",
    "Kestrel Vane Leadership Advisory",
]
SEARCH_FIRM_DESCRIPTION = (
    "{name} is an executive search firm that places customer-service, CX and "
    "contact-center leaders at Director, Senior Director and VP level, with a practice "
    "in {industry}.\n\nWe run retained searches for employers from growth-stage "
    "companies to listed groups, many of them confidentially."
)
CONFIDENTIAL_SHARE = 0.5
HIRING_CONTACT_SHARE = 0.35  # employers naming the executive the role reports to
FIRM_CONTACT_SHARE = 0.8  # searches naming the consultant who leads them
# What candidates see instead of a confidential client's name; {people} is a headcount.
CLIENT_DESCRIPTORS = {
    "software-saas": ["Series C SaaS company, {people} employees", "Listed software group"],
    "financial-services": [
        "Series C fintech, {people} employees",
        "Digital challenger bank, {people} employees",
        "Regional retail bank",
    ],
    "insurance": ["Top-ten general insurer", "Mutual insurer, {people} employees"],
    "healthcare": ["National healthcare provider", "Digital health scale-up, {people} employees"],
    "retail-ecommerce": ["Omnichannel fashion retailer", "Online marketplace, {people} employees"],
    "telecommunications": ["Mobile network operator", "Broadband provider, {people} employees"],
    "travel-hospitality": ["International hotel group", "Online travel company"],
    "utilities-energy": ["Renewable energy supplier, {people} employees", "Regional utility"],
    "logistics": ["Parcel delivery network", "Freight and logistics group, {people} employees"],
    "consumer-electronics": ["Consumer devices brand, {people} employees"],
    "automotive": ["Electric vehicle maker", "Premium car brand"],
    "public-sector": ["Central government agency", "Large local authority"],
    "education": ["Online learning platform, {people} employees", "University group"],
    "bpo-outsourcing": [
        "Global BPO provider, {people} employees",
        "Nearshore contact-center group",
    ],
    "media-entertainment": ["Streaming service, {people} employees", "Publishing group"],
}
CLIENT_HEADCOUNTS = ["600", "1,200", "2,000", "3,500", "8,000", "15,000"]
CONTACT_FIRST_NAMES = [
    "Jane", "Priya", "Marcus", "Elena", "Tom", "Aisha", "Daniel", "Sofia", "Hannah", "Kenji",
    "Laura", "Omar", "Claire", "Mateo", "Ingrid", "Sam",
]  # fmt: skip
CONTACT_SURNAMES = [
    "Doe", "Raman", "Ellison", "Brooks", "Achebe", "Lindgren", "Moretti", "Quinn", "Farrell",
    "Nakamura", "Osei", "Whitfield", "Carvalho", "Sørensen",
]  # fmt: skip
FIRM_CONTACT_TITLES = ["Partner", "Managing Partner", "Principal", "Senior Partner"]
