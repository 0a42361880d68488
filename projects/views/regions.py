from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from core.scope import get_visible_or_404
from core.xlsx import XlsxBook
from projects import permissions, services
from projects.forms import MinimumWageForm, SpendingForm
from projects.selectors import regions as selectors
from projects.selectors.policies import assistance_shares
from projects.views.common import CountyStaffRequiredMixin, add_service_errors, today
from stations.models import Region, RegionLevel
from stations.selectors.policies import NOT_SET


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
        wage_form = kwargs.pop("wage_form", None) or MinimumWageForm(initial={"year": today().year})
        return super().get_context_data(page=page, county=county, form=form, wage_form=wage_form,
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


class MinimumWageSetView(CountyStaffRequiredMixin, FormView):
    form_class = MinimumWageForm
    template_name = "projects/county_detail.html"

    def form_valid(self, form):
        county = _county(self.request.user, self.kwargs["code"])
        try:
            services.minimum_wage_set(actor=self.request.user, region=county, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存 %(year)s 年最低工资标准。") % {"year": form.cleaned_data["year"]})
        return redirect("projects:county-detail", code=county.code)

    def form_invalid(self, form):
        view = CountyDetailView(request=self.request, kwargs=self.kwargs)
        return view.render_to_response(view.get_context_data(wage_form=form))


def _year(value, default: int) -> int:
    try:
        return min(max(int(value), 2000), 2100)
    except (TypeError, ValueError):
        return default


class AssistanceShareCheckView(LoginRequiredMixin, TemplateView):
    """Each county's social-assistance purchase share for a year against the cap or floor of its
    documents, with their basis; ``?format=xlsx`` gives the same rows as a workbook."""

    template_name = "projects/assistance_share_check.html"

    def get(self, request, *args, **kwargs):
        day = today()
        year = _year(request.GET.get("year"), day.year)
        shares = assistance_shares(user=request.user, year=year, today=day)
        if request.GET.get("format") == "xlsx":
            return share_check_workbook(shares, year).response(f"社会救助资金购买服务占比检查-{year}.xlsx")
        return self.render_to_response(self.get_context_data(year=year, shares=shares, years=range(day.year, 2019, -1)))


def share_check_workbook(shares, year: int) -> XlsxBook:
    headers = [_("县（市、区）"), _("区划代码"), _("年度"), _("社会救助资金购买服务合计（元）"), _("计算基数"), _("基数年度"),
               _("社会救助支出（元）"), _("占比（%）"), _("上限（%）"), _("下限（%）"), _("结论"), _("依据")]
    rows = [[s.county.name, s.county.code, s.year, s.purchases, s.rules.basis_label, s.basis_year, s.spending, s.share,
             s.cap, s.floor, s.verdict, s.rules.citation or str(NOT_SET)] for s in shares]
    on_date = shares[0].on_date if shares else None
    book = XlsxBook()
    book.add_sheet(title=_("社会救助资金购买服务占比检查"), headers=headers, rows=rows,
                   meta=[(_("年度"), year), (_("规定施行日期"), on_date)])
    return book


county_overview_view = CountyOverviewView.as_view()
assistance_share_check_view = AssistanceShareCheckView.as_view()
county_detail_view = CountyDetailView.as_view()
spending_set_view = SpendingSetView.as_view()
minimum_wage_set_view = MinimumWageSetView.as_view()
