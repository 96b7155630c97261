import random
from datetime import date

import pytest

from partnership.demo import DemoContext, _seed_core
from scrutiny import demo
from scrutiny.constants import ActionStatus, MeetingStatus, Rag
from scrutiny.models import Action, AgendaDocument, Committee, Meeting

TODAY = date(2025, 11, 3)


@pytest.fixture
def ctx(db):
    ctx = DemoContext(rng=random.Random(1), referrals=0, today=TODAY)
    _seed_core(ctx)
    demo.seed(ctx)
    return ctx


def test_the_demo_has_two_committees_with_the_demo_councillor_on_one(ctx):
    overview, board = ctx.extra["scrutiny"]["committee"], ctx.extra["scrutiny"]["board"]
    assert Committee.objects.count() == 2
    assert ctx.users["councillor"] in overview.members.all()
    assert ctx.users["councillor"] not in board.members.all()
    assert overview.clerk == board.clerk == ctx.users["clerk"]


def test_the_demo_has_past_upcoming_and_draft_meetings(ctx):
    assert Meeting.objects.filter(date__lt=TODAY).exists()
    assert Meeting.objects.filter(date__gt=TODAY).exists()
    assert Meeting.objects.filter(status=MeetingStatus.DRAFT).exists()


def test_the_demo_has_actions_in_every_status_and_every_rag(ctx):
    actions = Action.objects.with_rag(TODAY)
    assert set(actions.values_list("status", flat=True)) == set(ActionStatus.values)
    assert set(actions.values_list("rag", flat=True)) == set(Rag.values)


def test_demo_actions_are_owned_by_the_demo_officer_commissioner_and_performance_lead(ctx):
    owners = set(Action.objects.values_list("owner__username", flat=True))
    assert {"officer", "commissioner", "performance"} <= owners


def test_every_demo_object_passes_its_own_validation(ctx):
    for action in Action.objects.all():
        action.full_clean()
    for document in AgendaDocument.objects.all():
        assert document.file.read().startswith(b"%PDF-")


def test_the_demo_pdf_is_a_pdf_that_pypdf_reads():
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(demo.minimal_pdf("Appendix A (draft)")))
    assert "Appendix A (draft)" in reader.pages[0].extract_text()
