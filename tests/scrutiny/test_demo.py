import random
from datetime import date

import pytest

from partnership.demo import DemoContext, _seed_core
from scrutiny import demo
from scrutiny.constants import (
    ActionSource,
    ActionStatus,
    ItemKind,
    MeetingStatus,
    MinutesStatus,
    Rag,
)
from scrutiny.models import (
    Action,
    AgendaDocument,
    Committee,
    Meeting,
    Minutes,
    MinutesAmendment,
    Review,
)

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


def test_every_demo_agenda_starts_with_the_standard_items(ctx):
    for meeting in Meeting.objects.all():
        kinds = list(meeting.agenda_items.order_by("number").values_list("kind", flat=True))
        assert kinds[:2] == [ItemKind.APOLOGIES, ItemKind.DECLARATIONS]


def test_the_demo_minutes_are_approved_at_the_next_meeting_and_published(ctx):
    approved = Minutes.objects.filter(status=MinutesStatus.APPROVED)
    assert approved.count() == 3
    for minutes in approved:
        assert minutes.meeting.status == MeetingStatus.MINUTES_APPROVED
        assert minutes.approved_at.meeting.date > minutes.meeting.date
        assert minutes.public_pdf.read().startswith(b"%PDF")
    assert Minutes.objects.filter(status=MinutesStatus.CIRCULATED).count() == 1
    assert MinutesAmendment.objects.exists()
    assert Minutes.objects.exclude(exempt_pdf="").count() == 1


def test_the_demo_has_actions_from_every_source_and_a_plan_in_several_rags(ctx):
    from scrutiny.plans import plan_progress

    assert set(Action.objects.values_list("source", flat=True)) == set(ActionSource.values)

    class NoFigures:  # the dashboard is not what this test is about
        def __getattr__(self, name):
            return None

    progress = plan_progress(ctx.extra["scrutiny"]["strategy"], today=TODAY, headlines=NoFigures())
    rags = {entry.rag for entry in progress.commitments}
    assert {Rag.RED, Rag.AMBER, None} <= rags


def test_the_demo_reviews_hold_nothing_identifying(ctx):
    from scrutiny.validators import identifying_details_in

    for review in Review.objects.all():
        review.full_clean()
    for action in Action.objects.filter(source=ActionSource.RECOMMENDATION):
        assert identifying_details_in(action.description) is None
        assert action.owner.has_role("performance_lead", "commissioner")
