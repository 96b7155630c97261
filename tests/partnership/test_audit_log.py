"""The audit log cannot be changed, deleted or emptied, even with SQL (migrations 0003, 0005)."""

import pytest
from django.db import DatabaseError, connection, transaction

from partnership.audit import audit_record
from partnership.constants import AuditAction
from partnership.models import AuditEvent

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def event(db):
    return audit_record(by=None, action=AuditAction.CREATE, object_type="test", object_id="1")


def refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The test suite allows emptying it between tests (tests/conftest.py); not here.
                cursor.execute("SET LOCAL partnership.audit_truncate_allowed = 'off'")
            cursor.execute(sql)
    except DatabaseError as error:
        return "append-only" in str(error)
    return False


def test_sql_cannot_change_an_audit_event(event):
    assert refused(f"UPDATE {TABLE} SET action = 'view' WHERE id = {event.pk}")
    event.refresh_from_db()
    assert event.action == AuditAction.CREATE


def test_sql_cannot_delete_an_audit_event(event):
    assert refused(f"DELETE FROM {TABLE} WHERE id = {event.pk}")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres
def test_postgresql_refuses_to_truncate_the_audit_log(
    transactional_db, django_db_serialized_rollback
):
    # Committed rows: TRUNCATE refuses anything with foreign-key checks still pending anyway.
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's: run in the PostgreSQL layer (.ci/with-servers.sh)")
    event = audit_record(by=None, action=AuditAction.CREATE, object_type="test", object_id="1")

    assert refused(f"TRUNCATE {TABLE} CASCADE")
    assert AuditEvent.objects.filter(pk=event.pk).exists()
