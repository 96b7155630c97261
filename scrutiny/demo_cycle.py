"""Demo data for the meeting cycle, the delivery plan and the review register.

Run by `scrutiny.demo.seed` once its committees, meetings and actions exist, through the same
services a clerk, a commissioner and a performance lead use, so the demo shows what they would
see: standard items on every agenda, attendance and declarations, minutes approved at the next
meeting (one of them amended afterwards) and published as PDF, a draft sent to the next
meeting, questions answered in writing, a delivery plan whose commitments have milestones in
every RAG, three reviews with recommendations, and an action from another source.

Every name is invented. The reviews hold no names or identifying details, as the register
requires.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import Group

from partnership.constants import Role
from partnership.demo import DemoContext
from partnership.models import User

from . import services, services_meetings, services_plans
from .constants import (
    AmendmentKind,
    AttendanceStatus,
    InterestKind,
    ItemKind,
    MembershipRole,
    MinutesStatus,
    PlanMeasure,
    Priority,
    ReviewKind,
    ReviewStatus,
)
from .models import AgendaItem, CommitteeMembership, Meeting, Minutes

EVIDENCE = "https://www.example.org/eastshire/dapb/"


def _standard_items(meetings: list[Meeting]) -> None:
    """Items 1 to 3 of every agenda, as `meeting_create` adds them to a new meeting."""
    for meeting in sorted(meetings, key=lambda m: (m.date, m.start_time)):
        previous = services.previous_meeting(meeting)
        kinds = [ItemKind.APOLOGIES, ItemKind.DECLARATIONS]
        if previous is not None:
            kinds.append(ItemKind.PREVIOUS_MINUTES)
        for number, kind in enumerate(kinds, start=1):
            item = AgendaItem(
                meeting=meeting,
                number=number,
                kind=kind,
                title=ItemKind(kind).label,
                minutes_of=previous if kind == ItemKind.PREVIOUS_MINUTES else None,
            )
            item.full_clean()
            item.save()


def _seats(ctx: DemoContext) -> None:
    """The councillor chairs the overview committee; one member left it; the board's chair."""
    overview, board = ctx.extra["scrutiny"]["committee"], ctx.extra["scrutiny"]["board"]
    CommitteeMembership.objects.filter(committee=overview, member=ctx.users["councillor"]).update(
        role=MembershipRole.CHAIR
    )
    CommitteeMembership.objects.filter(committee=board, member__username="board.hartley").update(
        role=MembershipRole.CHAIR
    )
    left = CommitteeMembership.objects.get(committee=overview, member__username="cllr.okafor")
    services_meetings.membership_end(
        by=ctx.users["clerk"], membership=left, end_date=ctx.today - timedelta(days=60)
    )


def _attendance(clerk: User, meeting: Meeting, apologies: set[str], substitute=None) -> None:
    seats = services_meetings.members_on(meeting.committee, meeting.date)
    statuses = {
        seat.member_id: AttendanceStatus.APOLOGIES
        if seat.member.username in apologies
        else AttendanceStatus.PRESENT
        for seat in seats
    }
    substitutes = {}
    if substitute is not None:
        absent = next(seat.member_id for seat in seats if seat.member.username in apologies)
        substitutes[absent] = substitute
    services_meetings.attendance_record(
        by=clerk, meeting=meeting, statuses=statuses, substitutes=substitutes
    )


def _report(meeting: Meeting, title_start: str) -> AgendaItem:
    return meeting.agenda_items.get(kind=ItemKind.REPORT, title__startswith=title_start)


def _standard(meeting: Meeting, kind: str) -> AgendaItem:
    return meeting.agenda_items.get(kind=kind)


def _minute(clerk: User, item: AgendaItem, text: str) -> None:
    services_meetings.item_minute_save(by=clerk, agenda_item=item, discussion=text)


def _substitute(ctx: DemoContext) -> User:
    """A councillor who sits on neither committee but substitutes when asked."""
    user = User(
        username="cllr.abara",
        first_name="Nkem",
        last_name="Abara",
        email="cllr.abara@example.org",
        job_title="County councillor",
        organisation=ctx.organisations["Eastshire County Council"],
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=Role.COMMITTEE_MEMBER))
    return user


