"""Offline scoring: the scoring sheet of one evaluation and its import."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from assessments import permissions, selectors
from assessments.resources import COLUMNS, ScoreResource
from assessments.scoring import evaluation_breakdown
from core.importing import ImportView
from core.xlsx import XlsxBook


class ScoreImportView(ImportView):
    """Offline scoring: download the scoring sheet, fill in 得分, upload, preview, confirm."""

    resource_class = ScoreResource

    def prepare(self):
        self.evaluation = selectors.evaluation_detail(user=self.user, pk=self.kwargs["pk"])
        self.title = _("导入评分：%(subject)s") % {"subject": self.evaluation.subject_name}
        self.success_url = self.evaluation.get_absolute_url()

    def has_import_permission(self, user) -> bool:
        return permissions.can_import_evaluation_scores(user, self.evaluation)

    def refuse(self):
        messages.error(self.request, _("该评估当前不能由您评分。"))
        return redirect(self.evaluation)

    def get_resource(self):
        return self.resource_class(user=self.user, evaluation=self.evaluation)

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            return self.scoring_sheet()
        return super().get(request, *args, **kwargs)

    def scoring_sheet(self):
        """The evaluation's indicators with the current scores, headers on the first row."""
        result = evaluation_breakdown(self.evaluation)
        book = XlsxBook()
        rows = [(dimension.name, indicator.name, indicator.max_score, indicator.score, indicator.comment)
                for dimension in result.dimensions for indicator in dimension.indicators]
        book.add_table(title=_("评分表"), headers=COLUMNS, rows=rows, widths=(16, 36, 8, 8, 40))
        return book.response(_("评分表-%(pk)s.xlsx") % {"pk": self.evaluation.pk})


score_import_view = ScoreImportView.as_view()
