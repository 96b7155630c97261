"""Demo data for scrutiny: two committees, their meetings, reports, resolutions and actions.

Resolutions are paraphrased from the kind of RESOLVED lists found in real overview and scrutiny
minutes; every name, committee and contact is invented. Dates are relative to `ctx.today`, so
the demo always has past and upcoming meetings and actions in every status and every RAG.
Objects the access-matrix test needs are left in `ctx.extra["scrutiny"]`. The meeting cycle
(membership, attendance, minutes), the delivery plan and the review register are seeded by
`scrutiny/demo_cycle.py`, after these meetings and actions.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from partnership.constants import Role
from partnership.demo import DemoContext
from partnership.models import User

from . import demo_cycle
from .constants import ActionStatus, ExemptParagraph, MeetingStatus, Purpose
from .models import (
    Action,
    ActionUpdate,
    AgendaDocument,
    AgendaItem,
    Committee,
    Meeting,
    Resolution,
    Topic,
)
from .services import next_action_sequence

# Extra committee members (no password: they exist to make the membership lists realistic).
EXTRA_MEMBERS = {
    # username: (first name, last name, job title, organisation, committees)
    "cllr.dunmore": ("Harriet", "Dunmore", "County councillor", "Eastshire County Council", "os"),
    "cllr.okafor": ("Samuel", "Okafor", "County councillor", "Eastshire County Council", "os"),
    "cllr.vance": ("Rhian", "Vance", "District councillor", "Southmere District Council", "both"),
    "board.hartley": (
        "Deborah",
        "Hartley",
        "Superintendent, public protection",
        "Eastshire Police",
        "board",
    ),
    "board.mensah": (
        "Kwame",
        "Mensah",
        "Head of safeguarding",
        "Eastshire Integrated Care Board",
        "board",
    ),
}

CONTACT = {
    "contact_name": "Imogen Thistlewood",
    "contact_title": "Head of Community Safety, Eastshire County Council",
    "contact_email": "imogen.thistlewood@example.org",
    "contact_telephone": "01632 960 418",
}
COMMISSIONING_CONTACT = {
    "contact_name": "Callum Frost",
    "contact_title": "Domestic Abuse Commissioning Manager, Eastshire County Council",
    "contact_email": "commissioner@example.org",
    "contact_telephone": "01632 960 275",
}


def minimal_pdf(text: str) -> bytes:
    """A valid one-page PDF showing `text` (demo and test documents; no library needed)."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 16 Tf 72 770 Td ({safe}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class _Seeder:
    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.today = ctx.today
        self.clerk = ctx.users["clerk"]

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def moment(self, offset: int, hour: int = 10) -> datetime:
        return timezone.make_aware(datetime.combine(self.day(offset), time(hour, 0)))

    def meeting(self, committee, offset, status, venue, hour=10) -> Meeting:
        meeting = Meeting(
            committee=committee,
            date=self.day(offset),
            start_time=time(hour, 0),
            venue=venue,
            status=status,
        )
        meeting.full_clean()
        meeting.save()
        return meeting

    def item(self, meeting, number, *, topics=(), wards=(), **fields) -> AgendaItem:
        item = AgendaItem(meeting=meeting, number=number, **fields)
        item.full_clean()
        item.save()
        item.topics.set(topics)
        item.wards.set(wards)
        return item

    def document(self, item, title, filename) -> AgendaDocument:
        document = AgendaDocument(
            agenda_item=item, title=title, original_name=filename, uploaded_by=self.clerk
        )
        document.file.save(filename, ContentFile(minimal_pdf(title)), save=False)
        document.full_clean()
        document.save()
        return document

    def resolutions(self, item, labels_and_texts) -> dict[str, Resolution]:
        made = {}
        for position, (label, text) in enumerate(labels_and_texts, start=1):
            resolution = Resolution(agenda_item=item, position=position, label=label, text=text)
            resolution.full_clean()
            resolution.save()
            made[label] = resolution
        return made

    def action(
        self,
        resolution,
        description,
        owner,
        due,
        *,
        status=ActionStatus.OPEN,
        updates=(),
        closed=None,
        note="",
        evidence_url="",
        evidence_file=None,
        superseded_by=None,
    ) -> Action:
        meeting_date = resolution.agenda_item.meeting.date
        year = meeting_date.year
        sequence = next_action_sequence(year)
        action = Action(
            reference=f"A-{year}-{sequence:03d}",
            year=year,
            sequence=sequence,
            resolution=resolution,
            description=description,
            owner=owner,
            owner_organisation=owner.organisation,
            due_date=self.day(due),
            status=status,
            closed_on=self.day(closed) if closed is not None else None,
            closure_note=note,
            evidence_url=evidence_url,
            superseded_by=superseded_by,
            created_at=timezone.make_aware(
                datetime.combine(meeting_date + timedelta(days=2), time(9, 0))
            ),
            raised_by=self.clerk,
        )
        if evidence_file is not None:
            filename, content = evidence_file
            action.evidence_file.save(filename, ContentFile(content), save=False)
            action.evidence_name = filename
        action.full_clean()
        action.save()
        for offset, author, text in updates:
            ActionUpdate.objects.create(
                action=action, written_at=self.moment(offset), author=author, text=text
            )
        if closed is not None:
            # As services.action_complete and action_close record it.
            ActionUpdate.objects.create(
                action=action,
                written_at=self.moment(closed, hour=16),
                author=owner if status == ActionStatus.COMPLETE else self.clerk,
                text=f"{'Completed' if status == ActionStatus.COMPLETE else status.label}. {note}",
            )
        return action


