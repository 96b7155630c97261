"""Repeating rows without JavaScript: "Add another" posts the form, which comes back with what was
typed and one more empty row, nothing checked and nothing saved; then one save takes every row.
The running total on the page adds up the amounts typed against the value."""

import re

import pytest
from django.urls import reverse

from commissioning.models import ContractYear, GrantAllocation
from partnership.constants import AuditAction
from partnership.formsets import ADD_ROW, running_total_text
from partnership.models import AuditEvent
from tests.factories import AreaFactory, FundingStreamFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _rows(page: str, prefix: str) -> int:
    """How many rows the page draws (the management form's total)."""
    return int(re.search(rf'name="{prefix}-TOTAL_FORMS" value="(\d+)"', page).group(1))


def _allocation_post(rows, *, method="amounts", add=False):
    data = {
        "split-method": method,
        "allocations-TOTAL_FORMS": str(len(rows)),
        "allocations-INITIAL_FORMS": "0",
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "60",
    }
    for i, (recipient, area, amount) in enumerate(rows):
        data |= {
            f"allocations-{i}-recipient": recipient,
            f"allocations-{i}-area": area,
            f"allocations-{i}-amount": amount,
            f"allocations-{i}-stated_percent": "",
        }
    if add:
        data[ADD_ROW] = "allocations"
    return data


def test_add_another_recipient_keeps_what_was_typed_and_saves_nothing(commissioner, login):
    stream = FundingStreamFactory(total_pence=70_000_00)
    first, second = OrganisationFactory(name="Northtown"), OrganisationFactory(name="Southtown")
    url = reverse("commissioning:grant_allocations_edit", args=[stream.pk])
    typed = [(first.pk, "", "10,000"), (second.pk, "", "not yet"), ("", "", "")]
    response = login(commissioner).post(url, _allocation_post(typed, add=True))
    page = response.content.decode()
    assert response.status_code == 200
    assert _rows(page, "allocations") == 4
    assert 'value="10,000"' in page and 'value="not yet"' in page
    assert f'<option value="{second.pk}" selected>Southtown</option>' in page
    # Nothing was checked: no error summary, no error on the row that is not an amount yet.
    assert "govuk-error-summary" not in page and "govuk-input--error" not in page
    assert not GrantAllocation.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_a_seven_recipient_grant_is_entered_in_one_save_after_adding_rows(commissioner, login):
    stream = FundingStreamFactory(total_pence=70_000_00)
    districts = [OrganisationFactory(name=f"District {n}") for n in range(7)]
    url = reverse("commissioning:grant_allocations_edit", args=[stream.pk])
    client = login(commissioner)
    rows = [("", "", "")] * 3
    for count in range(4, 8):  # three rows to start with; "Add another" four times
        page = client.post(url, _allocation_post(rows, add=True)).content.decode()
        assert _rows(page, "allocations") == count
        rows = rows + [("", "", "")]
    filled = [(district.pk, "", "10,000") for district in districts]
    response = client.post(url, _allocation_post(filled))
    assert response.status_code == 302
    assert GrantAllocation.objects.filter(stream=stream).count() == 7
    assert AuditEvent.objects.filter(object_type="commissioning.FundingStream").count() <= 2


def test_no_row_is_added_past_the_most_a_formset_takes(commissioner, login):
    stream = FundingStreamFactory(total_pence=100)
    url = reverse("commissioning:grant_allocations_edit", args=[stream.pk])
    page = login(commissioner).post(url, _allocation_post([("", "", "")] * 60, add=True))
    text = page.content.decode()
    assert _rows(text, "allocations") == 60
    assert "That is the most rows this form takes (60)." in text
    assert f'name="{ADD_ROW}"' not in text


def test_add_another_funder_keeps_the_value_and_the_funders_typed(
    contract, funders, commissioner, login
):
    url = reverse("commissioning:contract_year_create", args=[contract.pk])
    data = {
        "financial_year": "2020",
        "annual_value": "2,157,000",
        "contributions-TOTAL_FORMS": "1",
        "contributions-INITIAL_FORMS": "0",
        "contributions-MIN_NUM_FORMS": "0",
        "contributions-MAX_NUM_FORMS": "30",
        "contributions-0-funder": str(funders[0].pk),
        "contributions-0-amount": "670,490",
        "contributions-0-stated_percent": "31",
        ADD_ROW: "contributions",
    }
    page = login(commissioner).post(url, data).content.decode()
    assert _rows(page, "contributions") == 2
    assert 'value="2,157,000"' in page and 'value="670,490"' in page
    assert '<option value="2020" selected>' in page
    assert "That is £1,486,510.00 less than the annual value (£2,157,000.00)." in page
    assert not ContractYear.objects.exists()


def test_add_more_opening_hours_on_a_listing(commissioner, login):
    from tests.factories import CommissionedServiceFactory

    service = CommissionedServiceFactory()
    url = reverse("commissioning:listing_edit", args=[service.pk])
    client = login(commissioner)
    form = client.get(url).context["form"]
    data = dict.fromkeys(form.fields, "") | {
        "public_description": "Typed before adding a row",
        "hours-TOTAL_FORMS": "2",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "14",
        "hours-0-days": ["MO", "TU"],
        "hours-0-opens_at": "9am",
        "hours-0-closes_at": "5pm",
        ADD_ROW: "hours",
    }
    page = client.post(url, data).content.decode()
    assert _rows(page, "hours") == 3
    assert "Typed before adding a row" in page
    assert 'value="9am"' in page and 'value="5pm"' in page
    assert re.search(r'value="MO"[^>]*checked', page)


def test_the_empty_row_for_the_script_is_in_a_template(commissioner, login):
    stream = FundingStreamFactory()
    page = (
        login(commissioner)
        .get(reverse("commissioning:grant_allocations_edit", args=[stream.pk]))
        .content.decode()
    )
    template = page.split('<template class="app-add-another__template">')[1].split("</template>")[0]
    assert 'name="allocations-__prefix__-recipient"' in template
    assert "Recipient __number__" in template


@pytest.mark.parametrize(
    ("total", "target", "readable", "sentence"),
    [
        (100_00, 100_00, True, "The amounts add up to £100.00. That is exactly the value."),
        (
            40_00,
            100_00,
            True,
            "The amounts add up to £40.00. That is £60.00 less than the value (£100.00).",
        ),
        (
            150_01,
            100_00,
            True,
            "The amounts add up to £150.01. That is £50.01 more than the value (£100.00).",
        ),
        (
            5_00,
            None,
            False,
            "Some amounts are not numbers yet; the others add up to £5.00. "
            "Enter the value to compare.",
        ),
    ],
)
def test_the_running_total_says_how_the_amounts_compare(total, target, readable, sentence):
    assert running_total_text(total, target, readable=readable, of_label="the value") == sentence


def test_the_allocation_page_shows_the_total_of_the_amounts_against_the_grant(commissioner, login):
    stream = FundingStreamFactory(total_pence=194_000_00)
    area = AreaFactory()
    url = reverse("commissioning:grant_allocations_edit", args=[stream.pk])
    a, b = OrganisationFactory(), OrganisationFactory()
    rows = [(a.pk, area.pk, "97,000"), (b.pk, "", "96,999.99")]
    page = login(commissioner).post(url, _allocation_post(rows)).content.decode()
    assert "The amounts add up to £193,999.99. That is £0.01 less than the grant&#x27;s total" in (
        page
    )
