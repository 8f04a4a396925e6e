"""A representative slice of the BLS data, for the search and browse tests.

The session loads the site's data (tests/conftest.py). Where that already holds these SOC rows
and their May 2025 U.S. estimates, the helpers below reuse them; where it does not (a database
loaded without the BLS import), they add the same rows with the same BLS figures. Either way the
tests run against real titles, codes and wages, with the written profiles on top.
"""

import datetime
from decimal import Decimal

from django.utils.text import slugify

from occupations.models import Occupation, SocLevel
from salaries.models import FIGURES, Area, AreaType, FigureStatus, Release, WageEstimate

# code|BLS title|level|U.S. employment|annual median or BLS marker|hourly median, from BLS OEWS
# May 2025, national cross-industry rows.
SAMPLE_ROWS = """
15-0000|Computer and Mathematical Occupations|major|5260110|109280|52.54
15-1200|Computer Occupations|minor|4827720|109470|52.63
15-1250|Software and Web Developers, Programmers, and Testers|broad|2150380|132150|63.53
15-1252|Software Developers|detailed|1687890|135980|65.38
27-0000|Arts, Design, Entertainment, Sports, and Media Occupations|major|2046290|62750|30.17
27-2000|Entertainers and Performers, Sports and Related Workers|minor|562100|59400|28.56
27-2010|Actors, Producers, and Directors|broad|198120|81670|39.27
27-2011|Actors|detailed|55000|*|29.05
29-0000|Healthcare Practitioners and Technical Occupations|major|9823860|86530|41.60
29-1000|Healthcare Diagnosing or Treating Practitioners|minor|6534980|103500|49.76
29-1141|Registered Nurses|detailed|3379720|97550|46.90
29-1171|Nurse Practitioners|detailed|323040|132300|63.61
29-2000|Health Technologists and Technicians|minor|3159280|58180|27.97
29-2010|Clinical Laboratory Technologists and Technicians|detailed|332940|62930|30.26
29-2050|Health Practitioner Support Technologists and Technicians|broad|977800|46580|22.40
29-2052|Pharmacy Technicians|detailed|471680|45750|22.00
29-2055|Surgical Technologists|detailed|117460|64650|31.08
29-2072|Medical Records Specialists|detailed|194720|51140|24.59
29-9000|Other Healthcare Practitioners and Technical Occupations|minor|129610|65190|31.34
29-9021|Health Information Technologists and Medical Registrars|detailed|38100|68020|32.70
43-0000|Office and Administrative Support Occupations|major|17753430|47450|22.81
43-3000|Financial Clerks|minor|2525690|48620|23.38
43-3021|Billing and Posting Clerks|detailed|404060|48500|23.32
47-0000|Construction and Extraction Occupations|major|6425160|59540|28.63
47-2000|Construction Trades Workers|minor|4739450|58150|27.96
47-2111|Electricians|detailed|757220|63190|30.38
"""
SAMPLE = [
    (code, title, level, int(employment), annual if annual == "*" else int(annual), hourly)
    for code, title, level, employment, annual, hourly in (
        line.split("|") for line in SAMPLE_ROWS.strip().splitlines()
    )
]


def _parent_code(code, level, known):
    candidates = []
    if level == SocLevel.DETAILED:
        candidates.append(code[:6] + "0")
    if level in (SocLevel.DETAILED, SocLevel.BROAD):
        candidates.append(code[:4] + "000")
    if level != SocLevel.MAJOR:
        candidates.append(code[:2] + "-0000")
    return next((c for c in candidates if c != code and c in known), None)


def release_2025():
    release, _ = Release.objects.get_or_create(
        year=2025,
        defaults={
            "name": "May 2025",
            "reference_period": datetime.date(2025, 5, 1),
            "citation": "U.S. Bureau of Labor Statistics, Occupational Employment and Wage "
            "Statistics, May 2025.",
        },
    )
    return release


def national_area():
    area = Area.objects.filter(type=AreaType.NATIONAL).first()
    if area is None:
        area = Area.objects.create(code="99", type=AreaType.NATIONAL, name="U.S.", state_abbr="US")
    return area


def estimate_fields(employment, annual, hourly):
    """Every figure 'not in source' except the three given, as the model's constraints want."""
    fields = {}
    for name, _ in FIGURES:
        fields[name] = None
        fields[f"{name}_status"] = FigureStatus.NOT_IN_SOURCE
    fields.update(employment=employment, employment_status=FigureStatus.AVAILABLE)
    fields.update(hourly_median=Decimal(hourly), hourly_median_status=FigureStatus.AVAILABLE)
    if annual == "*":
        fields.update(annual_median_status=FigureStatus.NOT_AVAILABLE, hourly_only=True)
    else:
        fields.update(annual_median=annual, annual_median_status=FigureStatus.AVAILABLE)
    return fields


def build_sample() -> dict[str, Occupation]:
    """The SAMPLE rows and their U.S. estimates, reusing whatever the database already has."""
    release, area = release_2025(), national_area()
    by_code = {
        o.soc_code: o for o in Occupation.objects.filter(soc_code__in=[s[0] for s in SAMPLE])
    }
    for code, title, level, *_ in SAMPLE:
        if code not in by_code:
            by_code[code] = Occupation.objects.create(
                soc_code=code, title=title, bls_title=title, level=level, slug=slugify(title)
            )
    for code, _, level, *_ in SAMPLE:
        occupation = by_code[code]
        if occupation.parent_id is None:
            parent = _parent_code(code, level, by_code)
            if parent:
                occupation.parent = by_code[parent]
                occupation.save(update_fields=["parent"])
    for code, _, _, employment, annual, hourly in SAMPLE:
        WageEstimate.objects.get_or_create(
            release=release,
            area=area,
            occupation=by_code[code],
            defaults=estimate_fields(employment, annual, hourly),
        )
    return by_code
