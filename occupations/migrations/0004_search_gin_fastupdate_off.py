"""Keep the search indexes' GIN entries in the index itself, not in a pending list.

By default a GIN index collects new entries in a "pending list" that every scan reads in full
until VACUUM merges it. The BLS import and the profile loader insert into tables whose search
indexes already exist, so until autovacuum came round a freshly loaded site searched several
times slower, and the planner, seeing the long list, stopped using the trigram index. These
tables are small and written rarely, so writing each entry straight into the index costs
nothing noticeable. Existing pending entries are merged now.
"""

from django.db import migrations

INDEXES = [
    "occupation_search_document_gin",
    "alternatetitle_search_document_gin",
    "certification_search_document_gin",
    # Created only where pg_trgm is available (0002_search).
    "occupation_title_trgm_gin",
    "alternatetitle_title_trgm_gin",
]


def set_fastupdate(value):
    def apply(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s)", [INDEXES])
            for (name,) in cursor.fetchall():
                cursor.execute(f"ALTER INDEX {name} SET (fastupdate = {value})")
                if value == "off":
                    cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("occupations", "0003_search_similarity_cost"),
    ]

    operations = [
        migrations.RunPython(set_fastupdate("off"), set_fastupdate("on")),
    ]
