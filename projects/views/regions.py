from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from core.scope import get_visible_or_404
from projects import permissions, services
from projects.forms import SpendingForm
from projects.selectors import regions as selectors
from projects.views.common import CountyStaffRequiredMixin, add_service_errors, today
from stations.models import Region, RegionLevel


class CountyOverviewView(LoginRequiredMixin, TemplateView):
    """City and province view: each county's contracts, filings and whether it has a local organisation."""

    template_name = "projects/county_overview.html"

    def get_context_data(self, **kwargs):
        rows = selectors.county_overview(user=self.request.user, today=today())
        with_local = sum(1 for row in rows if row.has_local_organisation)
        return super().get_context_data(rows=rows, with_local=with_local, today=today(), **kwargs)


def _county(user, code):
    return get_visible_or_404(Region.objects.filter(level=RegionLevel.COUNTY), user, code=code)


class CountyDetailView(LoginRequiredMixin, TemplateView):
    template_name = "projects/county_detail.html"

    def get_context_data(self, **kwargs):
        county = _county(self.request.user, self.kwargs["code"])
        page = selectors.county_page(user=self.request.user, county=county, today=today())
        form = kwargs.pop("form", None) or SpendingForm(initial={"year": today().year - 1})
        return super().get_context_data(page=page, county=county, form=form,
                                        may_write=permissions.can_manage_purchases(self.request.user), **kwargs)


class SpendingSetView(CountyStaffRequiredMixin, FormView):
    form_class = SpendingForm
    template_name = "projects/county_detail.html"

    def form_valid(self, form):
        county = _county(self.request.user, self.kwargs["code"])
        try:
            services.spending_set(actor=self.request.user, region=county, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存 %(year)s 年社会救助支出。") % {"year": form.cleaned_data["year"]})
        return redirect("projects:county-detail", code=county.code)

    def form_invalid(self, form):
        view = CountyDetailView(request=self.request, kwargs=self.kwargs)
        return view.render_to_response(view.get_context_data(form=form))


county_overview_view = CountyOverviewView.as_view()
county_detail_view = CountyDetailView.as_view()
spending_set_view = SpendingSetView.as_view()
