"""Writes to occupations: loading the written profiles kept in fixtures/profiles/.

The profile files are the seed of the site's written content. Loading them is an upsert that
writes only what differs, so a second load changes nothing: no new rows, no new history rows,
no new `updated_at`. Two kinds of data in the same table belong to others and are left alone:

- the BLS classification of SOC rows (`bls_title`, `parent`, and `level` once set), which the
  OEWS import owns;
- anything staff have edited in admin. Once an occupation or certification has a history row
  made by a person, the file no longer overwrites it (a restart must not undo an editor's
  work); `overwrite_staff_edits=True` (`manage.py load_profiles --overwrite-staff-edits`)
  puts the file's version back.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from occupations.models import (
    AlternateTitle,
    Alternative,
    Certification,
    EducationStep,
    Occupation,
    OccupationCertification,
    Responsibility,
    Skill,
    SocLevel,
    soc_code_validator,
)

PROFILES_DIR = settings.BASE_DIR / "fixtures" / "profiles"
CERTIFICATIONS_FILE = "certifications.json"

# Field name -> (accepted types, required). Lists are checked item by item further down.
PROFILE_FIELDS = {
    "slug": (str, True),
    "title": (str, True),
    "soc_code": ((str, type(None)), True),
    "summary": (str, True),
    "overview": (str, True),
    "education": (str, False),
    "outlook": (str, False),
    "work_settings": (str, False),
    "advancement": (str, False),
    "alternate_titles": (list, False),
    "responsibilities": (list, False),
    "skills": (list, False),
    "education_steps": (list, False),
    "certifications": (list, False),
    "alternatives": (list, False),
}
TYPE_NAMES = {str: "text", list: "a list", type(None): "null"}
TEXT_FIELDS = [
    "title",
    "summary",
    "overview",
    "education",
    "outlook",
    "work_settings",
    "advancement",
]
SKILL_FIELDS = {"name": (str, True), "description": (str, False)}
STEP_FIELDS = {"title": (str, True), "description": (str, False)}
PROFILE_CERTIFICATION_FIELDS = {"abbreviation": (str, True), "note": (str, False)}
ALTERNATIVE_FIELDS = {
    "slug": (str, True),
    "shared_tasks": (str, False),
    "shared_knowledge": (str, False),
    "shared_environment": (str, False),
}
CERTIFICATION_FIELDS = {
    "abbreviation": (str, True),
    "name": (str, True),
    "issuing_body": (str, True),
    "url": (str, False),
}


class ProfileDataError(Exception):
    """A profile file that cannot be loaded; the message names the file and the entry."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    kept: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def __str__(self):
        text = f"{self.created} created, {self.updated} updated, {self.deleted} deleted"
        if self.kept:
            text += f"; kept staff edits to {', '.join(self.kept)}"
        return text


@dataclass
class _Entry:
    """One validated profile, with where it came from for error messages."""

    where: str
    data: dict


@transaction.atomic
def load_profiles(
    *, directory: Path = PROFILES_DIR, overwrite_staff_edits: bool = False
) -> LoadResult:
    """Create or update the written profiles from the JSON files in `directory`.

    Raises ProfileDataError, with nothing written, when a file is invalid.
    """
    certifications, entries = read_profile_files(directory)
    result = LoadResult()
    _upsert_certifications(certifications, result, overwrite_staff_edits)
    matched, to_sync = _upsert_occupations(entries, result, overwrite_staff_edits)
    # Alternatives may also point at occupations that have no profile file.
    by_slug = {
        occupation.slug: occupation
        for occupation in Occupation.objects.filter(slug__in=_alternative_slugs(entries))
    }
    by_slug.update(matched)
    certification_by_abbreviation = {c.abbreviation: c for c in Certification.objects.all()}
    for entry in entries:
        if entry.data["slug"] not in to_sync:
            continue
        _sync_lists(
            matched[entry.data["slug"]],
            entry,
            by_slug,
            certification_by_abbreviation,
            result,
        )
    return result


# Reading and validating -----------------------------------------------------------------------


