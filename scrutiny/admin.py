"""Read-only admin pages for scrutiny data.

Every change goes through the app's pages and services, which check the rules and write the
audit log, so the admin only shows the rows (for support and checking).
"""

from django.contrib import admin

from partnership.constants import Role

from .models import (
    Action,
    ActionUpdate,
    AdvanceQuestion,
    AgendaDocument,
    AgendaItem,
    AgendaPack,
    Commitment,
    Committee,
    CommitteeMembership,
    Declaration,
    Meeting,
    MemberAttendance,
    Minutes,
    MinutesAmendment,
    ReminderSent,
    ReportRun,
    Resolution,
    Review,
    Strategy,
    Theme,
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
    list_display = ["meeting", "number", "kind", "title", "purpose", "exempt"]
    list_filter = ["meeting__committee", "kind", "purpose", "exempt"]
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
    list_display = ["reference", "source", "owner", "due_date", "priority", "status"]
    list_filter = ["source", "priority", "status"]
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


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(ReadOnlyAdmin):
    list_display = ["committee", "member", "role", "start_date", "end_date"]
    list_filter = ["committee", "role"]


@admin.register(MemberAttendance)
class MemberAttendanceAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "member", "status", "substitute"]


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ["agenda_item", "member", "kind", "left_room"]


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "status", "approved_on", "published_at"]
    list_filter = ["status"]
    # No link to the files: minutes are served only through the permission-checked views.
    exclude = ["public_pdf", "exempt_pdf"]


@admin.register(MinutesAmendment)
class MinutesAmendmentAdmin(ReadOnlyAdmin):
    list_display = ["minutes", "kind", "recorded_by", "recorded_at"]


@admin.register(AdvanceQuestion)
class AdvanceQuestionAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "position", "asked_by"]


@admin.register(Strategy)
class StrategyAdmin(ReadOnlyAdmin):
    list_display = ["title", "start_year", "end_year"]


@admin.register(Theme)
class ThemeAdmin(ReadOnlyAdmin):
    list_display = ["strategy", "position", "title"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["theme", "position", "title", "lead_organisation", "measure"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "area", "status", "commissioned_on"]
    list_filter = ["kind", "status"]
