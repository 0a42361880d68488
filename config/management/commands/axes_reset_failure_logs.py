"""django-axes' ``axes_reset_failure_logs``, refusing to remove sign-in records younger than the retention period."""

from axes.management.commands import axes_reset_failure_logs

from config.retention import ensure_kept


class Command(axes_reset_failure_logs.Command):
    def handle(self, *args, **options):
        ensure_kept(options["age"])
        super().handle(*args, **options)
