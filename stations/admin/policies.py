"""Policy documents and the rules they set, kept by provincial officials for their province and
below. A rule's key is chosen from the catalogue; its value is typed in a natural form and checked
by the catalogue exactly as a pack's is (``stations.admin.rule_values``)."""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin, ServiceWritesAdminMixin
from core.scope import scope_of
from stations import services
from stations.admin.filters import region_filter
from stations.admin.rule_values import text_from_value, value_from_text
from stations.models import PolicyDocument, PolicyRule, RegionLevel
from stations.rules import rule_choices, rule_spec

DOCUMENT_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


def editable_documents(request, queryset=None):
    """The documents the user may keep: those of their region and below (the documents of the
    regions above theirs, which they read, are not theirs to change)."""
    queryset = (queryset if queryset is not None else PolicyDocument.objects.all()).visible_to(request.user)
    scope = scope_of(request.user)
    if scope.everything:
        return queryset
    return queryset.filter(region__code__startswith=scope.prefix) if scope.prefix else queryset.none()


class DocumentChoicesMixin:
    """A ``document`` field offering only the documents the user may keep (at ``document_levels``)."""

    document_levels: tuple = DOCUMENT_LEVELS

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "document" and field is not None:
            field.queryset = editable_documents(request, field.queryset).filter(
                region__level__in=self.document_levels).select_related("region")
            field.label_from_instance = lambda document: f"{document.citation_title} · {document.region}"
        return field


class PolicyRuleForm(forms.ModelForm):
    key = forms.ChoiceField(label=gettext_lazy("规则"), choices=lambda: [("", "---------"), *rule_choices()])
    value = forms.CharField(
        label=gettext_lazy("规定值"), max_length=500,
        help_text=gettext_lazy("数字写作 60 或 5；多个取值用逗号分隔，如 degree,certificate；付款分期写作 "
                               "effective:50,midterm_passed:30,final_passed:20。"))

    class Meta:
        model = PolicyRule
        fields = ("key", "value", "clause", "quote")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["value"] = text_from_value(rule_spec(self.instance.key), self.instance.value)

    def clean_value(self):
        """The typed text in a pack's shape; ``PolicyRule.clean`` checks it against the catalogue."""
        spec = rule_spec(self.cleaned_data.get("key", ""))
        return value_from_text(spec, self.cleaned_data["value"]) if spec else self.cleaned_data["value"]


class PolicyRuleFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """A key twice in one document: the pack loader's words, on the second row (checked before the
        formset's own uniqueness check, which then skips the row)."""
        seen = set()
        for form in self.forms:
            key = getattr(form, "cleaned_data", {}).get("key")
            if not key or form.cleaned_data.get("DELETE"):
                continue
            if key in seen:
                form.add_error("key", _("规则“%(key)s”重复。") % {"key": key})
            seen.add(key)
        super().clean()


class PolicyRuleInline(admin.TabularInline):
    model = PolicyRule
    form = PolicyRuleForm
    formset = PolicyRuleFormSet
    extra = 1
    fields = ("key", "value", "clause", "quote")


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(ScopedAdminMixin, ServiceWritesAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "number", "issuer", "region", "effective_from", "repealed_on", "key")
    list_filter = (region_filter("region__code", title=gettext_lazy("适用区划")),)
    search_fields = ("title", "number", "issuer", "key", "region__name")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    date_hierarchy = "effective_from"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("key", "title", "issuer", "number", "issued_on", "effective_from", "effective_note", "repealed_on",
              "region", "url", "note")
    inlines = (PolicyRuleInline,)

    def get_queryset(self, request):
        return editable_documents(request, super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        services.policy_document_save(actor=request.user, document=obj)

    def save_formset(self, request, form, formset, change):
        rules = formset.save(commit=False)  # this also fills ``deleted_objects``
        for rule in formset.deleted_objects:
            services.policy_rule_delete(actor=request.user, rule=rule)
        for rule in rules:
            services.policy_rule_save(actor=request.user, rule=rule)
        formset.save_m2m()
