"""Views guarded by an app's permission rule. Core knows no roles: each app's
``permissions.py`` supplies the rule, and a view without one refuses everybody."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied


class RuleRequiredMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; a signed-in user for whom ``rule(user)`` is false
    gets 403 (with ``denied_message`` when set). No ``rule``: nobody passes."""

    rule = None  # an app's ``can_<verb>_<entity>``, called with the user alone
    denied_message = ""

    def has_rule_permission(self, user) -> bool:
        rule = type(self).rule  # through the class: a plain function stays unbound
        return rule is not None and bool(rule(user))

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.has_rule_permission(request.user):
            raise PermissionDenied(self.denied_message) if self.denied_message else PermissionDenied
        return super().dispatch(request, *args, **kwargs)
