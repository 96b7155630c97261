"""The Django admin's writable forms (roles, users, organisations, areas) answer hostile values
with a form error, never a server error. The other admin pages are read-only. The admin is left
out of tests/hostile/test_hostile_forms.py (its forms are Django's, found by URL name here)."""

import re

import pytest
from django.urls import reverse

from tests.hostile.values import EDGE_CASES

ADMIN_FORMS = [
    "admin:auth_group_add",
    "admin:partnership_user_add",
    "admin:partnership_organisation_add",
    "admin:partnership_area_add",
]
NOT_FIELDS = {"csrfmiddlewaretoken", "_save", "_addanother", "_continue"}
OVERLONG = "9" * 5000


def field_names(html: str) -> list[str]:
    names = re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', html)
    return [name for name in dict.fromkeys(names) if name not in NOT_FIELDS]


@pytest.mark.sqlite_only  # Django's own forms: one database is enough, and it takes a minute
@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ADMIN_FORMS)
def test_an_admin_form_answers_every_hostile_value_without_a_server_error(
    client, login, admin_user, url_name
):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    login(admin_user)
    url = reverse(url_name)
    names = field_names(client.get(url).content.decode())
    assert len(names) >= 2, f"{url_name}: the form's fields were not found"

    failures = []
    for name in names:
        for value in [*EDGE_CASES, OVERLONG]:
            response = client.post(url, {**dict.fromkeys(names, "1"), name: value})
            if response.status_code >= 500:
                failures.append((name, value[:20], response.status_code))
    assert failures == []
