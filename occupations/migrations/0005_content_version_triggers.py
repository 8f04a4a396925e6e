"""Every write to what an occupation page shows bumps the content version (careers.triggers)."""

from django.db import migrations

from careers.triggers import content_version_trigger

TABLES = [
    "occupations_occupation",
    "occupations_alternatetitle",
    "occupations_responsibility",
    "occupations_skill",
    "occupations_educationstep",
    "occupations_certification",
    "occupations_occupationcertification",
    "occupations_alternative",
]


class Migration(migrations.Migration):
    dependencies = [
        ("careers", "0006_content_version_if_changed"),
        ("occupations", "0004_search_gin_fastupdate_off"),
    ]

    operations = [content_version_trigger(table) for table in TABLES]
