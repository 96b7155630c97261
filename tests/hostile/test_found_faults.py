"""The faults the hostile-input test found, each pinned by a test of its own."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from commissioning.forms import contribution_formset


def test_an_overlong_username_is_refused_by_the_form_before_anything_records_it(client, db):
    # AuthenticationForm set max_length without its validator; the lockout then stored the
    # name in a 255-character column: a server error on PostgreSQL.
    response = client.post(reverse("login"), {"username": "u" * 300, "password": "anything-at-all"})

    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("total", ["1000", "1000000", "9" * 30])
def test_a_tampered_form_count_builds_no_more_forms_than_the_page_shows(db, total):
    # Django's default limit is max_num + 1000 forms: seconds of work for one post.
    data = {
        "contributions-TOTAL_FORMS": total,
        "contributions-INITIAL_FORMS": "0",
        "contributions-MIN_NUM_FORMS": "0",
        "contributions-MAX_NUM_FORMS": "30",
    }

    formset = contribution_formset(data)

    assert len(formset.forms) <= 30
    assert not formset.is_valid()
