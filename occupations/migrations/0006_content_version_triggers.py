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
    "occupations_datapart",
    "occupations_onetdescription",
    "occupations_onettask",
    "occupations_onettitle",
    "occupations_onetrelated",
    "occupations_onetjobzone",
    "occupations_oneteducationcategory",
    "occupations_oneteducation",
    "occupations_onettechnology",
    "occupations_onetinterest",
    "occupations_onetrating",
    "occupations_projectionrelease",
    "occupations_projection",
    "occupations_projectioncoverage",
]


class Migration(migrations.Migration):
    dependencies = [
        ("careers", "0006_content_version_if_changed"),
        ("occupations", "0005_onet_and_projections"),
    ]

    operations = [content_version_trigger(table) for table in TABLES]
