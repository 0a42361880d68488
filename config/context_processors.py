"""Navigation entries by role; each app adds its own through ``NAV_ITEMS``."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.scope import scope_of

# (url name, label, who sees it: "all" or a set of roles; superusers see everything)
NAV_ITEMS = [
    ("home", _("首页"), "all"),
    ("stations:coverage-home", _("覆盖率"), {"province", "city", "county"}),
    ("stations:station-list", _("社工站"), {"province", "city", "county", "station_head"}),
    ("stations:report-list", _("月度报告"), {"province", "city", "county", "station_head"}),
    ("stations:report-completeness", _("月报报送情况"), {"province", "city", "county"}),
    ("chain-report", _("上报报告"), {"province", "city", "county"}),
    ("projects:contract-list", _("购买服务合同"), {"province", "city", "county"}),
    ("projects:organisation-list", _("承接机构"), {"province", "city", "county"}),
    ("projects:contract-expiring", _("即将到期"), {"city", "county"}),
    ("projects:filing-list", _("合同备案"), {"city", "county"}),
    ("projects:county-overview", _("各县购买服务"), {"province", "city"}),
    ("workforce:person-list", _("社工人才"), {"province", "city", "county", "station_head"}),
    ("workforce:dashboard", _("人才看板"), {"province", "city", "county"}),
    ("assessments:evaluation-list", _("评估"), {"province", "city", "county", "evaluator"}),
    ("assessments:todo", _("评估待办"), {"county", "evaluator"}),
    ("audit-log", _("操作记录"), {"province", "city", "county"}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_of(user)
    items = []
    for name, label, roles in NAV_ITEMS:
        if scope.nothing and name != "home":
            continue
        if roles != "all" and not user.is_superuser and user.role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": False})
    # Only the entry whose address is the longest prefix of the page's is highlighted.
    matching = [item for item in items if request.path == item["url"]
                or (item["url"] != "/" and request.path.startswith(item["url"]))]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items}
