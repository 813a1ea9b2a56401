from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pmqa_site.admin_mixins import ReadOnlyAdminMixin

from .catalogue_cache import catalogue_touch
from .models import (
    AnswerField,
    Catalogue,
    Category,
    ChecklistItem,
    EvidenceKind,
    ResultDimension,
    ReviewEvent,
    SubItem,
    SubItemReport,
    YearEvent,
)
from .selectors import previous_catalogue
from .services.reports import reports_resummarise
from .services.years import mapping_set


class CatalogueChangeMixin:
    """Any change to a catalogue's parts marks the catalogue changed, so that every process
    reads it again (assessments.catalogue_cache) instead of showing the old text."""

    def _changed(self, catalogue_id):
        catalogue_touch(catalogue_id=catalogue_id)
        # Items or required fields may have changed what the listing pages count.
        reports_resummarise(catalogue=Catalogue.objects.get(pk=catalogue_id))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._changed(obj.catalogue_id)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._changed(form.instance.catalogue_id)

    def delete_model(self, request, obj):
        catalogue_id = obj.catalogue_id
        super().delete_model(request, obj)
        self._changed(catalogue_id)


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ("level", "order", "text")


class MappingForm(forms.ModelForm):
    """The catalogue mapping by hand: `previous` offers only last year's sub-items or items."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        catalogue = getattr(instance, "catalogue", None) or getattr(
            getattr(instance, "subitem", None), "catalogue", None
        )
        last = previous_catalogue(catalogue=catalogue) if catalogue is not None else None
        if "previous" in self.fields:
            queryset = self.fields["previous"].queryset
            if last is None:
                self.fields["previous"].queryset = queryset.none()
            elif self._meta.model is SubItem:
                self.fields["previous"].queryset = queryset.filter(catalogue=last)
            else:
                self.fields["previous"].queryset = queryset.filter(subitem__catalogue=last).select_related("subitem")


class MappingSaveMixin:
    """A change of `previous` is the admin's mapping by hand: saved through mapping_set (which
    marks it as mapped by hand, so a later automatic mapping keeps it, and records it)."""

    def save_model(self, request, obj, form, change):
        previous_changed = change and "previous" in form.changed_data
        previous = obj.previous
        super().save_model(request, obj, form, change)
        if previous_changed:
            mapping_set(user=request.user, item=obj, previous=previous)


@admin.register(ChecklistItem)
class ChecklistItemAdmin(MappingSaveMixin, admin.ModelAdmin):
    """Checklist items, and their mapping to last year's (year after year)."""

    form = MappingForm
    list_display = ("__str__", "text", "previous", "mapped_by_hand")
    list_filter = ("subitem__catalogue__fiscal_year", "mapped_by_hand", "level")
    list_select_related = ("subitem", "previous__subitem")
    fields = ("subitem", "level", "order", "text", "previous", "mapped_by_hand")
    readonly_fields = ("subitem", "level", "order", "text", "mapped_by_hand")
    search_fields = ("text", "subitem__number")

    def has_add_permission(self, request):
        return False


@admin.register(YearEvent)
class YearEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: year openings, mappings by hand and carries forward."""

    list_display = ("at", "kind", "fiscal_year", "from_year", "office", "actor", "note")
    list_filter = ("kind", "fiscal_year")
    list_select_related = ("office", "actor")


@admin.register(Catalogue)
class CatalogueAdmin(admin.ModelAdmin):
    list_display = ("fiscal_year", "title", "loaded_at")


@admin.register(Category)
class CategoryAdmin(CatalogueChangeMixin, admin.ModelAdmin):
    list_display = ("catalogue", "number", "title")
    list_filter = ("catalogue",)


@admin.register(SubItem)
class SubItemAdmin(MappingSaveMixin, CatalogueChangeMixin, admin.ModelAdmin):
    form = MappingForm
    list_display = ("number", "title", "catalogue", "reportable")
    list_filter = ("catalogue", "reportable", "category__number")
    inlines = [ChecklistItemInline]


@admin.register(AnswerField)
class AnswerFieldAdmin(CatalogueChangeMixin, admin.ModelAdmin):
    """The ten fields of the answer summary: admins edit titles, help and order here."""

    list_display = ("order", "title", "required", "catalogue")
    list_editable = ("title", "required")
    list_filter = ("catalogue",)


@admin.register(EvidenceKind)
class EvidenceKindAdmin(CatalogueChangeMixin, admin.ModelAdmin):
    list_display = ("order", "code", "title", "catalogue")
    list_filter = ("catalogue",)


@admin.register(ResultDimension)
class ResultDimensionAdmin(CatalogueChangeMixin, admin.ModelAdmin):
    list_display = ("code", "title", "catalogue")


@admin.register(SubItemReport)
class SubItemReportAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: offices change reports through the product, reviewers through review pages."""

    list_display = ("assessment", "subitem", "state", "version", "updated_at")
    list_filter = ("state", "assessment__catalogue", "subitem__category__number")
    search_fields = ("assessment__office__code", "assessment__office__name")
    list_select_related = ("assessment__office", "assessment__catalogue", "subitem")


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: nobody edits or deletes history."""

    list_display = ("at", "report", "from_state", "to_state", "actor")
    list_select_related = ("report__assessment__office", "report__subitem", "actor")
