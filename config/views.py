"""The composition root's pages: the home page that shows each user their scope."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from config import audit
from config.overview import REGISTRY_PART, REPORTS_PART, add_station_month, merge, overview
from core import figures
from core.scope import scope_of
from stations.reports.selectors.chain import CHAIN_KINDS
from stations.roles import OFFICIAL_ROLES, Role
from stations.selectors.coverage_trends import TREND_LEVELS
from stations.selectors.stations import scope_summary

AUDIT_ROLES = OFFICIAL_ROLES
CHAIN_ROLES = {Role.CITY, Role.COUNTY}


@login_required
def home_view(request):
    user = request.user
    scope = scope_of(user)
    # The scope's place, stations and regions change with the registry only: cached like the figures.
    summary = figures.cached("scope-summary", user, (figures.REGISTRY,), lambda: scope_summary(user=user))
    region = summary.home_region
    figures_now = None if scope.nothing else _overview(user)
    month = figures_now.station_month if figures_now else None
    context = {
        "scope": scope,
        "home_region": region,
        "ancestors": summary.ancestors,
        "station_count": summary.station_count,
        "child_regions": summary.child_regions if user.role != Role.EVALUATOR else [],
        "role_label": user.get_role_display() if user.role else "",
        # An evaluator sees the evaluations assigned to their organisation, never stations.
        "show_stations": user.role != Role.EVALUATOR,
        "show_to_score": user.role == Role.EVALUATOR and not scope.nothing,
        "overview": figures_now,
        "chain_report_url": reverse("chain-report") if user.role in CHAIN_ROLES and not scope.nothing else "",
        "chain_report_kind": CHAIN_KINDS.get(getattr(region, "level", None)),
        # A station head's months still to report, found with the month on the home page.
        "reports_due": (month.due if month else []) if user.role == Role.STATION_HEAD else None,
        "coverage_trends_url": (reverse("stations:coverage-trends", args=[region.code])
                                if region and region.level in TREND_LEVELS and not scope.nothing else ""),
    }
    return render(request, "home.html", context)


def _overview(user):
    """Cached until a write changes one of its figures, in two parts: a report written recounts the
    report figures only, not the people, contracts and coverage. A station head's month is not cached:
    their draft, saved again and again, is shown as it stands."""
    today = timezone.localdate()
    reports = figures.cached("overview-reports", user, (figures.REGISTRY, figures.REPORTS), lambda: overview(
        user=user, on_date=today, station_month_too=False, parts=(REPORTS_PART,)))
    registry = figures.cached("overview-registry", user, (figures.REGISTRY,), lambda: overview(
        user=user, on_date=today, station_month_too=False, parts=(REGISTRY_PART,)))
    result = merge(reports, registry)
    if user.role == Role.STATION_HEAD:
        add_station_month(result, user, today)
    return result


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=gettext_lazy("记录类型"), required=False)
    user = forms.CharField(label=gettext_lazy("操作人用户名"), required=False)
    date_from = forms.DateField(label=gettext_lazy("起始日期"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("截止日期"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    object_id = forms.IntegerField(label=gettext_lazy("记录编号"), required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", gettext_lazy("全部"))] + [
            (key, model._meta.verbose_name) for key, model in audit.audited_models().items()
        ]


@login_required
def audit_log_view(request):
    """Who changed what and when, for county, city and province users (scoped)."""
    user = request.user
    if not (user.is_superuser or user.role in AUDIT_ROLES) or scope_of(user).nothing:
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit.audit_entries(
        user=user, model_key=filters.get("model") or "", username=(filters.get("user") or "").strip(),
        date_from=filters.get("date_from"), date_to=filters.get("date_to"), object_id=filters.get("object_id"),
        limit=500,
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    audit.attach_changes(list(page.object_list))
    return render(request, "audit_log.html", {"form": form, "page_obj": page, "entries": page.object_list})


@require_safe
@cache_control(max_age=86400, public=True)
def favicon_view(request):
    """``/favicon.ico``, which browsers ask for whatever the page links to: the product's icon,
    served from the source tree so it needs neither a template link nor collected static files."""
    return FileResponse((settings.BASE_DIR / "static" / "favicon.ico").open("rb"), content_type="image/x-icon")
