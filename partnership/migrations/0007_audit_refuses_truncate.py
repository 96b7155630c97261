"""On PostgreSQL the audit log refuses TRUNCATE too, not only UPDATE and DELETE (0003).

TRUNCATE fires no row triggers, so without this `manage.py flush` or a stray TRUNCATE would empty
the log. The test suite empties its own database between tests that commit, so a session may
allow it by setting `partnership.audit_truncate_allowed` to `on` (tests/conftest.py does, for the
test database only). This guards against the app and its commands; the table's owner can drop a
trigger, so database roles are the defence against a person with SQL access.
"""

from django.db import migrations

TABLE = "partnership_auditevent"


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite has no TRUNCATE: Django's flush deletes rows, which 0003 refuses
    schema_editor.execute(
        "CREATE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$ BEGIN "
        "IF current_setting('partnership.audit_truncate_allowed', true) = 'on' THEN "
        "RETURN NULL; END IF; "
        "RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();"
    )


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_truncate()")


class Migration(migrations.Migration):
    dependencies = [("partnership", "0006_worker_heartbeat")]

    operations = [migrations.RunPython(add_trigger, remove_trigger)]
