"""Any write to the plan offers bumps the content stamp, whatever makes it.

Pages cache the plan limits under the content stamp so that a warm request costs one query. The
trigger makes that safe for every write path (admin, services, fixtures, a shell UPDATE): the
next request sees a new stamp and reads the limits again.
"""

from django.db import migrations

BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION careers_bump_content_stamp() RETURNS trigger AS $$
BEGIN
    INSERT INTO careers_contentstamp (key, version, updated_at)
    VALUES ('content', 1, now())
    ON CONFLICT (key)
    DO UPDATE SET version = careers_contentstamp.version + 1, updated_at = now();
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
CREATE TRIGGER planoffer_bumps_content_stamp
AFTER INSERT OR UPDATE OR DELETE ON careers_planoffer
FOR EACH STATEMENT EXECUTE FUNCTION careers_bump_content_stamp();
"""


class Migration(migrations.Migration):
    dependencies = [("careers", "0003_upgrade_request")]

    operations = [
        migrations.RunSQL(
            BUMP_FUNCTION + TRIGGER,
            reverse_sql=(
                "DROP TRIGGER IF EXISTS planoffer_bumps_content_stamp ON careers_planoffer;"
                "DROP FUNCTION IF EXISTS careers_bump_content_stamp();"
            ),
        ),
    ]
