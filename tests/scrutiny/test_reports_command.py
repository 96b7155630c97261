"""`manage.py quarterly_report`: the same report, made at once and written to a file."""

import pytest
from django.core.management import CommandError, call_command

from scrutiny.models import ReportRun
from scrutiny.reports import rendering
from tests.pdfutils import lines, pdf_page_texts
from tests.scrutiny import reportfakes


@pytest.fixture(autouse=True)
def fake_figures(monkeypatch):
    monkeypatch.setattr(
        rendering,
        "quarterly_report_content",
        lambda *, quarter, committee, today: reportfakes.content(quarter),
    )


def test_the_command_writes_the_report_to_the_file_named(db, tmp_path, capsys):
    output = tmp_path / "out" / "report.pdf"

    call_command("quarterly_report", "2024/25 Q4", "--output", str(output))

    pages = pdf_page_texts(output.read_bytes())
    assert "quarterly performance report, 2024/25 Q4" in " ".join(lines(pages[0]))
    assert "Domestic Abuse Partnership Board" in pages[0]
    printed = capsys.readouterr().out
    assert "Calculating figures…" in printed and "Writing PDF…" in printed
    assert f"Wrote {output} ({len(pages)} pages, SHA-256 " in printed
    assert not ReportRun.objects.exists()
    assert list(output.parent.iterdir()) == [output]


def test_the_command_puts_the_committee_on_the_cover(tmp_path, committee):
    output = tmp_path / "report.pdf"

    call_command(
        "quarterly_report", "2024/25 Q4", "--output", str(output), "--committee", committee.name
    )

    assert lines(pdf_page_texts(output.read_bytes())[0])[0] == committee.name


def test_a_quarter_written_wrongly_is_refused_with_the_right_form(db, tmp_path):
    with pytest.raises(CommandError, match="write it like '2020/21 Q4'"):
        call_command("quarterly_report", "Q4 2024", "--output", str(tmp_path / "r.pdf"))
    assert not (tmp_path / "r.pdf").exists()


def test_an_unknown_committee_is_refused_naming_the_committees(tmp_path, committee):
    with pytest.raises(CommandError, match="Committees: Overview and Scrutiny Committee"):
        call_command(
            "quarterly_report", "2024/25 Q4", "--output", str(tmp_path / "r.pdf"),
            "--committee", "Cabinet",
        )  # fmt: skip
