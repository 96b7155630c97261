"""Read-only admin pages. Changes go through the commissioning pages, which audit every one."""

from django.contrib import admin

from .models import (
    CaseworkerCapacity,
    CommissionedService,
    Contract,
    ContractExtension,
    ContractYear,
    FundingContribution,
    FundingStream,
    GrantAllocation,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CapacityInline(ReadOnlyInline):
    model = CaseworkerCapacity


@admin.register(CommissionedService)
class CommissionedServiceAdmin(ReadOnlyAdmin):
    list_display = ["name", "provider", "service_type", "client_group", "is_active"]
    list_filter = ["service_type", "client_group", "is_active"]
    search_fields = ["name", "provider__name"]
    inlines = [CapacityInline]


class ExtensionInline(ReadOnlyInline):
    model = ContractExtension


class ContractYearInline(ReadOnlyInline):
    model = ContractYear


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "provider", "lead_commissioner", "start_date", "end_date"]
    search_fields = ["reference", "title"]
    inlines = [ExtensionInline, ContractYearInline]


class ContributionInline(ReadOnlyInline):
    model = FundingContribution


@admin.register(ContractYear)
class ContractYearAdmin(ReadOnlyAdmin):
    list_display = ["contract", "financial_year", "annual_value_pence"]
    list_filter = ["financial_year"]
    inlines = [ContributionInline]


class AllocationInline(ReadOnlyInline):
    model = GrantAllocation


@admin.register(FundingStream)
class FundingStreamAdmin(ReadOnlyAdmin):
    list_display = ["name", "funder", "financial_year", "total_pence"]
    list_filter = ["financial_year"]
    inlines = [AllocationInline]
