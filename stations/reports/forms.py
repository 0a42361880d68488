"""Input validation for monthly reports; the rules themselves live on the models."""

from __future__ import annotations

import functools

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from stations.models import LINE_COUNT_FIELDS, MonthlyReport, MonthlyReportLine, ServiceDomain, TargetGroup
from stations.reports.services import REPORT_FIELDS


def _localize_fields(form: forms.Form) -> None:
    """Labels, choices and error messages in the user's language, as plain text; the messages say
    which field is wrong, in Chinese, even when shown away from the field."""
    for name, texts in _field_texts(type(form), get_language()).items():
        field = form.fields[name]
        field.label = texts["label"]
        field.error_messages.update(texts["error_messages"])
        if "choices" in texts:
            field.choices = texts["choices"]


@functools.cache
def _field_texts(form_class: type[forms.Form], language: str) -> dict[str, dict]:
    """What :func:`_localize_fields` sets on each of a form's fields, translated once per form and
    language: the line formset builds a form per row, each with nine fields whose labels and
    choices would otherwise be translated again wherever the page shows them."""
    texts = {}
    for name, field in form_class.base_fields.items():
        label = str(field.label or name)
        texts[name] = {"label": str(field.label) if field.label is not None else None, "error_messages": {
            "min_value": _("“%(label)s”不能为负数。") % {"label": label},
            "required": _("请填写“%(label)s”。") % {"label": label},
            "invalid": _("“%(label)s”须填写数字。") % {"label": label},
            "max_decimal_places": _("“%(label)s”最多保留 %%(max)s 位小数。") % {"label": label},
            "max_digits": _("“%(label)s”数值过大。") % {"label": label},
            "max_whole_digits": _("“%(label)s”数值过大。") % {"label": label},
        }}
        if isinstance(field, forms.ChoiceField):
            texts[name]["choices"] = [(value, str(text)) for value, text in field.choices]
    return texts


class SavedFiguresForm(forms.ModelForm):
    """A form over saved figures (its ``initial``): the model's checks, its constraints a query each,
    run on the fields the user changed; the others hold the saved values, checked when they were
    saved. Every field still passes its form field's checks, and the model's ``clean()`` runs."""

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.initial:
            exclude.update(name for name in self.fields if name not in self.changed_data)
        return exclude


class MonthlyReportForm(SavedFiguresForm):
    """The station-wide figures; ``{{ form }}`` shows the visible fields, the page places ``version``."""

    template_name = "stations/report_fields.html"
    wide_fields = ("charity_in_kind", "highlights", "problems", "next_plan")  # a full row each
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = MonthlyReport
        fields = REPORT_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in
                   ("charity_in_kind", "highlights", "problems", "next_plan")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _localize_fields(self)
        for name in ("volunteers", "organisations_incubated", "needs_records", "resource_entries"):
            self.fields[name].widget.attrs["min"] = 0
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version


class LineSelect(forms.Select):
    """Django's select, its options written in one template with it (not a template each)."""

    template_name = "stations/widgets/select.html"


class ReportLineForm(SavedFiguresForm):
    """One service line; ``{{ form }}`` is its row of the lines table."""

    template_name = "stations/report_line_row.html"

    class Meta:
        model = MonthlyReportLine
        fields = ("domain", "target_group", *LINE_COUNT_FIELDS)
        widgets = {"domain": LineSelect, "target_group": LineSelect,
                   **{name: forms.NumberInput(attrs={"min": 0, "class": "count"}) for name in LINE_COUNT_FIELDS}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _localize_fields(self)
        for name in LINE_COUNT_FIELDS:
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in LINE_COUNT_FIELDS:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = 0
        return cleaned


class BaseReportLineFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Each field sits in a table cell under its column's heading, without a <label> of its own.
        for field in form.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)

    def clean(self):
        if any(self.errors):
            return
        seen = {}
        for index, form in enumerate(self.forms, 1):
            if not form.has_changed() or self._should_delete_form(form):
                continue
            key = (form.cleaned_data["domain"], form.cleaned_data["target_group"])
            if key in seen:
                raise ValidationError(_("第 %(a)s 行和第 %(b)s 行都是“%(domain)s · %(group)s”，请合并为一行。") % {
                    "a": seen[key], "b": index, "domain": ServiceDomain(key[0]).label,
                    "group": TargetGroup(key[1]).label})
            seen[key] = index

    def lines(self) -> list[dict]:
        """The rows to keep, as plain values for the service."""
        return [
            {name: form.cleaned_data[name] for name in ("domain", "target_group", *LINE_COUNT_FIELDS)}
            for form in self.forms
            if not self._should_delete_form(form) and (form in self.initial_forms or form.has_changed())
        ]


ReportLineFormSet = forms.formset_factory(ReportLineForm, formset=BaseReportLineFormSet, extra=3, can_delete=True)


def line_formset(*, report: MonthlyReport, data=None) -> BaseReportLineFormSet:
    # In the lines' own order: their default ordering goes through the report, its station and region.
    initial = list(report.lines.order_by("domain", "target_group").values("domain", "target_group", *LINE_COUNT_FIELDS))
    return ReportLineFormSet(data=data, initial=initial, prefix="lines")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("请填写原因。")
