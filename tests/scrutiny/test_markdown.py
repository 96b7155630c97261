from django.utils.safestring import SafeString

from scrutiny.markdown import render_markdown


def test_markdown_becomes_govuk_html():
    html = render_markdown("Some **bold** text.\n\n- one\n- two")
    assert isinstance(html, SafeString)
    assert '<p class="govuk-body">Some <strong>bold</strong> text.</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html


def test_script_typed_into_a_report_is_removed_with_its_content():
    html = render_markdown("Hello <script>alert('stolen')</script> world")
    assert "<script" not in html
    assert "alert" not in html
    assert "Hello" in html and "world" in html


def test_event_handlers_and_javascript_links_are_removed():
    html = render_markdown(
        '<img src="x" onerror="alert(1)"> [click](javascript:alert(1)) '
        '<a href="/ok" onclick="steal()">ok</a>'
    )
    assert "onerror" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "<img" not in html
    assert 'href="/ok"' in html


def test_classes_and_styles_typed_into_a_report_are_not_kept():
    html = render_markdown('<p class="evil" style="position:fixed">text</p>')
    assert "evil" not in html
    assert "position" not in html


def test_links_are_kept_with_safe_rel():
    html = render_markdown("[report](https://www.example.org/report.pdf)")
    assert 'href="https://www.example.org/report.pdf"' in html
    assert 'rel="noopener noreferrer"' in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
