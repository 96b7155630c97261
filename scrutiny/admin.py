"""Read-only admin pages for scrutiny data.

Every change goes through the app's pages and services, which check the rules and write the
audit log, so the admin only shows the rows (for support and checking).
"""

from django.contrib import admin

from partnership.constants import Role

from .models import (
    Action,
    ActionUpdate,
    AgendaDocument,
    AgendaItem,
    AgendaPack,
    Committee,
    Meeting,
    ReminderSent,
    ReportRun,
    Resolution,
    Topic,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    # Viewing follows the admin role (as the admin site itself does), not model permissions.
    def has_module_permission(self, request):
        return request.user.has_role(Role.ADMIN)

    def has_view_permission(self, request, obj=None):
        return request.user.has_role(Role.ADMIN)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Committee)
class CommitteeAdmin(ReadOnlyAdmin):
    list_display = ["name", "clerk"]
    search_fields = ["name"]


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["committee", "date", "start_time", "venue", "status"]
    list_filter = ["committee", "status"]
    date_hierarchy = "date"


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "number", "title", "purpose", "exempt"]
    list_filter = ["meeting__committee", "purpose", "exempt"]
    search_fields = ["title"]


@admin.register(AgendaDocument)
class AgendaDocumentAdmin(ReadOnlyAdmin):
    list_display = ["agenda_item", "title", "original_name", "uploaded_at"]
    # No link to the file: documents are served only through the permission-checked view.
    exclude = ["file"]


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyAdmin):
    list_display = ["agenda_item", "label", "text"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["reference", "owner", "due_date", "status"]
    list_filter = ["status"]
    search_fields = ["reference", "description"]
    exclude = ["evidence_file"]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(ReadOnlyAdmin):
    list_display = ["action", "written_at", "author"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["kind", "recipient", "action", "sent_on"]
    list_filter = ["kind", "sent_on"]


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = ["quarter", "committee", "status", "requested_by", "created_at", "published"]
    list_filter = ["status", "published", "committee"]


@admin.register(AgendaPack)
class AgendaPackAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "restricted", "status", "requested_by", "created_at"]
    list_filter = ["status", "restricted"]