def read_profile_files(directory: Path) -> tuple[list[_Entry], list[_Entry]]:
    """Parse and check every file before anything is written."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ProfileDataError(f"{directory}: no such folder of profile files")
    certifications = _read_certifications(directory / CERTIFICATIONS_FILE)
    known_abbreviations = {entry.data["abbreviation"] for entry in certifications}
    entries = []
    for path in sorted(directory.glob("*.json")):
        if path.name == CERTIFICATIONS_FILE:
            continue
        data = _read_json(path)
        where = f"{path.name}"
        if not isinstance(data, dict):
            raise ProfileDataError(f"{where}: expected one profile as a JSON object")
        entries.append(_check_profile(_Entry(where=where, data=data), path, known_abbreviations))
    _check_across_files(entries)
    return certifications, entries


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ProfileDataError(
            f"{path.name}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileDataError(f"{path.name}: cannot be read ({error})") from None


def _read_certifications(path: Path) -> list[_Entry]:
    if not path.exists():
        return []
    data = _read_json(path)
    if not isinstance(data, list):
        raise ProfileDataError(f"{path.name}: expected a JSON list of certifications")
    entries, seen = [], set()
    for index, item in enumerate(data, start=1):
        where = f"{path.name}, entry {index}"
        _check_fields(item, CERTIFICATION_FIELDS, where)
        abbreviation = item["abbreviation"]
        where = f"{path.name}, entry {index} ({abbreviation})"
        if abbreviation in seen:
            raise ProfileDataError(f"{where}: abbreviation {abbreviation!r} appears twice")
        seen.add(abbreviation)
        entries.append(_Entry(where=where, data=item))
    return entries


def _check_fields(item, spec: dict, where: str) -> None:
    if not isinstance(item, dict):
        raise ProfileDataError(f"{where}: expected a JSON object")
    unknown = sorted(set(item) - set(spec))
    if unknown:
        raise ProfileDataError(
            f"{where}: unknown field {unknown[0]!r}; expected some of {', '.join(spec)}"
        )
    for name, (types, required) in spec.items():
        if name not in item:
            if required:
                raise ProfileDataError(f"{where}: field {name!r} is missing")
            continue
        value = item[name]
        if not isinstance(value, types):
            expected = " or ".join(
                TYPE_NAMES[t] for t in (types if isinstance(types, tuple) else (types,))
            )
            raise ProfileDataError(f"{where}: field {name!r} must be {expected}")
        if required and isinstance(value, str) and not value.strip():
            raise ProfileDataError(f"{where}: field {name!r} is empty")


def _check_profile(entry: _Entry, path: Path, known_abbreviations: set[str]) -> _Entry:
    data = entry.data
    if isinstance(data.get("slug"), str):
        entry.where = f"{path.name} ({data['slug']})"
    _check_fields(data, PROFILE_FIELDS, entry.where)
    slug = data["slug"]
    where = entry.where
    if path.stem != slug:
        raise ProfileDataError(f"{where}: the file must be named after its slug, {slug}.json")
    if data["soc_code"] is not None:
        try:
            soc_code_validator(data["soc_code"])
        except ValidationError as error:
            raise ProfileDataError(f"{where}: field 'soc_code': {_messages(error)}") from None
    for index, text in enumerate(data.get("alternate_titles", []), start=1):
        if not isinstance(text, str) or not text.strip():
            raise ProfileDataError(f"{where}: alternate_titles item {index} must be a title")
    _check_unique(data.get("alternate_titles", []), "alternate_titles", where)
    for index, text in enumerate(data.get("responsibilities", []), start=1):
        if not isinstance(text, str) or not text.strip():
            raise ProfileDataError(f"{where}: responsibilities item {index} must be a sentence")
    for list_name, spec in (
        ("skills", SKILL_FIELDS),
        ("education_steps", STEP_FIELDS),
        ("certifications", PROFILE_CERTIFICATION_FIELDS),
        ("alternatives", ALTERNATIVE_FIELDS),
    ):
        for index, item in enumerate(data.get(list_name, []), start=1):
            _check_fields(item, spec, f"{where}: {list_name} item {index}")
    _check_unique([s["name"] for s in data.get("skills", [])], "skills", where)
    abbreviations = [c["abbreviation"] for c in data.get("certifications", [])]
    _check_unique(abbreviations, "certifications", where)
    for abbreviation in abbreviations:
        if abbreviation not in known_abbreviations:
            raise ProfileDataError(
                f"{where}: certification {abbreviation!r} is not in {CERTIFICATIONS_FILE}"
            )
    alternative_slugs = [a["slug"] for a in data.get("alternatives", [])]
    _check_unique(alternative_slugs, "alternatives", where)
    for index, alternative in enumerate(data.get("alternatives", []), start=1):
        if alternative["slug"] == slug:
            raise ProfileDataError(f"{where}: alternatives item {index} is the profile itself")
        shares = [alternative.get(name, "") for name in ALTERNATIVE_FIELDS if name != "slug"]
        if not any(text.strip() for text in shares):
            raise ProfileDataError(
                f"{where}: alternatives item {index} ({alternative['slug']}) must say what it "
                "shares (shared_tasks, shared_knowledge or shared_environment)"
            )
    return entry


def _check_unique(values: list[str], list_name: str, where: str) -> None:
    seen = set()
    for value in values:
        if value in seen:
            raise ProfileDataError(f"{where}: {list_name} lists {value!r} twice")
        seen.add(value)


def _check_across_files(entries: list[_Entry]) -> None:
    seen_soc = {}
    for entry in entries:
        code = entry.data["soc_code"]
        if code is not None:
            if code in seen_soc:
                raise ProfileDataError(
                    f"{entry.where}: SOC code {code} is also used by {seen_soc[code]}"
                )
            seen_soc[code] = entry.where
    slugs = {entry.data["slug"] for entry in entries}
    missing = _alternative_slugs(entries) - slugs
    if missing:
        existing = set(Occupation.objects.filter(slug__in=missing).values_list("slug", flat=True))
        for entry in entries:
            for alternative in entry.data.get("alternatives", []):
                if alternative["slug"] in missing - existing:
                    raise ProfileDataError(
                        f"{entry.where}: alternative {alternative['slug']!r} is neither a profile "
                        "file nor an occupation in the database"
                    )


def _alternative_slugs(entries: list[_Entry]) -> set[str]:
    return {a["slug"] for entry in entries for a in entry.data.get("alternatives", [])}


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


# Writing --------------------------------------------------------------------------------------


def _staff_edited(model, ids) -> set:
    """Ids of rows that a person has saved at least once (history rows with a user)."""
    return set(
        model.history.filter(id__in=ids, history_user__isnull=False)
        .values_list("id", flat=True)
        .distinct()
    )


def _renamed_or_deleted(slugs) -> tuple[dict, set[str]]:
    """For slugs no current row has: rows that staff renamed, and slugs staff deleted.

    History keeps every slug a row ever had, so a profile whose slug was changed in admin is
    still recognised (and not created a second time), and a deleted one is not brought back.
    """
    renamed, deleted = {}, set()
    if not slugs:
        return renamed, deleted
    records = Occupation.history.filter(slug__in=slugs).order_by("history_date", "history_id")
    ids = {record.id for record in records}
    current = Occupation.objects.in_bulk(ids)
    for record in records:
        if record.id in current:
            renamed[record.slug] = current[record.id]
        elif record.history_type == "-" and record.history_user_id is not None:
            deleted.add(record.slug)
    return renamed, deleted


def _save(instance, where: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ProfileDataError(f"{where}: {_messages(error)}") from None
    instance.save()


def _upsert_certifications(entries: list[_Entry], result: LoadResult, overwrite: bool) -> None:
    existing = {
        c.abbreviation: c
        for c in Certification.objects.filter(
            abbreviation__in=[e.data["abbreviation"] for e in entries]
        )
    }
    protected = (
        set() if overwrite else _staff_edited(Certification, [c.pk for c in existing.values()])
    )
    for entry in entries:
        values = {"url": "", **entry.data}
        certification = existing.get(values["abbreviation"])
        if certification is None:
            _save(Certification(**values), entry.where)
            result.created += 1
        elif certification.pk in protected:
            if _differs(certification, values):
                result.kept.append(certification.abbreviation)
        elif _differs(certification, values):
            _assign(certification, values)
            _save(certification, entry.where)
            result.updated += 1


def _upsert_occupations(entries: list[_Entry], result: LoadResult, overwrite: bool):
    """Create or update each profile's own fields.

    Returns the occupation of every entry (by the file's slug) and the slugs whose lists to
    sync (those not kept as staff edited them).
    """
    slugs = [entry.data["slug"] for entry in entries]
    codes = [entry.data["soc_code"] for entry in entries if entry.data["soc_code"]]
    rows = list(Occupation.objects.filter(Q(slug__in=slugs) | Q(soc_code__in=codes)))
    by_slug = {row.slug: row for row in rows}
    by_code = {row.soc_code: row for row in rows if row.soc_code}
    unmatched = [
        entry.data["slug"]
        for entry in entries
        if entry.data["slug"] not in by_slug and entry.data["soc_code"] not in by_code
    ]
    renamed, deleted_by_staff = _renamed_or_deleted(unmatched)
    by_slug.update(renamed)
    protected = set()
    if not overwrite:
        protected = _staff_edited(Occupation, [row.pk for row in by_slug.values()])
    matched, to_sync = {}, set()
    for entry in entries:
        data, where = entry.data, entry.where
        occupation = _match(data, by_slug, by_code, where)
        values = {name: data.get(name, "") for name in TEXT_FIELDS}
        values.update(slug=data["slug"], has_profile=True)
        if occupation is None:
            if data["slug"] in deleted_by_staff and not overwrite:
                result.kept.append(data["slug"])
                continue
            occupation = Occupation(
                **values,
                soc_code=data["soc_code"],
                level=SocLevel.DETAILED if data["soc_code"] else "",
            )
            _save(occupation, where)
            result.created += 1
        elif occupation.pk in protected:
            if _differs(occupation, values):
                result.kept.append(occupation.slug)
            matched[data["slug"]] = occupation
            continue
        else:
            if occupation.soc_code is None and data["soc_code"]:
                # A role that gained a SOC code; the BLS import fills in its group later.
                values.update(soc_code=data["soc_code"], level=SocLevel.DETAILED)
            if _differs(occupation, values):
                _assign(occupation, values)
                _save(occupation, where)
                result.updated += 1
        matched[data["slug"]] = occupation
        to_sync.add(data["slug"])
    return matched, to_sync


def _match(data: dict, by_slug: dict, by_code: dict, where: str):
    """The existing row this profile describes: by SOC code first (the BLS import may have
    created it under another slug), else by slug."""
    code, slug = data["soc_code"], data["slug"]
    row_by_code = by_code.get(code) if code else None
    row_by_slug = by_slug.get(slug)
    if row_by_code and row_by_slug and row_by_code.pk != row_by_slug.pk:
        raise ProfileDataError(
            f"{where}: SOC code {code} belongs to {row_by_code.slug!r}, but the slug {slug!r} "
            "is already used by another occupation"
        )
    if row_by_code:
        return row_by_code
    if row_by_slug and row_by_slug.soc_code and row_by_slug.soc_code != code:
        raise ProfileDataError(
            f"{where}: the occupation {slug!r} has SOC code {row_by_slug.soc_code} in the "
            f"database, not {code}; change it in admin if the file is right"
        )
    return row_by_slug


def _differs(instance, values: dict) -> bool:
    return any(getattr(instance, name) != value for name, value in values.items())


def _assign(instance, values: dict) -> None:
    for name, value in values.items():
        setattr(instance, name, value)


def _sync_lists(occupation, entry, by_slug, certification_by_abbreviation, result) -> None:
    data, where = entry.data, entry.where
    _sync_keyed(
        occupation.alternate_titles.all(),
        [{"title": title} for title in data.get("alternate_titles", [])],
        key="title",
        make=lambda values: AlternateTitle(occupation=occupation, **values),
        ordered=False,
        result=result,
        where=where,
    )
    _sync_by_position(
        occupation.responsibilities.all(),
        [{"text": text} for text in data.get("responsibilities", [])],
        make=lambda values: Responsibility(occupation=occupation, **values),
        result=result,
        where=where,
    )
    _sync_keyed(
        occupation.skills.all(),
        [{"description": "", **skill} for skill in data.get("skills", [])],
        key="name",
        make=lambda values: Skill(occupation=occupation, **values),
        result=result,
        where=where,
    )
    _sync_by_position(
        occupation.education_steps.all(),
        [{"description": "", **step} for step in data.get("education_steps", [])],
        make=lambda values: EducationStep(occupation=occupation, **values),
        result=result,
        where=where,
    )
    _sync_keyed(
        occupation.occupation_certifications.all(),
        [
            {
                "certification": certification_by_abbreviation[item["abbreviation"]],
                "note": item.get("note", ""),
            }
            for item in data.get("certifications", [])
        ],
        key="certification",
        make=lambda values: OccupationCertification(occupation=occupation, **values),
        result=result,
        where=where,
    )
    alternatives = []
    for item in data.get("alternatives", []):
        target = by_slug.get(item["slug"])
        if target is None:
            # Staff deleted that profile; leave the link out rather than bring it back.
            continue
        alternatives.append(
            {
                "alternative": target,
                "shared_tasks": item.get("shared_tasks", ""),
                "shared_knowledge": item.get("shared_knowledge", ""),
                "shared_environment": item.get("shared_environment", ""),
            }
        )
    _sync_keyed(
        occupation.alternatives.all(),
        alternatives,
        key="alternative",
        make=lambda values: Alternative(occupation=occupation, **values),
        result=result,
        where=where,
    )


def _sync_keyed(queryset, desired, *, key, make, result, where, ordered=True) -> None:
    """Make the rows match `desired`, pairing rows by `key` so that a reorder is an update."""
    existing = {getattr(row, key): row for row in queryset}
    for position, values in enumerate(desired):
        if ordered:
            values = {**values, "position": position}
        row = existing.pop(values[key], None)
        if row is None:
            _save(make(values), where)
            result.created += 1
        elif _differs(row, values):
            _assign(row, values)
            _save(row, where)
            result.updated += 1
    for row in existing.values():
        row.delete()
        result.deleted += 1


def _sync_by_position(queryset, desired, *, make, result, where) -> None:
    """Make an ordered list of free text match `desired`, pairing rows by their place."""
    existing = list(queryset.order_by("position", "id"))
    for position, values in enumerate(desired):
        values = {**values, "position": position}
        if position < len(existing):
            row = existing[position]
            if _differs(row, values):
                _assign(row, values)
                _save(row, where)
                result.updated += 1
        else:
            _save(make(values), where)
            result.created += 1
    for row in existing[len(desired) :]:
        row.delete()
        result.deleted += 1
