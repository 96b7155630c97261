"""The chart include on its own (no live server), scanned by axe in the browser harness."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from tests.scrutiny.test_charts import ALL_CHARTS


@pytest.mark.e2e
def test_charts_and_their_tables_pass_an_accessibility_scan(browser, check_accessibility):
    css = (settings.BASE_DIR / "static" / "govuk" / "app.css").read_text()
    body = "".join(
        render_to_string("scrutiny/includes/chart.html", {"chart": make()}) for make in ALL_CHARTS
    )
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    # The include on its own, without a live server: the page's own CSS inlined for contrast.
    page.set_content(
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Charts</title>'
        f'<style>{css}</style></head><body class="govuk-template__body"><main>{body}</main>'
        "</body></html>"
    )
    try:
        assert page.get_by_role("img", name="Referrals by quarter").count() == 1
        check_accessibility(page)
    finally:
        context.close()
