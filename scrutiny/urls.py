from django.urls import path

from . import views, views_dashboard, views_meetings, views_plans, views_reports

app_name = "scrutiny"

urlpatterns = [
    # The action tracker and each owner's actions.
    path("actions/", views.action_list, name="action_list"),
    path("actions/export.csv", views.action_export, name="action_export"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/update/", views.action_update_add, name="action_update_add"),
    path("actions/<int:pk>/complete/", views.action_complete, name="action_complete"),
    path("actions/<int:pk>/close/", views.action_close, name="action_close"),
    path("actions/<int:pk>/evidence/", views.action_evidence, name="action_evidence"),
    path("actions/add/", views.action_create_other, name="action_create_other"),
    # Committees, meetings and their papers.
    path("committees/", views.committee_list, name="committee_list"),
    path("committees/add/", views.committee_create, name="committee_create"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/edit/", views.committee_edit, name="committee_edit"),
    path(
        "committees/<int:committee_pk>/meetings/add/",
        views.meeting_create,
        name="meeting_create",
    ),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(
        "meetings/<int:meeting_pk>/items/add/",
        views.agenda_item_create,
        name="agenda_item_create",
    ),
    path("items/<int:pk>/", views.agenda_item_detail, name="agenda_item_detail"),
    path("items/<int:pk>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("items/<int:pk>/move/", views.agenda_item_move, name="agenda_item_move"),
    path(
        "items/<int:item_pk>/documents/add/",
        views.agenda_document_add,
        name="agenda_document_add",
    ),
    path("documents/<int:pk>/", views.agenda_document_download, name="agenda_document_download"),
    path("documents/<int:pk>/delete/", views.agenda_document_delete, name="agenda_document_delete"),
    path(
        "items/<int:item_pk>/resolutions/add/",
        views.resolution_create,
        name="resolution_create",
    ),
    path("resolutions/<int:pk>/edit/", views.resolution_edit, name="resolution_edit"),
    path(
        "resolutions/<int:resolution_pk>/actions/add/",
        views.action_create,
        name="action_create",
    ),
    # The meeting cycle: membership, attendance, declarations, minutes.
    path(
        "committees/<int:committee_pk>/members/add/",
        views_meetings.membership_add,
        name="membership_add",
    ),
    path("memberships/<int:pk>/end/", views_meetings.membership_end, name="membership_end"),
    path(
        "meetings/<int:pk>/attendance/",
        views_meetings.attendance_record,
        name="attendance_record",
    ),
    path(
        "meetings/<int:pk>/attendees/add/",
        views_meetings.other_attendee_add,
        name="other_attendee_add",
    ),
    path(
        "attendees/<int:pk>/remove/",
        views_meetings.other_attendee_remove,
        name="other_attendee_remove",
    ),
    path(
        "meetings/<int:pk>/declarations/add/",
        views_meetings.declaration_add,
        name="declaration_add",
    ),
    path(
        "declarations/<int:pk>/remove/",
        views_meetings.declaration_remove,
        name="declaration_remove",
    ),
    path("items/<int:pk>/remove/", views_meetings.agenda_item_remove, name="agenda_item_remove"),
    path("items/<int:pk>/minute/", views_meetings.item_minute_edit, name="item_minute_edit"),
    path(
        "items/<int:pk>/approve-minutes/",
        views_meetings.minutes_approve,
        name="minutes_approve",
    ),
    path("meetings/<int:pk>/questions/add/", views_meetings.question_add, name="question_add"),
    path("questions/<int:pk>/edit/", views_meetings.question_edit, name="question_edit"),
    path("meetings/<int:pk>/minutes/", views_meetings.minutes_detail, name="minutes_detail"),
    path(
        "meetings/<int:pk>/minutes/circulate/",
        views_meetings.minutes_circulate,
        name="minutes_circulate",
    ),
    path("meetings/<int:pk>/minutes/amend/", views_meetings.minutes_amend, name="minutes_amend"),
    path(
        "meetings/<int:pk>/minutes/publish/",
        views_meetings.minutes_publish,
        name="minutes_publish",
    ),
    path(
        "meetings/<int:pk>/minutes/minutes.pdf",
        views_meetings.minutes_download,
        name="minutes_download",
    ),
    path(
        "meetings/<int:pk>/minutes/exempt-items.pdf",
        views_meetings.minutes_exempt_download,
        name="minutes_exempt_download",
    ),
    # The strategy and delivery plan.
    path("plans/", views_plans.strategy_list, name="strategy_list"),
    path("plans/add/", views_plans.strategy_create, name="strategy_create"),
    path("plans/<int:pk>/", views_plans.strategy_detail, name="strategy_detail"),
    path("plans/<int:pk>/edit/", views_plans.strategy_edit, name="strategy_edit"),
    path("plans/<int:strategy_pk>/themes/add/", views_plans.theme_create, name="theme_create"),
    path("themes/<int:pk>/edit/", views_plans.theme_edit, name="theme_edit"),
    path(
        "themes/<int:theme_pk>/commitments/add/",
        views_plans.commitment_create,
        name="commitment_create",
    ),
    path("commitments/<int:pk>/", views_plans.commitment_detail, name="commitment_detail"),
    path("commitments/<int:pk>/edit/", views_plans.commitment_edit, name="commitment_edit"),
    path(
        "commitments/<int:commitment_pk>/milestones/add/",
        views_plans.milestone_create,
        name="milestone_create",
    ),
    # Domestic homicide and related death reviews.
    path("reviews/", views_plans.review_list, name="review_list"),
    path("reviews/summary/", views_plans.review_summary_page, name="review_summary"),
    path("reviews/add/", views_plans.review_create, name="review_create"),
    path("reviews/<int:pk>/", views_plans.review_detail, name="review_detail"),
    path("reviews/<int:pk>/edit/", views_plans.review_edit, name="review_edit"),
    path(
        "reviews/<int:review_pk>/recommendations/add/",
        views_plans.recommendation_create,
        name="recommendation_create",
    ),
    # Topics followed across meetings.
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/add/", views.topic_create, name="topic_create"),
    path("topics/<int:pk>/", views.topic_detail, name="topic_detail"),
    # The committee dashboard, its per-panel CSV downloads and one CSV of every panel.
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/export.csv", views_dashboard.dashboard_export, name="dashboard_export"),
    path(
        "dashboard/export-all.csv",
        views_dashboard.dashboard_export_all,
        name="dashboard_export_all",
    ),
    # Quarterly performance reports and agenda packs.
    path("reports/", views_reports.report_list, name="report_list"),
    path("reports/request/", views_reports.report_request, name="report_request"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/download/", views_reports.report_download, name="report_download"),
    path("reports/<int:pk>/publish/", views_reports.report_publish, name="report_publish"),
    path("reports/<int:pk>/retry/", views_reports.report_retry, name="report_retry"),
    path("reports/<int:pk>/attach/", views_reports.report_attach, name="report_attach"),
    path("meetings/<int:pk>/packs/", views_reports.agenda_pack_list, name="agenda_pack_list"),
    path(
        "meetings/<int:pk>/packs/export/",
        views_reports.agenda_pack_export,
        name="agenda_pack_export",
    ),
    path(
        "packs/<int:pk>/download/",
        views_reports.agenda_pack_download,
        name="agenda_pack_download",
    ),
]
