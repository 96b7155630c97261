"""Expected GET status per role for this app's URLs. See test_matrix.py for the columns.

Who may do what in scrutiny (scrutiny/selectors.py has the object rules):

- Clerks (and admins) run every committee: committees, meetings, agenda items, documents,
  resolutions and actions, including closing an action as not feasible or superseded.
- Committee members read the committees they sit on: meetings once the agenda is published,
  every item including exempt ones, documents, topics, and those committees' actions in the
  tracker. Another committee's pages are a 404.
- Performance leads and commissioners read the action tracker for every committee (except
  actions on exempt items of committees they do not sit on) but not meeting pages.
- Officers use "My actions" only. Anyone who owns an action opens it, adds updates and
  completes it with evidence; readers of the tracker open it but may not change it (403).
- The meeting cycle (membership, attendance, declarations, minutes) is the clerk's; committee
  members read minutes once sent to the next meeting and download the published PDFs.
- Delivery plans: commissioners and performance leads edit; committee members and clerks read.
- The review register: performance leads and commissioners only; committee members and clerks
  see the summary of counts.

The demo objects (scrutiny/demo.py): the overview and scrutiny committee, which the demo
councillor sits on; one of its past meetings and an item; an open action owned by the demo
officer; a completed action owned by the demo commissioner with an evidence file.
"""

EVERYONE = (302, 200, 200, 200, 200, 200, 200)
CLERKS = (302, 403, 403, 403, 403, 200, 200)
COMMITTEES = (302, 403, 403, 403, 200, 200, 200)
TRACKER = (302, 403, 200, 200, 200, 200, 200)
REPORT_READERS = (302, 403, 200, 403, 200, 200, 200)
POST_ONLY_CLERKS = (302, 403, 403, 403, 403, 405, 405)
PLAN_READERS = (302, 403, 200, 200, 200, 200, 200)
PLAN_EDITORS = (302, 403, 200, 200, 403, 403, 200)
REVIEW_READERS = (302, 403, 200, 200, 403, 403, 200)