def _overview_minutes(ctx: DemoContext, meetings: list[Meeting]) -> dict:
    clerk = ctx.users["clerk"]
    first, second, third, upcoming = meetings
    substitute = _substitute(ctx)

    _attendance(clerk, first, {"cllr.vance"})
    services_meetings.other_attendee_add(
        by=clerk,
        meeting=first,
        name="Imogen Thistlewood",
        job_title="Head of Community Safety",
        organisation="Eastshire County Council",
    )
    _minute(
        clerk,
        _report(first, "Domestic abuse: a new approach"),
        "The Head of Community Safety introduced the report. Members asked how the audit "
        "against the regional standards would be followed up.\n\n"
        "- Officers said each partner would report its progress to the partnership.\n"
        "- Members asked that domestic abuse training be considered for all front-line staff.",
    )
    services_meetings.minutes_circulate(by=clerk, meeting=first)

    _attendance(clerk, second, {"cllr.dunmore"}, substitute=substitute)
    for name, title, organisation in (
        ("Callum Frost", "Domestic Abuse Commissioning Manager", "Eastshire County Council"),
        ("Janine Aldous", "Service Manager", "Harbour Lights Domestic Abuse Service"),
    ):
        services_meetings.other_attendee_add(
            by=clerk, meeting=second, name=name, job_title=title, organisation=organisation
        )
    refuge = _report(second, "Refuge contract")
    declaration = services_meetings.declaration_add(
        by=clerk,
        agenda_item=refuge,
        member=User.objects.get(username="cllr.vance"),
        kind=InterestKind.NON_REGISTRABLE,
        nature="A close family member works for one of the refuge providers.",
        left_room=True,
    )
    services_meetings.minutes_approve(
        by=clerk, item=_standard(second, ItemKind.PREVIOUS_MINUTES), today=ctx.today
    )
    _minute(
        clerk,
        _report(second, "Domestic abuse services: the impact"),
        "The Commissioning Manager and the provider's Service Manager presented the report "
        "and answered questions.\n\n"
        "- Referrals to commissioned services had risen by about a third; officers were "
        "analysing why police reports had not risen in the same way.\n"
        "- Caseloads per worker were above the recommended level; a growth bid was being "
        "considered.",
    )
    _minute(
        clerk,
        refuge,
        "The Committee considered the provider's proposed prices for the extension, which "
        "are commercially sensitive.",
    )
    services_meetings.minutes_circulate(by=clerk, meeting=second)

    _attendance(clerk, third, set())
    delivery = _report(third, "Domestic Abuse Act 2021")
    services_meetings.minutes_approve(
        by=clerk, item=_standard(third, ItemKind.PREVIOUS_MINUTES), today=ctx.today
    )
    _minute(
        clerk,
        delivery,
        "The Head of Community Safety presented the update on the delivery plan. Members "
        "welcomed the published needs assessment and asked about caseloads of independent "
        "domestic violence advisers.",
    )
    question = services_meetings.question_add(
        by=clerk,
        meeting=third,
        agenda_item=delivery,
        asked_by="Councillor Harriet Dunmore",
        question="How long does a case typically stay open with the commissioned service?",
        answer="It depends on the support each person needs: from one conversation to "
        "several months where there are court cases. Most cases close within three to four "
        "months.",
        answered_by="Community Safety Manager",
    )
    services_meetings.question_add(
        by=clerk,
        meeting=third,
        agenda_item=delivery,
        asked_by="Councillor Rhian Vance",
        question="What is the ideal staffing level for the service?",
        answer="",
        answered_by="",
    )
    services_meetings.minutes_circulate(by=clerk, meeting=third)

    # An amendment agreed after approval, recorded rather than typed over.
    amendment = services_meetings.minutes_amend(
        by=clerk,
        minutes=Minutes.objects.get(meeting=first),
        kind=AmendmentKind.NOTE,
        new_text="Councillor Rhian Vance's apologies were given to the clerk before the "
        "meeting, not after it.",
        reason=f"Agreed at the meeting of {second.date:%-d %B %Y} when the minutes were confirmed.",
    )
    return {
        "declaration": declaration,
        "question": question,
        "amendment": amendment,
        "minutes_meeting": second,
        "draft_minutes_meeting": third,
        "approval_item": _standard(upcoming, ItemKind.PREVIOUS_MINUTES),
        "substitute": substitute,
    }