def _members(ctx: DemoContext) -> tuple[list[User], list[User]]:
    role = Group.objects.get(name=Role.COMMITTEE_MEMBER)
    overview, board = [ctx.users["councillor"]], []
    for username, (first, last, title, organisation, where) in EXTRA_MEMBERS.items():
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            job_title=title,
            organisation=ctx.organisations[organisation],
        )
        user.set_unusable_password()
        user.save()
        user.groups.add(role)
        if where in ("os", "both"):
            overview.append(user)
        if where in ("board", "both"):
            board.append(user)
    return overview, board


def seed(ctx: DemoContext) -> None:
    s = _Seeder(ctx)
    users = ctx.users
    officer, performance, commissioner = (
        users["officer"],
        users["performance"],
        users["commissioner"],
    )
    overview_members, board_members = _members(ctx)

    overview = Committee.objects.create(
        name="Adult Social Care and Health Overview and Scrutiny Committee",
        description="Councillors who scrutinise the council's and its partners' work on adult "
        "social care, health and community safety, including domestic abuse.",
        clerk=s.clerk,
    )
    # Seated before the first meeting below; demo_cycle adds the chairs and a former member.
    seated_from = s.day(-400)
    overview.members.set(overview_members, through_defaults={"start_date": seated_from})
    board = Committee.objects.create(
        name="Eastshire Domestic Abuse Partnership Board",
        description="The multi-agency board the Domestic Abuse Act 2021 requires: it assesses "
        "need, sets the strategy and oversees safe accommodation and support.",
        clerk=s.clerk,
    )
    board.members.set(board_members, through_defaults={"start_date": seated_from})

    services_topic = Topic.objects.create(
        name="Domestic abuse services",
        description="Support for victims, perpetrator programmes and the delivery plan.",
    )
    accommodation = Topic.objects.create(
        name="Safe accommodation",
        description="Refuges, dispersed accommodation and the sanctuary scheme.",
    )

    chamber = "Council Chamber, County Hall, Eastshire"
    committee_room = "Committee Room 2, County Hall, Eastshire"

    # Overview and scrutiny: a year of meetings, an update promised and delivered.
    first = s.meeting(overview, -300, MeetingStatus.AGENDA_PUBLISHED, chamber)
    new_approach = s.item(
        first,
        5,
        topics=[services_topic],
        title="Domestic abuse: a new approach",
        report_of="Portfolio Holder for Communities and Public Protection",
        purpose=Purpose.NOTING,
        recommendation="That the Committee note the content of the report.",
        summary=(
            "The council has reviewed its approach to domestic abuse with its partners. "
            "Governance has moved to the community safety partnership, and each statutory "
            "partner has audited itself against the regional domestic abuse standards.\n\n"
            "The audit identified these areas for development:\n\n"
            "- policies and procedures to be updated for new legislation and good practice\n"
            "- domestic abuse training for front-line health, housing and social care staff\n"
            "- training for managers to support staff who may be victims\n"
            "- better use of shared data sets to improve victims' experience"
        ),
        body=(
            "## Background\n\n"
            "The partners have a duty to work together to protect the community from crime and "
            "to safeguard adults and children from harm. For domestic abuse this is exercised "
            "mainly by protecting victims referred to the multi-agency safeguarding hub and "
            "through the risk assessment conference for high-risk cases.\n\n"
            "## Next steps\n\n"
            "A domestic abuse delivery plan, built into the community safety plan, will set out "
            "who does what. Officers will bring progress on the plan back to the Committee."
        ),
        **CONTACT,
    )
    first_resolutions = s.resolutions(
        new_approach,
        [
            (
                "a",
                "the review of the approach to domestic abuse be noted and the development of "
                "a delivery plan be supported;",
            ),
            ("b", "the Committee receive a further update on the delivery plan in due course;"),
            (
                "c",
                "officers explore making domestic abuse training mandatory for front-line "
                "health, housing and social care staff, and report the outcome to the Committee.",
            ),
        ],
    )

    second = s.meeting(overview, -120, MeetingStatus.AGENDA_PUBLISHED, chamber)
    pandemic = s.item(
        second,
        6,
        topics=[services_topic],
        title="Domestic abuse services: the impact of the pandemic",
        report_of="Domestic Abuse Commissioning Manager",
        purpose=Purpose.DISCUSSION,
        recommendation="That the Committee consider the report and comment on the delivery "
        "of domestic abuse services.",
        summary=(
            "Victim, perpetrator and children's services are jointly commissioned by the county "
            "council and the police and crime commissioner.\n\n"
            "During the pandemic providers moved to telephone and online support. Referrals to "
            "commissioned services rose by about a third while police reports of domestic "
            "abuse did not rise in the same way; analysis of the difference is under way."
        ),
        body=(
            "## Performance\n\n"
            "| Measure | Target | Result |\n"
            "| --- | --- | --- |\n"
            "| Referrals contacted within one working day | 95% | 97% |\n"
            "| Cases with managerial oversight within 24 hours | 90% | 92% |\n\n"
            "## Risks\n\n"
            "Waiting times for perpetrator programmes have grown and are being monitored."
        ),
        **COMMISSIONING_CONTACT,
    )
    pandemic_resolutions = s.resolutions(
        pandemic,
        [
            (
                "a",
                "the developments in delivery of both perpetrator and victim services be "
                "supported;",
            ),
            (
                "b",
                "the changes to services made during the pandemic be welcomed and staff be "
                "thanked for their flexibility;",
            ),
            (
                "c",
                "the analysis of why referrals to commissioned services rose while police "
                "reports did not be shared with the Committee;",
            ),
            (
                "d",
                "learning from the police analysis of repeat victims and offenders be shared "
                "with the Committee;",
            ),
            (
                "e",
                "details of waiting times for perpetrator services be shared with the "
                "Committee; and",
            ),
            (
                "f",
                "details of whether the Domestic Abuse Act meets the needs of people with no "
                "recourse to public funds be sent to the Committee after the meeting.",
            ),
        ],
    )
    refuge_terms = s.item(
        second,
        7,
        topics=[accommodation],
        title="Refuge contract: extension and commercial terms",
        report_of="Director of Public Health",
        purpose=Purpose.DECISION,
        recommendation="That the Committee recommend to Cabinet that the option to extend the "
        "refuge contract by two years be taken up.",
        summary="The refuge contract ends next March with an option to extend by two years. "
        "This report sets out the provider's proposed prices, which are commercially "
        "sensitive.",
        exempt=True,
        exempt_paragraph=ExemptParagraph.FINANCIAL,
        **COMMISSIONING_CONTACT,
    )
    s.document(refuge_terms, "Appendix A: proposed prices", "refuge-prices.pdf")
    refuge_resolutions = s.resolutions(
        refuge_terms,
        [("a", "Cabinet be recommended to take up the option to extend the refuge contract.")],
    )

    third = s.meeting(overview, -20, MeetingStatus.AGENDA_PUBLISHED, committee_room, hour=14)
    delivery_update = s.item(
        third,
        4,
        topics=[services_topic],
        title="Domestic Abuse Act 2021: update on the delivery plan",
        report_of="Head of Community Safety",
        purpose=Purpose.NOTING,
        recommendation="That the Committee note the progress made on the delivery plan.",
        summary=(
            "This is the update the Committee asked for. The partnership board now oversees "
            "the delivery plan, a needs assessment has been published and the strategy is in "
            "place.\n\n"
            "Caseloads of independent domestic violence advisers remain high."
        ),
        **CONTACT,
    )
    appendix = s.document(
        delivery_update, "Appendix A: Domestic Abuse Delivery Plan", "delivery-plan.pdf"
    )
    update_resolutions = s.resolutions(
        delivery_update,
        [
            (
                "1",
                "officers continue to monitor carefully the need for a growth bid to manage "
                "caseloads;",
            ),
            ("2", "statistics on prevention programmes in schools be provided to the Committee;"),
            (
                "3",
                "information about ideal staffing levels, KPIs and response times be "
                "circulated to the Committee.",
            ),
        ],
    )

    upcoming = s.meeting(overview, 30, MeetingStatus.AGENDA_PUBLISHED, chamber)
    s.item(
        upcoming,
        4,
        topics=[services_topic],
        title="Domestic abuse quarterly performance report",
        report_of="Performance and Intelligence Lead",
        purpose=Purpose.DISCUSSION,
        recommendation="That the Committee consider the performance of commissioned domestic "
        "abuse services.",
        summary="Referral volumes, response times and outcomes for the last quarter, with "
        "small numbers suppressed.",
        contact_name="Priya Lockwood",
        contact_title="Performance and Intelligence Lead, Eastshire County Council",
        contact_email="performance@example.org",
    )
    draft = s.meeting(overview, 120, MeetingStatus.DRAFT, chamber)
    s.item(
        draft,
        4,
        title="Work programme",
        report_of="Democratic Services",
        purpose=Purpose.DECISION,
        recommendation="That the Committee agree its work programme.",
        summary="Draft items for the coming year.",
        contact_name="Tomasz Hale",
        contact_title="Democratic Services Officer, Eastshire County Council",
        contact_email="clerk@example.org",
    )

    # The partnership board.
    board_first = s.meeting(board, -200, MeetingStatus.AGENDA_PUBLISHED, committee_room)
    needs = s.item(
        board_first,
        4,
        topics=[accommodation],
        title="Safe accommodation needs assessment",
        report_of="Domestic Abuse Commissioning Manager",
        purpose=Purpose.DECISION,
        recommendation="That the Board approve the needs assessment.",
        summary="The assessment finds a need for about 30 more units of safe accommodation, "
        "mostly dispersed homes rather than refuge places.",
        all_wards=False,
        wards=[ctx.areas["Southmere"], ctx.areas["Kingsford"]],
        **COMMISSIONING_CONTACT,
    )
    needs_resolutions = s.resolutions(
        needs,
        [
            ("a", "the needs assessment be approved;"),
            (
                "b",
                "future reports include the number of families and addresses with repeat "
                "incidents;",
            ),
            (
                "c",
                "the district councils report progress on the additional dispersed "
                "accommodation units.",
            ),
        ],
    )
    board_second = s.meeting(board, -60, MeetingStatus.AGENDA_PUBLISHED, "Online (Microsoft Teams)")
    lived = s.item(
        board_second,
        4,
        title="Lived experience advisory project",
        report_of="Head of Community Safety",
        purpose=Purpose.NOTING,
        recommendation="That the Board note the start of the project.",
        summary="A project, commissioned jointly with a neighbouring council, to hear from "
        "survivors about the services they used.",
        **CONTACT,
    )
    lived_resolutions = s.resolutions(
        lived, [("a", "the project's first findings be shared with the Board.")]
    )
    board_next = s.meeting(board, 45, MeetingStatus.AGENDA_PUBLISHED, committee_room)

    # Actions in every status and every RAG.
    s.action(
        first_resolutions["b"],
        "Bring an update on the domestic abuse delivery plan to the Committee.",
        commissioner,
        -25,
        status=ActionStatus.COMPLETE,
        closed=-20,
        note="Update taken to the Committee.",
        evidence_url=delivery_update.get_absolute_url(),
        updates=[(-200, commissioner, "Update scheduled for the autumn meeting.")],
    )
    s.action(
        first_resolutions["c"],
        "Report whether domestic abuse training can be made mandatory for front-line staff.",
        commissioner,
        -150,
        status=ActionStatus.NOT_FEASIBLE,
        closed=-150,
        note="The council cannot make training mandatory for partner agencies' staff. "
        "Training is offered free to all partners and take-up is reported to the Board.",
    )
    analysis = s.action(
        pandemic_resolutions["c"],
        "Share the analysis of referrals to commissioned services compared with police reports.",
        performance,
        -30,
        status=ActionStatus.IN_PROGRESS,
        updates=[(-45, performance, "Police data received; matching by quarter under way.")],
    )
    s.action(
        pandemic_resolutions["d"],
        "Share the learning from the police analysis of repeat victims and offenders.",
        performance,
        10,
    )
    waiting_times = s.action(
        pandemic_resolutions["e"],
        "Send committee members the current waiting times for perpetrator programmes.",
        commissioner,
        -90,
        status=ActionStatus.COMPLETE,
        closed=-95,
        note="Sent to members by e-mail.",
        evidence_file=(
            "perpetrator-waiting-times.csv",
            b"Programme,Median wait in weeks\nGroup programme,9\nOne-to-one programme,6\n",
        ),
    )
    no_recourse = s.action(
        pandemic_resolutions["f"],
        "Find out whether the Domestic Abuse Act meets the needs of people with no recourse to "
        "public funds, and tell the Committee.",
        officer,
        -10,
        updates=[(-60, officer, "Asked the national charity's policy team for their briefing.")],
    )
    s.action(
        refuge_resolutions["a"],
        "Report the Committee's recommendation on the refuge contract to Cabinet.",
        commissioner,
        5,
        status=ActionStatus.IN_PROGRESS,
        updates=[(-15, commissioner, "On the Cabinet forward plan for next month.")],
    )
    s.action(
        update_resolutions["1"],
        "Monitor caseloads and tell the Committee if a growth bid is needed.",
        commissioner,
        75,
    )
    s.action(
        update_resolutions["2"],
        "Provide statistics on prevention programmes delivered in schools.",
        officer,
        40,
        status=ActionStatus.IN_PROGRESS,
        updates=[(-5, officer, "Schools' returns for the autumn term requested.")],
    )
    replacement = s.action(
        update_resolutions["3"],
        "Add staffing levels and response-time KPIs to the quarterly performance report.",
        performance,
        12,
    )
    s.action(
        update_resolutions["3"],
        "Circulate information about ideal staffing levels, KPIs and response times.",
        commissioner,
        20,
        status=ActionStatus.SUPERSEDED,
        closed=-5,
        note="Replaced by adding the figures to the quarterly performance report.",
        superseded_by=replacement,
    )
    s.action(
        needs_resolutions["b"],
        "Include the number of families and addresses with repeat incidents in reports.",
        performance,
        -120,
        status=ActionStatus.COMPLETE,
        closed=-125,
        note="Included from the quarter's performance report onwards.",
        evidence_url="https://www.example.org/eastshire/dapb/performance-report.pdf",
    )
    s.action(
        needs_resolutions["c"],
        "Collect the district councils' progress on the additional dispersed accommodation units.",
        commissioner,
        -40,
    )
    s.action(
        lived_resolutions["a"],
        "Share the project's first findings with the Board.",
        officer,
        50,
        status=ActionStatus.IN_PROGRESS,
        updates=[(-10, officer, "Two survivor forums held; report being written.")],
    )

    ctx.extra["scrutiny"] = {
        "meetings": [first, second, third, upcoming, draft, board_first, board_second, board_next],
        "committee": overview,
        "board": board,
        "meeting": second,
        "agenda_item": pandemic,
        "exempt_item": refuge_terms,
        "resolution": pandemic_resolutions["f"],
        "document": appendix,
        "action": no_recourse,
        "action_in_progress": analysis,
        "action_with_evidence": waiting_times,
        "topic": services_topic,
    }
    demo_cycle.seed(ctx)
    ctx.log.append(
        f"{Committee.objects.count()} committees, {Meeting.objects.count()} meetings, "
        f"{Action.objects.count()} actions"
    )
