from django.core.management.base import BaseCommand

from workforce.placement import refresh_placements


class Command(BaseCommand):
    help = (
        "Store today's placement of the people whose stored placement has run out (an assignment "
        "began) or is missing; with --all, of everyone. Run once a day, shortly after midnight: a "
        "compaction only, since the scope works out a run-out placement itself until then."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="recompute every person's placement")

    def handle(self, *args, **options):
        count = refresh_placements(stale_only=not options["all"])
        self.stdout.write(f"已更新 {count} 人的归属。")
