"""Navigation entries, each shown to the roles whose pages it opens (superusers see everything),
and the bell's count of unread reminders."""

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from core.scope import scope_of
from stations.roles import OFFICIAL_ROLES, Role

OFFICIALS = OFFICIAL_ROLES
COUNTY_AND_STATION = OFFICIAL_ROLES | {Role.STATION_HEAD}
CITY_AND_COUNTY = frozenset({Role.CITY, Role.COUNTY})

# (url name, label, who sees it: "all" or a set of roles)
NAV_ITEMS = [
    ("home", _("首页"), "all"),
    ("stations:coverage-home", _("覆盖率"), OFFICIALS),
    ("stations:station-list", _("社工站"), COUNTY_AND_STATION),
    ("stations:report-list", _("月度报告"), COUNTY_AND_STATION),
    ("stations:report-completeness", _("月报报送情况"), OFFICIALS),
    ("chain-report", _("上报报告"), OFFICIALS),
    ("local-policies", _("本地政策"), COUNTY_AND_STATION),
    ("projects:contract-list", _("购买服务合同"), OFFICIALS),
    ("projects:organisation-list", _("承接机构"), OFFICIALS),
    ("projects:contract-expiring", _("即将到期"), CITY_AND_COUNTY),
    ("projects:filing-list", _("合同备案"), CITY_AND_COUNTY),
    ("projects:county-overview", _("各县购买服务"), frozenset({Role.PROVINCE, Role.CITY})),
    ("workforce:person-list", _("社工人才"), COUNTY_AND_STATION),
    ("workforce:dashboard", _("人才看板"), OFFICIALS),
    ("assessments:evaluation-list", _("评估"), OFFICIALS | {Role.EVALUATOR}),
    ("assessments:todo", _("评估待办"), frozenset({Role.COUNTY, Role.EVALUATOR})),
    ("audit-log", _("操作记录"), OFFICIALS),
]


@lru_cache(maxsize=64)
def _nav_urls(script_prefix: str, urlconf) -> tuple[tuple[str, str, object, object], ...]:
    """Every entry's address, worked out once per process (and per script prefix and URLconf)."""
    found = []
    for name, label, roles in NAV_ITEMS:
        try:
            found.append((name, reverse(name, urlconf=urlconf), label, roles))
        except NoReverseMatch:
            continue
    return tuple(found)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "second_factor_pending", False):
        return {"nav_items": []}  # signed out, or the second factor still to give: no page to go to
    scope = scope_of(user)
    items = []
    for name, url, label, roles in _nav_urls(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF):
        if scope.nothing and name != "home":
            continue
        if roles != "all" and not user.is_superuser and user.role not in roles:
            continue
        items.append({"url": url, "label": label, "active": False})
    # Only the entry whose address is the longest prefix of the page's is highlighted.
    matching = [item for item in items if request.path == item["url"]
                or (item["url"] != "/" and request.path.startswith(item["url"]))]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items}


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and not getattr(request, "second_factor_pending", False)


def unread_notices(request):
    """The user's unread reminders: as counted when the user was read for this request, or else counted
    (one query) only when a page shows the bell."""
    if not _signed_in(request):
        return {"unread_notices": 0}
    from config.reminders.inbox import unread_count

    user = request.user
    counted = getattr(user, "unread_notices_count", None)  # read with the user (config.auth_backend)
    if counted is not None:
        return {"unread_notices": counted}
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user=user))}