def _board_minutes(ctx: DemoContext, meetings: list[Meeting]) -> None:
    clerk = ctx.users["clerk"]
    board_first, board_second, _board_next = meetings
    _attendance(clerk, board_first, set())
    _minute(
        clerk,
        _report(board_first, "Safe accommodation needs assessment"),
        "The Board approved the needs assessment and asked the district councils to report "
        "on the dispersed accommodation units.",
    )
    services_meetings.minutes_circulate(by=clerk, meeting=board_first)
    _attendance(clerk, board_second, {"board.mensah"})
    services_meetings.minutes_approve(
        by=clerk, item=_standard(board_second, ItemKind.PREVIOUS_MINUTES), today=ctx.today
    )


def _publish(ctx: DemoContext, meetings: list[Meeting]) -> None:
    for minutes in Minutes.objects.filter(meeting__in=meetings, status=MinutesStatus.APPROVED):
        services_meetings.minutes_publish(by=ctx.users["clerk"], minutes=minutes)


# The delivery plan ------------------------------------------------------------------------------

PLAN = [
    (
        "Prevention and early intervention",
        "Stop abuse before it starts, and help people earlier.",
        [
            (
                "Deliver healthy relationships education in every secondary school",
                "Eastshire County Council",
                "commissioner",
                "",
                [
                    ("Programme commissioned for secondary schools", -200, "complete"),
                    ("Half of secondary schools reached", 10, "open"),
                    ("Every secondary school reached", 300, "open"),
                ],
            ),
            (
                "Run a community awareness campaign each year, with timescales agreed with "
                "the overview and scrutiny committee",
                "Eastshire County Council",
                "performance",
                PlanMeasure.REFERRALS,
                [
                    ("Campaign plan and timescales agreed with the committee", -40, "open"),
                    ("Autumn campaign delivered", 90, "open"),
                ],
            ),
        ],
    ),
    (
        "Support for victims and their children",
        "Make specialist support quick to reach, for everyone who needs it.",
        [
            (
                "Contact every referral within one working day",
                "Harbour Lights Domestic Abuse Service",
                "commissioner",
                PlanMeasure.CONTACTED,
                [
                    ("Duty rota extended to cover every working day", -150, "complete"),
                    ("Quarterly audit of first-contact times", 60, "open"),
                ],
            ),
            (
                "Bring caseloads per worker down to the recommended level",
                "Eastshire County Council",
                "commissioner",
                PlanMeasure.WAITING_LIST,
                [("Growth bid decided", 8, "open"), ("Two more advisers recruited", 150, "open")],
            ),
        ],
    ),
    (
        "Safe accommodation",
        "Enough safe places to live, of the right kinds.",
        [
            (
                "Open 30 more units of dispersed safe accommodation",
                "Southmere District Council",
                "commissioner",
                "",
                [
                    ("Ten units open", -30, "open"),
                    ("Twenty units open", 120, "open"),
                    ("Thirty units open", 400, "open"),
                ],
            ),
        ],
    ),
    (
        "Holding perpetrators to account",
        "Change behaviour and keep victims safe.",
        [
            (
                "Offer a behaviour change programme place within eight weeks of referral",
                "Turning Point Behaviour Change",
                "performance",
                PlanMeasure.REPEAT_RATE,
                [],
            ),
        ],
    ),
]


def _delivery_plan(ctx: DemoContext) -> dict:
    commissioner = ctx.users["commissioner"]
    strategy = services_plans.strategy_create(
        by=commissioner,
        title="Eastshire Domestic Abuse Strategy",
        start_year=ctx.today.year - 1,
        end_year=ctx.today.year + 4,
        summary="The partnership's strategy, written with survivors and partners. It takes a "
        "whole-family approach and covers the duty to provide support in safe accommodation.",
    )
    first_commitment = first_milestone = None
    for title, description, commitments in PLAN:
        theme = services_plans.theme_create(
            by=commissioner, strategy=strategy, title=title, description=description
        )
        for text, lead, owner, measure, milestones in commitments:
            commitment = services_plans.commitment_create(
                by=commissioner,
                theme=theme,
                title=text,
                description="",
                lead_organisation=ctx.organisations[lead],
                owner=ctx.users[owner],
                measure=measure,
            )
            first_commitment = first_commitment or commitment
            for milestone, due, status in milestones:
                action = services.action_create(
                    by=commissioner,
                    commitment=commitment,
                    description=milestone,
                    owner=ctx.users[owner],
                    due_date=ctx.today + timedelta(days=due),
                    priority=Priority.HIGH if due < 30 else Priority.MEDIUM,
                )
                first_milestone = first_milestone or action
                if status == "complete":
                    services.action_complete(
                        by=ctx.users[owner],
                        action=action,
                        today=ctx.today + timedelta(days=due - 5),
                        evidence_url=f"{EVIDENCE}delivery-plan-progress.pdf",
                    )
    return {"strategy": strategy, "commitment": first_commitment, "milestone": first_milestone}


