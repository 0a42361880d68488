"""Export the change and sign-in records of a period for the auditor, as an Excel workbook."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from config.audit_export import write_audit_workbook


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"日期“{text}”格式不对，应为 YYYY-MM-DD，如 2026-06-30。") from None


class Command(BaseCommand):
    help = ("Write every change record and sign-in record (successful and failed) dated within a period "
            "to an Excel workbook, one sheet each, for the auditor. ID numbers are masked.")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, **options):
        date_from, date_to = _date(options["date_from"]), _date(options["date_to"])
        if date_from > date_to:
            raise CommandError("开始日期晚于结束日期。")
        if not options["output"].lower().endswith(".xlsx"):
            raise CommandError("输出文件应以 .xlsx 结尾。")
        counts = write_audit_workbook(options["output"], date_from, date_to)
        for sheet, count in counts.items():
            self.stdout.write(f"{sheet}: {count}")
