"""Input validation for the workforce screens; the services do the writing."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import Organisation
from workforce import selectors
from workforce.models import Certificate, Employment, EmploymentRole, Person, TrainingRecord

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Chinese labels end in the full-width colon (Django's own suffix is the ASCII one in every language).
LABEL_SUFFIX = pgettext_lazy("form label suffix", "：")


class FullWidthLabels:
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", LABEL_SUFFIX)
        super().__init__(*args, **kwargs)


class PersonForm(FullWidthLabels, forms.ModelForm):
    class Meta:
        model = Person
        fields = ("name", "id_number", "gender", "birth_date", "phone", "education", "major", "social_work_degree",
                  "local_hukou", "notes")
        widgets = {"birth_date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"id_number": _("18位，末位可为X；出生日期和性别可留空，将按号码填写。")}

    def validate_unique(self):
        # A known ID number may be a person moving in from another county: the service decides.
        pass


class PersonUpdateForm(PersonForm):
    """The stored ID number is never sent to the browser: the field starts empty (left empty,
    the number stays) and its help shows the masked number. Nor is the birth date (digits 7-14 of
    the number): it follows a corrected number."""

    class Meta(PersonForm.Meta):
        fields = tuple(name for name in PersonForm.Meta.fields if name != "birth_date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["id_number"]
        field.required = False
        self.initial["id_number"] = ""
        field.help_text = _("当前为 %(masked)s；如需更正请填写完整的18位号码，留空则不变。") % {
            "masked": self.instance.masked_id_number}

    def clean_id_number(self):
        number = self.cleaned_data.get("id_number") or self.instance.id_number
        if number != self.instance.id_number:
            self.instance.birth_date = None  # the model reads it from the corrected number
        return number


class AssignmentFieldsMixin:
    def limit_choices(self, user):
        self.fields["station"].queryset = selectors.assignable_stations(user=user)
        self.fields["employer"].queryset = Organisation.objects.visible_to(user).order_by("name")


class PersonCreateForm(AssignmentFieldsMixin, PersonForm):
    """A new person and their first assignment, so the person is placed in a county at once."""

    station = forms.ModelChoiceField(label=_("服务站点"), queryset=None)
    # No role is chosen for the user: a default (the first, 站长) would be wrong for most people.
    role = forms.ChoiceField(label=_("岗位"), choices=BLANK_CHOICE_DASH + EmploymentRole.choices)
    employer = forms.ModelChoiceField(label=_("用人机构"), queryset=None, required=False)
    start_on = forms.DateField(label=_("到岗日期"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices(user)

    def assignment(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("station", "role", "employer", "start_on")}

    def person_data(self) -> dict:
        return {key: self.cleaned_data[key] for key in PersonForm.Meta.fields}


class EmploymentForm(FullWidthLabels, AssignmentFieldsMixin, forms.ModelForm):
    class Meta:
        model = Employment
        fields = ("station", "role", "employer", "start_on", "end_on", "notes")
        widgets = {"start_on": DATE, "end_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices(user)

    def validate_unique(self):
        pass  # the service validates with the person set


class CertificateForm(FullWidthLabels, forms.ModelForm):
    class Meta:
        model = Certificate
        fields = ("level", "number", "obtained_on")
        widgets = {"obtained_on": DATE}


class TrainingForm(FullWidthLabels, forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ("held_on", "kind", "title", "provider", "hours")
        widgets = {"held_on": DATE}

    def validate_unique(self):
        pass


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's validation errors on the form's fields (or above it)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
