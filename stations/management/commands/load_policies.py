from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from stations import packs


class Command(BaseCommand):
    help = (
        "Load policy packs (one TOML file per policy document). Without a path: every shipped pack "
        "whose region is loaded. Idempotent; a file with any problem is refused whole, naming each "
        "problem's line, and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help=_("政策文件包（.toml）；不填则载入随系统提供的全部文件包"))

    def handle(self, *args, paths, **options):
        files = [Path(path) for path in paths] or packs.shipped_packs()
        missing = [str(path) for path in files if not path.is_file()]
        if missing:
            raise CommandError(_("文件不存在：%(files)s") % {"files": "、".join(missing)})
        try:
            results = packs.load_packs(files, actor=None)
        except packs.PackError as error:
            raise CommandError(_("文件包 %(name)s 未载入，存在以下问题：") % {"name": error.path.name} + "\n"
                               + "\n".join(error.messages)) from error
        for result in results:
            if result.skipped:
                self.stdout.write(_("跳过 %(name)s《%(title)s》：%(why)s。") % {
                    "name": result.path.name, "title": result.document, "why": result.skipped})
                continue
            counts = result.counts
            self.stdout.write(_("%(name)s《%(title)s》：新增 %(added)s，修改 %(changed)s，未变 %(unchanged)s，删除 %(removed)s。") % {
                "name": result.path.name, "title": result.document, "added": counts.added, "changed": counts.changed,
                "unchanged": counts.unchanged, "removed": counts.removed})