# anonymous, officer, performance lead, commissioner, committee member, clerk, admin
EXPECTED = {
    "scrutiny:action_list": TRACKER,
    "scrutiny:action_export": TRACKER,
    "scrutiny:my_actions": EVERYONE,
    # The officer owns this action; readers of the tracker may open it but not work on it.
    "scrutiny:action_detail": EVERYONE,
    "scrutiny:action_update_add": (302, 200, 403, 403, 403, 200, 200),
    "scrutiny:action_complete": (302, 200, 403, 403, 403, 200, 200),
    "scrutiny:action_edit": CLERKS,
    "scrutiny:action_close": CLERKS,
    # The commissioner's completed action: the officer neither owns it nor reads the tracker.
    "scrutiny:action_evidence": (302, 404, 200, 200, 200, 200, 200),
    "scrutiny:committee_list": COMMITTEES,
    "scrutiny:committee_create": CLERKS,
    "scrutiny:committee_detail": COMMITTEES,
    "scrutiny:committee_edit": CLERKS,
    "scrutiny:meeting_create": CLERKS,
    "scrutiny:meeting_detail": COMMITTEES,
    "scrutiny:meeting_edit": CLERKS,
    "scrutiny:agenda_item_create": CLERKS,
    "scrutiny:agenda_item_detail": COMMITTEES,
    "scrutiny:agenda_item_edit": CLERKS,
    # Moving is a POST (the move up / move down buttons); a GET is refused.
    "scrutiny:agenda_item_move": (302, 403, 403, 403, 403, 405, 405),
    "scrutiny:agenda_document_add": CLERKS,
    "scrutiny:agenda_document_download": COMMITTEES,
    "scrutiny:agenda_document_delete": CLERKS,
    "scrutiny:resolution_create": CLERKS,
    "scrutiny:resolution_edit": CLERKS,
    "scrutiny:action_create": CLERKS,
    "scrutiny:topic_list": COMMITTEES,
    "scrutiny:topic_create": CLERKS,
    "scrutiny:topic_detail": COMMITTEES,
    # The committee dashboard: everyone who reads aggregates; officers see referral rows only.
    "scrutiny:dashboard": (302, 403, 200, 200, 200, 200, 200),
    # A panel's CSV needs ?panel=<slug>; without one there is nothing to download (404).
    "scrutiny:dashboard_export": (302, 403, 404, 404, 404, 404, 404),
    "scrutiny:dashboard_export_all": (302, 403, 200, 200, 200, 200, 200),
    # Quarterly reports: clerks and performance leads run them; members read those published to
    # their committees (the demo run is published to the committee the councillor sits on).
    "scrutiny:report_list": REPORT_READERS,
    "scrutiny:report_request": (302, 403, 200, 403, 403, 200, 200),
    "scrutiny:report_detail": REPORT_READERS,
    "scrutiny:report_download": REPORT_READERS,
    "scrutiny:report_attach": CLERKS,
    # Publishing and retrying are POSTs (buttons); a GET is refused.
    "scrutiny:report_publish": (302, 403, 403, 403, 403, 405, 405),
    "scrutiny:report_retry": (302, 403, 405, 403, 403, 405, 405),
    # Agenda packs: clerks export them; the committee's members download them.
    "scrutiny:agenda_pack_list": COMMITTEES,
    "scrutiny:agenda_pack_export": (302, 403, 403, 403, 403, 405, 405),
    "scrutiny:agenda_pack_download": COMMITTEES,
    # Actions from other sources: clerks and the plan's editors raise them.
    "scrutiny:action_create_other": (302, 403, 200, 200, 403, 200, 200),
    # The meeting cycle.
    "scrutiny:membership_add": CLERKS,
    "scrutiny:membership_end": CLERKS,
    "scrutiny:attendance_record": CLERKS,
    "scrutiny:other_attendee_add": CLERKS,
    "scrutiny:other_attendee_remove": CLERKS,
    "scrutiny:declaration_add": CLERKS,
    "scrutiny:declaration_remove": CLERKS,
    "scrutiny:agenda_item_remove": CLERKS,
    # An item of the meeting whose minutes are still a draft (sent to the next meeting).
    "scrutiny:item_minute_edit": CLERKS,
    "scrutiny:question_add": CLERKS,
    "scrutiny:question_edit": CLERKS,
    # The next meeting's item that brings those draft minutes for approval.
    "scrutiny:minutes_approve": CLERKS,
    # The demo meeting's approved and published minutes, with an exempt item.
    "scrutiny:minutes_detail": COMMITTEES,
    "scrutiny:minutes_amend": CLERKS,
    "scrutiny:minutes_download": COMMITTEES,
    "scrutiny:minutes_exempt_download": COMMITTEES,
    "scrutiny:minutes_circulate": POST_ONLY_CLERKS,
    "scrutiny:minutes_publish": POST_ONLY_CLERKS,
    # The strategy and delivery plan.
    "scrutiny:strategy_list": PLAN_READERS,
    "scrutiny:strategy_create": PLAN_EDITORS,
    "scrutiny:strategy_detail": PLAN_READERS,
    "scrutiny:strategy_edit": PLAN_EDITORS,
    "scrutiny:theme_create": PLAN_EDITORS,
    "scrutiny:theme_edit": PLAN_EDITORS,
    "scrutiny:commitment_create": PLAN_EDITORS,
    "scrutiny:commitment_detail": PLAN_READERS,
    "scrutiny:commitment_edit": PLAN_EDITORS,
    "scrutiny:milestone_create": PLAN_EDITORS,
    # The review register, and the counts everyone who reads aggregates sees.
    "scrutiny:review_list": REVIEW_READERS,
    "scrutiny:review_create": REVIEW_READERS,
    "scrutiny:review_detail": REVIEW_READERS,
    "scrutiny:review_edit": REVIEW_READERS,
    "scrutiny:recommendation_create": REVIEW_READERS,
    "scrutiny:review_summary": (302, 403, 200, 200, 200, 200, 200),
}


