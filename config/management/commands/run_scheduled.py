"""The scheduled work without Celery beat, for a system timer (``systemd`` or cron)."""

from django.core.management.base import BaseCommand, CommandError

from config import tasks

WORK = {
    "daily": (tasks.daily_maintenance,),
    "reminders": (tasks.send_reminders,),
    "all": (tasks.daily_maintenance, tasks.send_reminders),
}


class Command(BaseCommand):
    help = (
        "Run the scheduled work here and now, as Celery beat would: 'daily' (placements, unconfirmed "
        "uploads, job sweeps; once a night), 'reminders' (each morning; nothing on a day off) or 'all'. "
        "Safe to run twice the same day."
    )

    def add_arguments(self, parser):
        parser.add_argument("work", choices=sorted(WORK))

    def handle(self, *args, **options):
        for task in WORK[options["work"]]:
            try:
                result = task()  # in this process, not through a broker
            except tasks.ScheduledWorkFailed as failed:
                raise CommandError(f"失败的步骤：{failed}") from failed
            summary = "，".join(f"{key}={value}" for key, value in result.items())
            self.stdout.write(f"{task.name}: {summary}")
