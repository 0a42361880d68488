"""Coverage dashboards: a region's coverage as of a date against its target, and its child regions."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from stations.forms.coverage import CoverageDateForm
from stations.models import Region
from stations.scope import scope_of
from stations.selectors.coverage import DASHBOARD_LEVELS, coverage_dashboard, dashboard_region


class CoverageHomeView(LoginRequiredMixin, View):
    """The dashboard of the user's own region (a superuser starts at the first province)."""

    def get(self, request):
        region = request.user.home_region
        if request.user.is_superuser and region is None:
            region = Region.objects.filter(level="province").order_by("code").first()
        if region is None or region.level not in DASHBOARD_LEVELS:
            raise Http404
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(f"{region.get_absolute_url()}{query}")


class CoverageDashboardMixin(LoginRequiredMixin):
    def get_dashboard(self):
        region = dashboard_region(user=self.request.user, code=self.kwargs["code"])
        form = CoverageDateForm(self.request.GET or None)
        return form, coverage_dashboard(region=region, on_date=form.on_date())


class CoverageDashboardView(CoverageDashboardMixin, TemplateView):
    template_name = "stations/coverage_dashboard.html"

    def get_context_data(self, **kwargs):
        form, dashboard = self.get_dashboard()
        scope = scope_of(self.request.user)
        # Only the ancestors the user may open are links; the rest is plain text.
        breadcrumbs = [
            (ancestor, scope.everything or bool(scope.prefix and ancestor.code.startswith(scope.prefix)))
            for ancestor in dashboard.region.ancestors()
        ]
        chart = {
            "labels": [point.on_date.isoformat() for point in dashboard.chart],
            "coverage": [float(p.coverage_pct) if p.coverage_pct is not None else None for p in dashboard.chart],
            "target": [float(p.target_pct) if p.target_pct is not None else None for p in dashboard.chart],
        }
        return super().get_context_data(
            form=form, dashboard=dashboard, summary=dashboard.summary, breadcrumbs=breadcrumbs, chart=chart,
            drill_down=dashboard.region.level != "county", query=self.request.GET.urlencode(), **kwargs,
        )


coverage_home_view = CoverageHomeView.as_view()
coverage_dashboard_view = CoverageDashboardView.as_view()
