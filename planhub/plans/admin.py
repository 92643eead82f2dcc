from django.contrib import admin

from .models import Plan, PlanTemplate, Section, SectionRevision


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
    list_display = ["heading", "plan", "level", "position", "version", "updated_at"]
    list_filter = ["level"]
    search_fields = ["heading", "plan__title"]
    raw_id_fields = ["plan", "updated_by"]


@admin.register(SectionRevision)
class SectionRevisionAdmin(admin.ModelAdmin):
    list_display = ["section", "version", "author", "created_at"]
    raw_id_fields = ["section", "author"]
    search_fields = ["heading"]
