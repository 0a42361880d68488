"""The 本地政策 page as a workbook: one sheet per section, every row with its basis (依据)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from config.local_policies import LocalPolicies, item_basis
from core.xlsx import XlsxBook
from stations.selectors.policies import NOT_SET


def _date(value):
    return value if value else "—"


def local_policies_workbook(policies: LocalPolicies) -> XlsxBook:
    region = policies.region
    meta = [(_("区划"), f"{region.name}（{region.code}）"), (_("日期"), policies.on_date)]
    book = XlsxBook()
    book.add_sheet(title=_("本地政策"), meta=meta,
                   headers=[_("类别"), _("规则"), _("规定值"), _("设定区划"), _("条款"), _("原文摘录"), _("依据")],
                   rows=[[group.label, rule.label, rule.display, rule.region.name, rule.clause, rule.quote,
                          rule.citation] for group in policies.groups for rule in group.rules])
    book.add_sheet(title=_("本地政策未规定"), meta=meta, headers=[_("类别"), _("规则"), _("规则标识"), _("规定值")],
                   rows=[[group.label, str(spec.label), spec.key, str(NOT_SET)]
                         for group in policies.groups for spec in group.unset])
    book.add_sheet(title=_("建设目标"), meta=meta,
                   headers=[_("指标"), _("设定区划"), _("目标值"), _("完成期限"), _("当日适用"), _("依据")],
                   rows=[[row.target.get_metric_display(), row.target.region.name, row.target.value_display,
                          row.target.due_on, _("是") if row.applies else "", row.citation] for row in policies.targets])
    standard_rows = [[checklist.name, item.position, item.title, item.requirement, item.get_metric_display(),
                      item.minimum, item_basis(item), checklist.citation]
                     for checklist in policies.checklists for item in checklist.items.all()]
    book.add_sheet(title=_("建设标准"), meta=meta,
                   headers=[_("标准"), _("序号"), _("条目"), _("具体要求"), _("按数据核验的指标"), _("最低值"),
                            _("条款及原文"), _("依据")],
                   rows=standard_rows or [[str(NOT_SET), "", "", "", "", "", "", ""]])
    book.add_sheet(title=_("社工补贴标准"), meta=meta, headers=[_("补贴"), _("金额（元）"), _("依据")],
                   rows=[[row.label, row.amount, row.citation] for row in policies.stipends]
                   or [[str(NOT_SET), "", ""]])
    book.add_sheet(title=_("政策文件"), meta=meta,
                   headers=[_("文件名称"), _("发文机关"), _("文号"), _("印发日期"), _("施行日期"), _("施行日期说明"),
                            _("废止日期"), _("适用区划"), _("链接")],
                   rows=[[d.title, d.issuer, d.number, _date(d.issued_on), d.effective_from, d.effective_note,
                          _date(d.repealed_on), d.region.name, d.url] for d in policies.documents])
    return book
