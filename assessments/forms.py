"""Input validation for the assessment screens; writes go through ``assessments.services``."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models import EvaluationTemplate, Evidence
from assessments.scoring import Breakdown
from assessments.validators import validate_evidence_file
from projects.models import Contract, Organisation
from stations.models import Station


class DateInput(forms.DateInput):
    input_type = "date"


class EvaluationCreateForm(forms.Form):
    template = forms.ModelChoiceField(label=_("评估模板"), queryset=EvaluationTemplate.objects.none())
    contract = forms.ModelChoiceField(label=_("合同"), queryset=Contract.objects.none(), required=False,
                                      help_text=_("中期、终期、年度评估须选择合同。"))
    station = forms.ModelChoiceField(label=_("社工站"), queryset=Station.objects.none(), required=False,
                                     help_text=_("站点验收须选择社工站。"))
    period_start = forms.DateField(label=_("评估期起"), widget=DateInput)
    period_end = forms.DateField(label=_("评估期止"), widget=DateInput)
    evaluator = forms.ModelChoiceField(label=_("评估机构"), queryset=Organisation.objects.none(), required=False,
                                       help_text=_("留空则由本单位自行评分。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = EvaluationTemplate.objects.visible_to(user).published().select_related(
            "province")
        self.fields["contract"].queryset = Contract.objects.visible_to(user).order_by("-starts_on", "number")
        self.fields["station"].queryset = Station.objects.visible_to(user).select_related("region").order_by(
            "region__code", "name")
        # Evaluating organisations: those with evaluator logins, or registered in the user's region.
        self.fields["evaluator"].queryset = Organisation.objects.filter(
            Q(members__isnull=False) | Q(pk__in=Organisation.objects.visible_to(user).values("pk"))
        ).distinct().order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("contract") and data.get("station"):
            raise forms.ValidationError(_("合同与社工站只能选择其一。"))
        if not data.get("contract") and not data.get("station"):
            raise forms.ValidationError(_("请选择被评估的合同或社工站。"))
        return data


class ScoreForm(forms.Form):
    """One score and one comment field per indicator, plus the overall comments."""

    comments = forms.CharField(label=_("总体评价"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    # The evaluation's state when the form was opened: a save over someone else's later save is refused.
    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, breakdown: Breakdown, **kwargs):
        super().__init__(*args, **kwargs)
        self.breakdown = breakdown
        for dimension in breakdown.dimensions:
            for indicator in dimension.indicators:
                self.fields[f"score_{indicator.pk}"] = forms.DecimalField(
                    label=indicator.name, required=False, min_value=0, max_value=indicator.max_score,
                    max_digits=6, decimal_places=2, initial=indicator.score,
                    widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": str(indicator.max_score)}),
                    error_messages={
                        "max_value": _("“%(name)s”得分不能超过满分 %(max)s。") % {
                            "name": indicator.name, "max": indicator.max_score},
                        "min_value": _("“%(name)s”得分不能为负数。") % {"name": indicator.name},
                    },
                )
                comment_label = _("%(name)s 评分说明") % {"name": indicator.name}
                self.fields[f"comment_{indicator.pk}"] = forms.CharField(
                    label=comment_label, required=False, max_length=500, initial=indicator.comment,
                    widget=forms.TextInput(attrs={"aria-label": comment_label}))  # a table cell, no <label>

    def grouped(self):
        """[(dimension, [(indicator, score field, comment field)])] for the template."""
        return [(d, [(i, self[f"score_{i.pk}"], self[f"comment_{i.pk}"]) for i in d.indicators])
                for d in self.breakdown.dimensions]

    def scores(self) -> dict:
        return {i.pk: (self.cleaned_data.get(f"score_{i.pk}"), self.cleaned_data.get(f"comment_{i.pk}", ""))
                for d in self.breakdown.dimensions for i in d.indicators}


class EvidenceForm(forms.ModelForm):
    class Meta:
        model = Evidence
        fields = ["file", "title"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_evidence_file(upload)
        return upload


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=300)


class ResultsFilterForm(forms.Form):
    region = forms.CharField(label=_("区划代码"), required=False)
    kind = forms.ChoiceField(label=_("评估类型"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        from assessments.models import EvaluationKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部类型")), *EvaluationKind.choices]
