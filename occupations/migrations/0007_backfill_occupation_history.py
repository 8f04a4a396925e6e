"""Give every occupation a history that ends at the row as it is.

Until now the BLS import created and updated occupations with SQL, which writes no history:
on a site that had imported, most occupations had no history record at all (the first admin
edit could not be reverted), and a written profile's last record predated the BLS title and
group the import gave it (reverting to it emptied them). The import now records its changes;
this records what earlier writes left out, once:

- a '+' record of the row as it is, for every occupation without any history record;
- a '~' record of the row as it is, for every occupation whose latest record differs from it.

Records have no user and say why they were written. A fresh database has no occupations yet,
so there this does nothing.
"""

from django.db import migrations

CREATED_REASON = "Created without history (import or script); recorded by migration 0005"
CHANGED_REASON = "Changed without history (import or script); recorded by migration 0005"


def backfill(apps, schema_editor):
    occupation = apps.get_model("occupations", "Occupation")
    history = apps.get_model("occupations", "HistoricalOccupation")
    table, history_table = occupation._meta.db_table, history._meta.db_table
    tracked = [field.column for field in occupation._meta.concrete_fields]
    columns = ", ".join(tracked)
    selected = ", ".join(f"o.{column}" for column in tracked)
    # updated_at is left out of the comparison: it moves with every write, content or not.
    compared = [column for column in tracked if column != "updated_at"]
    differs = (
        f"({', '.join(f'o.{c}' for c in compared)}) IS DISTINCT FROM "
        f"({', '.join(f'h.{c}' for c in compared)})"
    )
    insert = (
        f"INSERT INTO {history_table} "
        f"({columns}, history_date, history_change_reason, history_type, history_user_id) "
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"""
            {insert}
            SELECT {selected}, now(), %s, '~', NULL
            FROM {table} o
            JOIN (
                SELECT DISTINCT ON (id) * FROM {history_table}
                ORDER BY id, history_date DESC, history_id DESC
            ) h ON h.id = o.id
            WHERE {differs}
            ORDER BY o.id
            """,
            [CHANGED_REASON],
        )
        cursor.execute(
            f"""
            {insert}
            SELECT {selected}, now(), %s, '+', NULL
            FROM {table} o
            WHERE NOT EXISTS (SELECT 1 FROM {history_table} h WHERE h.id = o.id)
            ORDER BY o.id
            """,
            [CREATED_REASON],
        )


def remove_backfill(apps, schema_editor):
    history = apps.get_model("occupations", "HistoricalOccupation")
    history.objects.filter(
        history_change_reason__in=[CREATED_REASON, CHANGED_REASON], history_user=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("occupations", "0006_content_version_triggers"),
    ]

    operations = [
        migrations.RunPython(backfill, remove_backfill),
    ]
