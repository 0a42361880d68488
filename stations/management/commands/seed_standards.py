"""Seed the documented building-standard checklists for provinces that exist."""

from django.core.management.base import BaseCommand, CommandError

from stations.models import User
from stations.services.standards import CHECKLISTS, DEFAULT_PROVINCES, standard_checklists_seed


class Command(BaseCommand):
    help = "为已存在的省份创建建设标准清单（湖北“五有”、甘肃“六有”、“六有、五要”）。"

    def add_arguments(self, parser):
        parser.add_argument("--assign", action="append", default=[], metavar="KEY=PROVINCE",
                            help=f"把某个清单分配给省份代码，如 liuyou_wuyao=61；可选：{', '.join(CHECKLISTS)}")

    def handle(self, *args, assign, **options):
        assignments = dict(DEFAULT_PROVINCES)
        for pair in assign:
            key, _sep, code = pair.partition("=")
            if key not in CHECKLISTS or not code.isdigit() or len(code) != 2:
                raise CommandError(f"无效的分配“{pair}”，应为 清单=两位省份代码。")
            assignments[key] = code
        actor = User.objects.filter(is_superuser=True).order_by("pk").first()
        if actor is None:
            raise CommandError("需要先创建一个超级用户作为操作人。")
        for checklist in standard_checklists_seed(actor=actor, assignments=assignments):
            self.stdout.write(f"{checklist}：{checklist.items.count()} 条")
