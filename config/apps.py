from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = _("系统")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from config.middleware import start_session_clock
        from config.two_factor import admin as two_factor_admin
        from config.two_factor.steps import look_up_devices

        user_logged_in.connect(start_session_clock, dispatch_uid="config.session_clock")
        user_logged_in.connect(look_up_devices, dispatch_uid="config.two_factor_devices")
        two_factor_admin.install()
