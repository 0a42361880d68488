"""Input validation for the station registry screens."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stations.models import STATION_KIND_LEVEL, Region, Station, StationKind, StationStatus


class StationForm(forms.ModelForm):
    """A station's registry fields; the place is given by its official code and must be in scope."""

    region_code = forms.CharField(label=gettext_lazy("所在区划代码"), max_length=12,
                                  help_text=gettext_lazy("乡镇（街道）社工站填乡镇代码（9位或12位），社工室填村（社区）代码，指导中心填县代码。"))

    class Meta:
        model = Station
        fields = ("name", "kind", "address", "site_area_m2", "co_location", "opened_on", "contact_name",
                  "contact_phone")
        widgets = {"opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    field_order = ("region_code", "kind", "name")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["region_code"].initial = self.instance.region.code

    def clean_region_code(self):
        code = self.cleaned_data["region_code"].strip()
        region = Region.objects.visible_to(self.user).by_code_or_prefix(code).first()
        if region is None:
            raise forms.ValidationError(_("找不到区划代码“%(code)s”，或不在您的管辖范围内。") % {"code": code})
        return region

    def clean(self):
        cleaned = super().clean()
        region, kind = cleaned.get("region_code"), cleaned.get("kind")
        if region and kind and region.level != STATION_KIND_LEVEL[kind]:
            self.add_error("region_code", _("%(kind)s应设在%(level)s一级，“%(name)s”是%(actual)s。") % {
                "kind": StationKind(kind).label, "level": Region(level=STATION_KIND_LEVEL[kind]).get_level_display(),
                "name": region.name, "actual": region.get_level_display()})
        return cleaned

    def station_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["region"] = self.cleaned_data["region_code"]
        return data

    def _post_clean(self):
        """Model validation (level, one station per township and kind) runs in the service, whose
        errors the view puts back on the form (see :func:`add_service_errors`)."""


def add_service_errors(form, error) -> None:
    """Put a service's ValidationError on the form, on the matching field where there is one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        field = "region_code" if key == "region" else key
        form.add_error(field if field in form.fields else None, messages)


class StationCreateForm(StationForm):
    initial_status = forms.ChoiceField(label=gettext_lazy("初始状态"), choices=StationStatus.choices,
                                       initial=StationStatus.PLANNED)
    status_effective_on = forms.DateField(label=gettext_lazy("状态生效日期"), initial=timezone.localdate,
                                          widget=forms.DateInput(attrs={"type": "date"}))


class StationStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("新状态"), choices=StationStatus.choices)
    effective_on = forms.DateField(label=gettext_lazy("生效日期"), initial=timezone.localdate,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=200)

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.station = station

    def clean_effective_on(self):
        effective_on = self.cleaned_data["effective_on"]
        if effective_on > timezone.localdate():
            raise forms.ValidationError(_("生效日期不能晚于今天。"))
        return effective_on


class StatusCorrectionForm(forms.Form):
    """A status record's corrected status and date, with the reason (required)."""

    status = forms.ChoiceField(label=gettext_lazy("更正后状态"), choices=StationStatus.choices)
    effective_on = forms.DateField(label=gettext_lazy("更正后生效日期"),
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=gettext_lazy("更正原因"), max_length=200,
                             help_text=gettext_lazy("说明原记录错在哪里、依据是什么；原记录的内容会保留在修改记录中。"))

    def __init__(self, *args, change, **kwargs):
        kwargs["initial"] = {"status": change.status, "effective_on": change.effective_on, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.change = change

    def clean_effective_on(self):
        effective_on = self.cleaned_data["effective_on"]
        if effective_on > timezone.localdate():
            raise forms.ValidationError(_("生效日期不能晚于今天。"))
        return effective_on


class StatusVoidForm(forms.Form):
    """Voiding a status record: the reason (required)."""

    reason = forms.CharField(label=gettext_lazy("作废原因"), max_length=200,
                             help_text=gettext_lazy("作废后该记录仍保留并标明已作废，不再计入状态和覆盖率。"))

    def __init__(self, *args, change, **kwargs):
        super().__init__(*args, **kwargs)
        self.change = change


class AcceptanceCheckForm(forms.Form):
    """A dated check against the province's checklist: one tick per item that the data cannot decide."""

    checked_on = forms.DateField(label=gettext_lazy("验收日期"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=gettext_lazy("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # The checklist the page showed: a check posted for a date whose standard differs is refused.
    checklist = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, checks, **kwargs):
        super().__init__(*args, **kwargs)
        self.checks = checks
        for check in checks:
            if not check.from_data:
                self.fields[f"item_{check.item.pk}"] = forms.BooleanField(
                    label=check.item.title, required=False, help_text=check.item.requirement)

    def clean_checked_on(self):
        checked_on = self.cleaned_data["checked_on"]
        if checked_on > timezone.localdate():
            raise forms.ValidationError(_("验收日期不能晚于今天。"))
        return checked_on

    def ticks(self) -> dict[int, bool]:
        return {check.item.pk: bool(self.cleaned_data.get(f"item_{check.item.pk}")) for check in self.checks
                if not check.from_data}

    def rows(self):
        """(check, its tick box or None when the data decides) for each item, in order."""
        return [(check, None if check.from_data else self[f"item_{check.item.pk}"]) for check in self.checks]
