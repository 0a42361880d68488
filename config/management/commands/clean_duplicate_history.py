"""django-simple-history's ``clean_duplicate_history`` deletes change records that repeat the one
before, the recent ones included (``--minutes`` only narrows it to the most recent); audit
records are not deleted within the retention period, so the command is refused."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from simple_history.management.commands import clean_duplicate_history


class Command(clean_duplicate_history.Command):
    help = "Refused: change records are kept for the whole retention period."

    def handle(self, *args, **options):
        raise CommandError(_("审计记录在保留期内不得删除，此命令已停用。"))
