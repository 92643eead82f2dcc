from django.contrib import admin

from .models import Plan, PlanTemplate, Section, SectionRevision, SignOffSlot, StructureChange


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "project", "created_at"]
    list_filter = ["project"]
    search_fields = ["name", "slug"]


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["position", "level", "heading", "version"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "template", "created_by", "updated_at"]
    list_filter = ["project", "template"]
    search_fields = ["title"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["heading", "plan", "level", "position", "version", "updated_at", "deleted_at"]
    list_filter = ["level", ("deleted_at", admin.EmptyFieldListFilter)]

    def get_queryset(self, request):
        return Section.all_objects.select_related("plan")

    search_fields = ["heading", "plan__title"]
    raw_id_fields = ["plan", "updated_by"]


@admin.register(SectionRevision)
class SectionRevisionAdmin(admin.ModelAdmin):
    list_display = ["section", "version", "author", "created_at"]
    raw_id_fields = ["section", "author"]
    search_fields = ["heading"]


@admin.register(StructureChange)
class StructureChangeAdmin(admin.ModelAdmin):
    list_display = ["plan", "section", "action", "author", "created_at"]
    list_filter = ["action"]
    raw_id_fields = ["plan", "section", "author"]


@admin.register(SignOffSlot)
class SignOffSlotAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "position", "assignee", "assigned_at"]
    list_select_related = ["plan", "assignee"]
    search_fields = ["name", "plan__title"]
    raw_id_fields = ["plan", "assignee", "assigned_by"]
