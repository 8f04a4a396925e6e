"""The one invalidation rule (careers.triggers): a bump only for statements that changed rows.

The plan offers' trigger from 0004 becomes the same four triggers every content table has.
"""

from django.db import migrations

from careers.triggers import IF_CHANGED, IF_CHANGED_FUNCTION, content_version_trigger


class Migration(migrations.Migration):
    dependencies = [("careers", "0005_password_reset_request")]

    operations = [
        migrations.RunSQL(IF_CHANGED_FUNCTION, reverse_sql=f"DROP FUNCTION IF EXISTS {IF_CHANGED}();"),
        migrations.RunSQL(
            "DROP TRIGGER IF EXISTS planoffer_bumps_content_stamp ON careers_planoffer;",
            reverse_sql=(
                "CREATE TRIGGER planoffer_bumps_content_stamp AFTER INSERT OR UPDATE OR DELETE "
                "ON careers_planoffer FOR EACH STATEMENT "
                "EXECUTE FUNCTION careers_bump_content_stamp();"
            ),
        ),
        content_version_trigger("careers_planoffer"),
    ]