# The review register ----------------------------------------------------------------------------

REVIEWS = [
    # reference, kind, district, status, days ago: commissioned, sent, published
    (
        "DHR-2022-01",
        ReviewKind.DOMESTIC_HOMICIDE,
        "Northvale",
        ReviewStatus.PUBLISHED,
        1100,
        700,
        500,
    ),
    (
        "DHR-2023-02",
        ReviewKind.DOMESTIC_HOMICIDE,
        "Westbrook",
        ReviewStatus.WITH_HOME_OFFICE,
        600,
        90,
        None,
    ),
    (
        "DARDR-2024-01",
        ReviewKind.RELATED_DEATH,
        "Eastfield",
        ReviewStatus.IN_PROGRESS,
        250,
        None,
        None,
    ),
]
RECOMMENDATIONS = {
    "DHR-2022-01": [
        (
            "Eastshire Police",
            "Train call handlers to ask about previous domestic abuse on every call-out.",
            -60,
            "complete",
        ),
        (
            "Eastshire Integrated Care Board",
            "Add routine enquiry about domestic abuse to GP practice safeguarding audits.",
            -20,
            "open",
        ),
        (
            "Eastshire County Council",
            "Share learning from the review with housing and adult social care teams.",
            45,
            "open",
        ),
    ],
    "DHR-2023-02": [
        (
            "Harbour Lights Domestic Abuse Service",
            "Follow up every referral that cannot be contacted with a second agency.",
            10,
            "open",
        ),
    ],
}


def _reviews(ctx: DemoContext) -> dict:
    performance = ctx.users["performance"]
    made, first_recommendation = {}, None
    for reference, kind, area, status, commissioned, sent, published in REVIEWS:
        made[reference] = services_plans.review_create(
            by=performance,
            reference=reference,
            kind=kind,
            area=ctx.areas[area],
            status=status,
            commissioned_on=_ago(ctx.today, commissioned),
            submitted_on=_ago(ctx.today, sent),
            published_on=_ago(ctx.today, published),
            closed_on=None,
        )
    for reference, recommendations in RECOMMENDATIONS.items():
        for agency, text, due, status in recommendations:
            action = services.action_create(
                by=performance,
                review=made[reference],
                source_agency=ctx.organisations[agency],
                description=text,
                owner=performance,
                due_date=ctx.today + timedelta(days=due),
                priority=Priority.HIGH,
            )
            first_recommendation = first_recommendation or action
            if status == "complete":
                services.action_complete(
                    by=performance,
                    action=action,
                    today=ctx.today + timedelta(days=due - 3),
                    evidence_url=f"{EVIDENCE}training-records-summary.pdf",
                )
    return {"review": made["DHR-2022-01"], "recommendation": first_recommendation}


def _ago(today: date, days: int | None) -> date | None:
    return None if days is None else today - timedelta(days=days)


def seed(ctx: DemoContext) -> None:
    extra = ctx.extra["scrutiny"]
    meetings = extra["meetings"]
    _standard_items(meetings)
    _seats(ctx)
    extra |= _overview_minutes(ctx, meetings[:4])
    _board_minutes(ctx, meetings[5:])
    _publish(ctx, meetings)
    extra |= _delivery_plan(ctx)
    extra |= _reviews(ctx)
    extra["other_action"] = services.action_create(
        by=ctx.users["clerk"],
        other_source="Board development day",
        description="Draft a protocol for sharing learning between the board and the "
        "overview and scrutiny committee.",
        owner=ctx.users["clerk"],
        due_date=ctx.today + timedelta(days=25),
        priority=Priority.LOW,
    )
    extra["membership"] = CommitteeMembership.objects.get(
        committee=extra["committee"], member=ctx.users["councillor"], end_date__isnull=True
    )
    extra["attendee"] = meetings[1].other_attendees.first()
