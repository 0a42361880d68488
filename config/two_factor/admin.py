"""Two-factor sign-in in the admin, for superusers only.

django-otp registers admins for its devices; they are replaced by read-only ones that only
superusers see (with ``OTP_ADMIN_HIDE_SENSITIVE_DATA`` no secret key or recovery code is shown).
Removing a user's devices goes through the audited reset action, on the user list and on the
two-factor records. :func:`install` runs from ``ConfigConfig.ready``, after every app's admin
module has registered its models.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from config.models import SecondFactor
from config.two_factor import services
from core.admin import refuse_revert


def _superuser(request) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


class SuperusersReadOnlyMixin:
    """Seen by superusers only, and changed by no one through this admin."""

    def has_module_permission(self, request):
        return _superuser(request)

    def has_view_permission(self, request, obj=None):
        return _superuser(request)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description=_("重置两步验证（用户须重新绑定手机验证器）"), permissions=["reset_second_factor"])
def reset_second_factor(modeladmin, request, queryset):
    users = queryset if queryset.model is get_user_model() else get_user_model().objects.filter(
        pk__in=queryset.values("user"))
    reset = [user for user in users if services.second_factor_reset(actor=request.user, user=user)]
    if reset:
        modeladmin.message_user(request, gettext("已重置 %(count)s 个用户的两步验证：%(names)s。")
                                % {"count": len(reset), "names": "、".join(str(user) for user in reset)},
                                messages.SUCCESS)
    else:
        modeladmin.message_user(request, gettext("所选用户均未启用两步验证。"), messages.WARNING)


class ResetSecondFactorMixin:
    """Offers the reset action to superusers (the action asks ``has_reset_second_factor_permission``)."""

    def has_reset_second_factor_permission(self, request):
        return _superuser(request)


class SecondFactorAdmin(SuperusersReadOnlyMixin, ResetSecondFactorMixin, SimpleHistoryAdmin):
    actions = [reset_second_factor]
    list_display = ("user", "status", "enrolled_at", "recovery_codes_issued_at", "recovery_code_used_at", "reset_at")
    list_filter = ("status",)
    search_fields = ("user__username", "user__last_name", "user__first_name")
    list_select_related = ("user",)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        refuse_revert(request)  # a past version is read, never saved back
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class SuperuserTOTPDeviceAdmin(SuperusersReadOnlyMixin, TOTPDeviceAdmin):
    pass


class SuperuserStaticDeviceAdmin(SuperusersReadOnlyMixin, StaticDeviceAdmin):
    pass


def install(site=admin.site):
    for model, model_admin in ((TOTPDevice, SuperuserTOTPDeviceAdmin), (StaticDevice, SuperuserStaticDeviceAdmin),
                               (SecondFactor, SecondFactorAdmin)):
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
    user_model = get_user_model()
    if site.is_registered(user_model):
        registered = type(site.get_model_admin(user_model))
        if not issubclass(registered, ResetSecondFactorMixin):
            site.unregister(user_model)
            site.register(user_model, type(registered.__name__, (ResetSecondFactorMixin, registered), {
                "__module__": registered.__module__, "__doc__": registered.__doc__,
                "actions": [*(registered.actions or ()), reset_second_factor]}))
