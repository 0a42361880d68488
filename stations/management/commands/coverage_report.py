"""Coverage of a region and its child regions as of a date, as CSV on standard output."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from core.csvout import write_csv
from stations.models import Region
from stations.selectors.coverage import DASHBOARD_LEVELS, coverage_rows
from stations.selectors.policies import NOT_SET

# The last two: townships covered by a station that passed its province's standard, and their share
# (本地政策未规定 where the province had no standard in force on the date: no figure, not 0).
HEADER = ["region_code", "name", "level", "townships", "covered", "coverage_pct", "target_pct", "target_due",
          "gap_stations", "standard_covered", "standard_pct"]


class Command(BaseCommand):
    help = "按日期输出某一区划及其下级区划的社工站覆盖率（CSV）。"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="12位区划代码或有效前缀，如 42、4201、420102")
        parser.add_argument("--at", required=True, help="统计日期，YYYY-MM-DD")

    def handle(self, *args, region, at, **options):
        try:
            on_date = datetime.date.fromisoformat(at)
        except ValueError as exc:
            raise CommandError(f"日期“{at}”无效，应为 YYYY-MM-DD。") from exc
        found = Region.objects.by_code_or_prefix(region).first()
        if found is None:
            raise CommandError(f"找不到区划“{region}”。")
        if found.level not in DASHBOARD_LEVELS:
            raise CommandError(f"区划“{region}”是{found.get_level_display()}，只能统计省、市、县。")
        summary, children = coverage_rows(region=found, on_date=on_date)
        write_csv(self.stdout, HEADER, ([
            row.code, row.name, row.level, row.townships, row.covered,
            "" if row.coverage_pct is None else f"{row.coverage_pct:.1f}",
            "" if row.target is None else row.target.value_display,
            "" if row.target is None else row.target.due_on.isoformat(),
            "" if row.gap_stations is None else row.gap_stations,
            *_standard_cells(row),
        ] for row in [summary, *children]))


def _standard_cells(row) -> list:
    if not row.standard_set:
        return ["", str(NOT_SET)]
    return [row.standard_covered, "" if row.standard_pct is None else f"{row.standard_pct:.1f}"]
