"""django-simple-history's ``clean_old_history``, refusing to remove change records younger than
the retention period."""

from simple_history.management.commands import clean_old_history

from config.retention import ensure_kept


class Command(clean_old_history.Command):
    def handle(self, *args, **options):
        ensure_kept(options["days"])
        super().handle(*args, **options)
