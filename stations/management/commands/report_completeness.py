"""Monthly report completeness for a region and its child regions, as CSV on stdout."""

import datetime
import re

from django.core.management.base import BaseCommand, CommandError

from core.csvout import write_csv
from stations.models import Region
from stations.selectors import COMMAND_LINE, completeness_csv_rows, report_completeness

HEADER = ["region_code", "name", "level", "expected", "on_time", "late", "missing", "returned", "approved"]


class Command(BaseCommand):
    help = ("Print the monthly-report completeness of a region and each child region as CSV: "
            + ",".join(HEADER))

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="12-digit code or significant prefix: 42, 4201, 420102")
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, **options):
        region = Region.objects.by_code_or_prefix(options["region"]).first()
        if region is None:
            raise CommandError(f"找不到区划“{options['region']}”（应为12位代码或2/4/6/9位前缀）。")
        match = re.fullmatch(r"(\d{4})-(\d{2})", options["month"].strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise CommandError(f"月份“{options['month']}”格式不对，应为 YYYY-MM，如 2026-10。")
        period = datetime.date(int(match[1]), int(match[2]), 1)
        completeness = report_completeness(user=COMMAND_LINE, region=region, period=period)
        write_csv(self.stdout, HEADER, completeness_csv_rows(completeness))
