"""The contracts that do not hold to the money floors their purchaser's documents set (personnel
share, wage floor, city subsidy per station), with ``?format=xlsx`` for the same rows."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.xlsx import XlsxBook
from projects import permissions
from projects.selectors.contract_checks import contract_check_rows
from projects.views.common import today
from projects.views.regions import _year


class ContractCheckView(LoginRequiredMixin, TemplateView):
    """Contracts starting in the year whose cost split, wage or city subsidy does not hold, or whose
    figures are missing to tell; a contract whose documents set none of these rules is never listed."""

    template_name = "projects/contract_check.html"

    def get(self, request, *args, **kwargs):
        if not permissions.can_view_whole_contract(request.user):
            raise PermissionDenied(_("只有县、市、省级民政部门可以查看合同经费检查。"))
        day = today()
        year = _year(request.GET.get("year"), day.year)
        rows = contract_check_rows(user=request.user, year=year)
        if request.GET.get("format") == "xlsx":
            return contract_check_workbook(rows, year).response(f"合同经费规定检查-{year}.xlsx")
        return self.render_to_response(self.get_context_data(year=year, rows=rows, years=range(day.year, 2019, -1)))


def contract_check_workbook(rows, year: int) -> XlsxBook:
    headers = [_("合同编号"), _("项目名称"), _("购买方"), _("承接机构"), _("服务期"), _("合同金额（元）"), _("检查项"),
               _("规定"), _("本合同"), _("结论"), _("依据")]
    lines = [[row.contract.number, row.contract.title, row.contract.purchaser.name, row.contract.contractor.name,
              f"{row.contract.starts_on} — {row.contract.ends_on}", row.contract.amount, check.label,
              check.requirement, check.actual, check.verdict, check.citation]
             for row in rows for check in row.failing]
    book = XlsxBook()
    book.add_sheet(title=_("合同经费规定检查"), headers=headers, rows=lines, meta=[(_("年度"), year)])
    return book


contract_check_view = ContractCheckView.as_view()
