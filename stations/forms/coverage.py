from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CoverageDateForm(forms.Form):
    at = forms.DateField(label=_("统计日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def on_date(self):
        """The chosen date, or today when none (or an invalid one) was given."""
        if self.is_valid() and self.cleaned_data.get("at"):
            return self.cleaned_data["at"]
        return timezone.localdate()
