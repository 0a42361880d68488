"""Input validation for the station registry screens."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stations.forms.region_picker import PICKER_FIELDS, RegionPickerMixin
from stations.models import STATION_KIND_LEVEL, Station, StationStatus


def date_input() -> forms.DateInput:
    """A browser date picker; its value must be ISO (2026-12-02), whatever the language's date format."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StationForm(RegionPickerMixin, forms.ModelForm):
    """A station's registry fields; its place is picked from the user's own county, township and
    (for a village room) village (:mod:`stations.forms.region_picker`)."""

    class Meta:
        model = Station
        fields = ("name", "kind", "address", "site_area_m2", "co_location", "opened_on", "contact_name",
                  "contact_phone")
        widgets = {"opened_on": date_input(), "kind": forms.Select(attrs={"data-picker": "kind"})}

    field_order = ("kind", "county", "township", "village", "name")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        station = self.instance if self.instance.pk else None
        self.setup_picker(user=user, region=station.region if station else None, station=station)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            cleaned["region"] = self.picked_region(kind)
        return cleaned

    def station_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["region"] = self.cleaned_data["region"]
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
        field = key
        if key == "region" and form.cleaned_data.get("kind"):
            field = PICKER_FIELDS[STATION_KIND_LEVEL[form.cleaned_data["kind"]]]
        form.add_error(field if field in form.fields else None, messages)


class StationCreateForm(StationForm):
    initial_status = forms.ChoiceField(label=gettext_lazy("初始状态"), choices=StationStatus.choices,
                                       initial=StationStatus.PLANNED)
    status_effective_on = forms.DateField(label=gettext_lazy("状态生效日期"), initial=timezone.localdate,
                                          widget=date_input())


class StationStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("新状态"), choices=StationStatus.choices)
    effective_on = forms.DateField(label=gettext_lazy("生效日期"), initial=timezone.localdate,
                                   widget=date_input())
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
                                   widget=date_input())
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
                                 widget=date_input())
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