def _demo(ctx, name):
    return ctx.extra["scrutiny"][name]


# URL name -> function(demo context) -> kwargs, for URLs that take arguments.
KWARGS = {
    "scrutiny:action_detail": lambda ctx: {"pk": _demo(ctx, "action").pk},
    "scrutiny:action_update_add": lambda ctx: {"pk": _demo(ctx, "action").pk},
    "scrutiny:action_complete": lambda ctx: {"pk": _demo(ctx, "action").pk},
    "scrutiny:action_edit": lambda ctx: {"pk": _demo(ctx, "action").pk},
    "scrutiny:action_close": lambda ctx: {"pk": _demo(ctx, "action").pk},
    "scrutiny:action_evidence": lambda ctx: {"pk": _demo(ctx, "action_with_evidence").pk},
    "scrutiny:committee_detail": lambda ctx: {"pk": _demo(ctx, "committee").pk},
    "scrutiny:committee_edit": lambda ctx: {"pk": _demo(ctx, "committee").pk},
    "scrutiny:meeting_create": lambda ctx: {"committee_pk": _demo(ctx, "committee").pk},
    "scrutiny:meeting_detail": lambda ctx: {"pk": _demo(ctx, "meeting").pk},
    "scrutiny:meeting_edit": lambda ctx: {"pk": _demo(ctx, "meeting").pk},
    "scrutiny:agenda_item_create": lambda ctx: {"meeting_pk": _demo(ctx, "meeting").pk},
    "scrutiny:agenda_item_detail": lambda ctx: {"pk": _demo(ctx, "agenda_item").pk},
    "scrutiny:agenda_item_edit": lambda ctx: {"pk": _demo(ctx, "agenda_item").pk},
    "scrutiny:agenda_item_move": lambda ctx: {"pk": _demo(ctx, "agenda_item").pk},
    "scrutiny:agenda_document_add": lambda ctx: {"item_pk": _demo(ctx, "agenda_item").pk},
    "scrutiny:agenda_document_download": lambda ctx: {"pk": _demo(ctx, "document").pk},
    "scrutiny:agenda_document_delete": lambda ctx: {"pk": _demo(ctx, "document").pk},
    "scrutiny:resolution_create": lambda ctx: {"item_pk": _demo(ctx, "agenda_item").pk},
    "scrutiny:resolution_edit": lambda ctx: {"pk": _demo(ctx, "resolution").pk},
    "scrutiny:action_create": lambda ctx: {"resolution_pk": _demo(ctx, "resolution").pk},
    "scrutiny:topic_detail": lambda ctx: {"pk": _demo(ctx, "topic").pk},
    "scrutiny:report_detail": lambda ctx: {"pk": _report_run(ctx).pk},
    "scrutiny:report_download": lambda ctx: {"pk": _report_run(ctx).pk},
    "scrutiny:report_attach": lambda ctx: {"pk": _report_run(ctx).pk},
    "scrutiny:report_publish": lambda ctx: {"pk": _report_run(ctx).pk},
    "scrutiny:report_retry": lambda ctx: {"pk": _report_run(ctx).pk},
    "scrutiny:agenda_pack_list": lambda ctx: {"pk": _demo(ctx, "meeting").pk},
    "scrutiny:agenda_pack_export": lambda ctx: {"pk": _demo(ctx, "meeting").pk},
    "scrutiny:agenda_pack_download": lambda ctx: {"pk": _agenda_pack(ctx).pk},
    "scrutiny:membership_add": lambda ctx: {"committee_pk": _demo(ctx, "committee").pk},
    "scrutiny:membership_end": lambda ctx: {"pk": _demo(ctx, "membership").pk},
    "scrutiny:attendance_record": lambda ctx: {"pk": _demo(ctx, "meeting").pk},
    "scrutiny:other_attendee_add": lambda ctx: {"pk": _demo(ctx, "meeting").pk},
    "scrutiny:other_attendee_remove": lambda ctx: {"pk": _demo(ctx, "attendee").pk},
    "scrutiny:declaration_add": lambda ctx: {"pk": _demo(ctx, "meeting").pk},
    "scrutiny:declaration_remove": lambda ctx: {"pk": _demo(ctx, "declaration").pk},
    "scrutiny:agenda_item_remove": lambda ctx: {"pk": _demo(ctx, "agenda_item").pk},
    "scrutiny:item_minute_edit": lambda ctx: {"pk": _draft_minutes_item(ctx).pk},
    "scrutiny:question_add": lambda ctx: {"pk": _demo(ctx, "draft_minutes_meeting").pk},
    "scrutiny:question_edit": lambda ctx: {"pk": _demo(ctx, "question").pk},
    "scrutiny:minutes_approve": lambda ctx: {"pk": _demo(ctx, "approval_item").pk},
    "scrutiny:minutes_detail": lambda ctx: {"pk": _demo(ctx, "meeting").pk},
    "scrutiny:minutes_amend": lambda ctx: {"pk": _demo(ctx, "meeting").pk},
    "scrutiny:minutes_download": lambda ctx: {"pk": _demo(ctx, "meeting").pk},
    "scrutiny:minutes_exempt_download": lambda ctx: {"pk": _demo(ctx, "meeting").pk},
    "scrutiny:minutes_circulate": lambda ctx: {"pk": _demo(ctx, "draft_minutes_meeting").pk},
    "scrutiny:minutes_publish": lambda ctx: {"pk": _demo(ctx, "meeting").pk},
    "scrutiny:strategy_detail": lambda ctx: {"pk": _demo(ctx, "strategy").pk},
    "scrutiny:strategy_edit": lambda ctx: {"pk": _demo(ctx, "strategy").pk},
    "scrutiny:theme_create": lambda ctx: {"strategy_pk": _demo(ctx, "strategy").pk},
    "scrutiny:theme_edit": lambda ctx: {"pk": _demo(ctx, "commitment").theme_id},
    "scrutiny:commitment_create": lambda ctx: {"theme_pk": _demo(ctx, "commitment").theme_id},
    "scrutiny:commitment_detail": lambda ctx: {"pk": _demo(ctx, "commitment").pk},
    "scrutiny:commitment_edit": lambda ctx: {"pk": _demo(ctx, "commitment").pk},
    "scrutiny:milestone_create": lambda ctx: {"commitment_pk": _demo(ctx, "commitment").pk},
    "scrutiny:review_detail": lambda ctx: {"pk": _demo(ctx, "review").pk},
    "scrutiny:review_edit": lambda ctx: {"pk": _demo(ctx, "review").pk},
    "scrutiny:recommendation_create": lambda ctx: {"review_pk": _demo(ctx, "review").pk},
}


def _draft_minutes_item(ctx):
    """A report on the agenda of the meeting whose minutes are a draft sent for approval."""
    return _demo(ctx, "draft_minutes_meeting").agenda_items.filter(kind="report").first()


def _report_run(ctx):
    """A ready report published to the demo committee (made once per demo data set)."""
    from tests.factories import ReportRunFactory

    if "report_run" not in ctx.extra:
        ctx.extra["report_run"] = ReportRunFactory(
            ready=True,
            published=True,
            committee=_demo(ctx, "committee"),
            requested_by=ctx.users["performance"],
        )
    return ctx.extra["report_run"]


def _agenda_pack(ctx):
    """A ready public agenda pack of the demo meeting."""
    from tests.factories import AgendaPackFactory

    if "agenda_pack" not in ctx.extra:
        ctx.extra["agenda_pack"] = AgendaPackFactory(
            ready=True, meeting=_demo(ctx, "meeting"), requested_by=ctx.users["clerk"]
        )
    return ctx.extra["agenda_pack"]
