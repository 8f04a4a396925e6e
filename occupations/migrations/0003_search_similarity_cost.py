"""Let the planner use the trigram index for "similar titles" suggestions too.

0002_search raised the declared cost of pg_trgm's word-similarity operator so that PostgreSQL
prefers the trigram index to computing the similarity of every title; the suggestions shown
when a search finds nothing use the plain similarity operator (%), which needs the same. Does
nothing where pg_trgm is not installed (the embedded PostgreSQL) or may not be altered.
"""

from django.db import DatabaseError, migrations, transaction


def raise_similarity_cost(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("ALTER FUNCTION similarity_op(text, text) COST 100")
        except DatabaseError:
            pass


class Migration(migrations.Migration):
    dependencies = [
        ("occupations", "0002_search"),
    ]

    operations = [
        migrations.RunPython(raise_similarity_cost, migrations.RunPython.noop),
    ]
