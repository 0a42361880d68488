"""Load Hubei's real divisions, the shipped policy packs and a lived-in set of demo records, and print
the demo logins."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from assessments import demo as assessments_demo
from projects import demo as projects_demo
from stations import demo as stations_demo
from stations.models import Region
from workforce import demo as workforce_demo

# The evaluation templates come before the contracts: each year's mid-term and final evaluations are
# scored and confirmed through the assessments app as the contracts are built.
DEMO_STEPS = (stations_demo.seed, assessments_demo.seed_templates, projects_demo.seed, workforce_demo.seed,
              assessments_demo.seed)


class Command(BaseCommand):
    help = ("Load the shipped Hubei divisions, the shipped policy packs and demo data (skipped if already "
            "there); print the demo logins.")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="seed even if demo data exists")

    def handle(self, *args, **options):
        if not Region.objects.filter(code="420000000000").exists():
            call_command("load_divisions", stdout=self.stdout)
        # Every target, standard and rule the demo computes with comes from a policy pack.
        call_command("load_policies", stdout=self.stdout)
        if stations_demo.already_seeded() and not options["force"]:
            self.stdout.write("演示数据已存在，跳过。")
        else:
            context = {}
            with transaction.atomic():
                for step in DEMO_STEPS:
                    step(stdout=self.stdout, context=context)
        self.stdout.write(f"\n演示账号（密码均为 {stations_demo.DEMO_PASSWORD}）：")
        for username, description in stations_demo.demo_logins():
            self.stdout.write(f"  {username:<16} {description}")
        self.stdout.write("")
