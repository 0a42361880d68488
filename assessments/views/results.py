"""The user's to-do list and the regional results, on screen and as Excel."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from assessments import selectors
from assessments.forms import ResultsFilterForm
from assessments.models import EvaluationKind, Grade
from core.xlsx import XlsxBook
from stations.models import Region
from stations.permissions import is_official


class TodoView(LoginRequiredMixin, TemplateView):
    template_name = "assessments/todo.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(todo=selectors.todo_list(user=self.request.user), **kwargs)


class ResultsView(LoginRequiredMixin, TemplateView):
    template_name = "assessments/results.html"

    def get_filters(self):
        form = ResultsFilterForm(self.request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        user = self.request.user
        region = None
        if data.get("region"):
            region = Region.objects.visible_to(user).by_code_or_prefix(data["region"]).first()
            if region is None:
                raise Http404
        elif is_official(user):
            region = user.region
        return form, region, data.get("kind") or "", data.get("year")

    def get_context_data(self, **kwargs):
        form, region, kind, year = self.get_filters()
        results = selectors.region_results(user=self.request.user, region=region, kind=kind, year=year)
        chart = {"labels": [str(Grade(g).label) for g in results.distribution],
                 "values": list(results.distribution.values()), "label": _("评估数"),
                 "colors": ["#2f7d32", "#1d4e89", "#b7791f", "#c53030"]}
        return super().get_context_data(form=form, results=results, grades=Grade.choices,
                                        chart=chart, **kwargs)


class ResultsExportView(ResultsView):
    """The regional results as Excel: every finalised evaluation, the grade distribution and the
    weakest indicators, from the same scoped selectors as the page."""

    def get(self, request, *args, **kwargs):
        _form, region, kind, year = self.get_filters()
        user = request.user
        results = selectors.region_results(user=user, region=region, kind=kind, year=year)
        rows = selectors.finalised_results(user=user, region=region, kind=kind, year=year).for_lists().order_by(
            "county__code", "finalised_on", "pk")
        meta = [(_("区划"), region.name if region else _("全部")), (_("评估类型"), EvaluationKind(kind).label
                                                                  if kind else _("全部")),
                (_("年度"), year or _("全部"))]
        book = XlsxBook()
        book.add_sheet(title=_("评估结果"), meta=meta, headers=[
            _("县（市、区）"), _("评估对象"), _("评估类型"), _("评估来源"), _("发起单位"), _("模板版本"), _("评估期起"),
            _("评估期止"), _("评估方"), _("总分"), _("等级"), _("确认日期")], rows=(
            [e.county.name, e.subject_name, e.template.get_kind_display(), e.origin_label, e.initiating_region.name,
             e.template.version, e.period_start, e.period_end, e.evaluator.name if e.evaluator_id else _("本单位"),
             e.total, e.get_grade_display(), e.finalised_on] for e in rows))
        book.add_sheet(title=_("等级分布"), meta=meta, headers=[
            _("县（市、区）"), *[label for _value, label in Grade.choices], _("合计"), _("平均分")], rows=(
            [c.name, *c.counts.values(), c.total, c.average] for c in results.counties))
        book.add_sheet(title=_("得分率最低的指标"), meta=meta, headers=[
            _("维度"), _("指标"), _("平均得分率（%）"), _("评估数")], rows=(
            [r["indicator__dimension__name"], r["indicator__name"], r["share"], r["n"]] for r in results.weakest))
        return book.response(_("评估结果.xlsx"))


todo_view = TodoView.as_view()
results_view = ResultsView.as_view()
results_export_view = ResultsExportView.as_view()
