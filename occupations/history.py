"""History records for occupations written in bulk: the importers (OEWS, O*NET) create and
change Occupation rows with SQL, which simple-history cannot see, so they record the history
here, in the same transaction.
"""

from django.utils import timezone

from occupations.models import Occupation


def record_history(cursor, *, created_ids: list[int], changed_ids: list[int], reason: str) -> None:
    """Write the history records that saving these occupations in the ORM would have written
    ('+' created, '~' changed, no user), in one INSERT ... SELECT of their rows as they are now.

    simple-history writes its records from Django's save signals, which SQL writes and
    bulk_create do not send. history_date is the clock now, not the transaction's start: in a
    longer transaction (load_site_data) records written earlier by save() must stay older.
    """
    if not (created_ids or changed_ids):
        return
    history = Occupation.history.model
    tracked = [field.column for field in Occupation._meta.concrete_fields]
    columns = ", ".join(tracked)
    selected = ", ".join(f"o.{column}" for column in tracked)
    cursor.execute(
        f"""
        INSERT INTO {history._meta.db_table}
            ({columns}, history_date, history_change_reason, history_type, history_user_id)
        SELECT {selected}, %(now)s, %(reason)s,
            CASE WHEN o.id = ANY(%(created)s::bigint[]) THEN '+' ELSE '~' END, NULL
        FROM {Occupation._meta.db_table} o
        WHERE o.id = ANY(%(created)s::bigint[]) OR o.id = ANY(%(changed)s::bigint[])
        ORDER BY o.id
        """,  # noqa: S608
        {
            "now": timezone.now(),
            "reason": reason[: history._meta.get_field("history_change_reason").max_length],
            "created": created_ids,
            "changed": changed_ids,
        },
    )
