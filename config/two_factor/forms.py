from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """One code: from the authenticator app, or (when signing in) a recovery code."""

    code = forms.CharField(label=_("验证码"), max_length=32, strip=True,
                           error_messages={"required": _("请输入验证码。")})

    def __init__(self, *args, recovery_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        attrs = {"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        if recovery_allowed:
            self.fields["code"].label = _("验证码或恢复码")
        else:
            attrs["inputmode"] = "numeric"
        self.fields["code"].widget.attrs.update(attrs)
