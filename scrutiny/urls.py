from django.urls import path

from . import views, views_dashboard, views_reports

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
    # Topics followed across meetings.
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/add/", views.topic_create, name="topic_create"),
    path("topics/<int:pk>/", views.topic_detail, name="topic_detail"),
    # The committee dashboard and its per-panel CSV downloads.
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/export.csv", views_dashboard.dashboard_export, name="dashboard_export"),
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
