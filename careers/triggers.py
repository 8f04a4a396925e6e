"""The one invalidation rule, in the database: every write to a table that pages render from
bumps the content version (careers.cache) in the writer's own transaction.

The triggers are statement-level: they run once per INSERT, UPDATE, DELETE or TRUNCATE, however
many rows it touches, so an import of 200,000 rows bumps the version a handful of times, not
200,000. Each looks at the statement's transition table and bumps only when the statement
changed at least one row, so an import that finds nothing new (every `make run`) leaves every
cached page in place. Because the bump is a row update inside the writer's transaction, readers
see the new version exactly when they can see the new data: never before the commit, always
after it.

Each app's migrations put the triggers on their own tables with content_version_trigger();
tests/test_content_version.py checks that every table of the occupations and salaries apps
(their history tables aside) and the plan offers carry them.
"""

from django.db import migrations

# careers 0004 created careers_bump_content_stamp(), which bumps unconditionally (TRUNCATE has
# no transition table); 0006 adds the one that looks at the changed rows first.
ALWAYS = "careers_bump_content_stamp"
IF_CHANGED = "careers_bump_content_stamp_if_changed"

# Only this module's constants go into the text.
IF_CHANGED_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {IF_CHANGED}() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed) THEN
        INSERT INTO careers_contentstamp (key, version, updated_at)
        VALUES ('content', 1, now())
        ON CONFLICT (key)
        DO UPDATE SET version = careers_contentstamp.version + 1, updated_at = now();
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""  # noqa: S608

# (event, transition table): PostgreSQL allows a transition table on single-event triggers only.
EVENTS = [("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")]


def trigger_names(table: str) -> list[str]:
    return [f"{table}_{event}_bumps_version"[:63] for event, _ in EVENTS] + [
        f"{table}_truncate_bumps_version"[:63]
    ]


def content_version_trigger(table: str) -> migrations.RunSQL:
    """A migration operation that makes every changing write to `table` bump the version."""
    names = trigger_names(table)
    create = [
        f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} "
        f"REFERENCING {transition} TABLE AS changed "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {IF_CHANGED}();"
        for name, (event, transition) in zip(names, EVENTS, strict=False)
    ]
    create.append(
        f"CREATE TRIGGER {names[-1]} AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {ALWAYS}();"
    )
    drop = [f"DROP TRIGGER IF EXISTS {name} ON {table};" for name in names]
    return migrations.RunSQL("\n".join(create), reverse_sql="\n".join(drop))
