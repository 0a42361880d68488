"""Excel import of scores for evaluators who score offline.

One evaluation per file: the rows are the template's indicators, keyed by their natural key
(维度 + 指标 names within the evaluation's template version), never by an id. Rows with an
empty 得分 are left as they are. Each score is validated against its indicator's maximum;
the shared import view previews every row and writes all or nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from import_export import fields, widgets

from assessments import permissions, services
from assessments.models import Indicator, Score
from core.audit import save_audited
from core.importing import DecimalWidget, ScopedModelResource

COLUMNS = ("维度", "指标", "满分", "得分", "评分说明")


class IndicatorWidget(widgets.Widget):
    """An indicator of one template version, found by its dimension's name and its own name."""

    def __init__(self, template=None, **kwargs):
        super().__init__(**kwargs)
        self.template = template

    def clean(self, value, row=None, **kwargs):
        name = str(value or "").strip()
        dimension = str((row or {}).get("维度") or "").strip()
        if not name:
            raise ValueError(_("指标名称不能为空。"))
        indicator = Indicator.objects.filter(dimension__template=self.template, dimension__name=dimension,
                                             name=name).first()
        if indicator is None:
            raise ValueError(_("本次评估的模板中没有维度“%(dimension)s”下的指标“%(name)s”。") % {
                "dimension": dimension, "name": name})
        return indicator

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class ScoreResource(ScopedModelResource):
    dimension = fields.Field(attribute="indicator__dimension__name", column_name="维度", readonly=True)
    indicator = fields.Field(attribute="indicator", column_name="指标", widget=IndicatorWidget())
    max_score = fields.Field(attribute="indicator__max_score", column_name="满分", readonly=True)
    score = fields.Field(attribute="score", column_name="得分", widget=DecimalWidget())
    comment = fields.Field(attribute="comment", column_name="评分说明", widget=widgets.CharWidget())

    class Meta(ScopedModelResource.Meta):
        model = Score
        import_id_fields = ("indicator",)
        fields = ("dimension", "indicator", "max_score", "score", "comment")

    def __init__(self, *, user=None, evaluation=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.evaluation = evaluation
        self.fields["indicator"].widget = IndicatorWidget(evaluation.template if evaluation else None)

    def get_queryset(self):
        return super().get_queryset().filter(evaluation=self.evaluation)

    def init_instance(self, row=None):
        return Score(evaluation=self.evaluation)

    def before_import(self, dataset, **kwargs):
        if self.evaluation is None or not permissions.can_import_evaluation_scores(self.user, self.evaluation):
            raise ValueError(_("该评估当前不能由您评分（只有评分中的评估可由指定评估方评分）。"))

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if row.get("得分") in (None, "") and not import_validation_errors:
            return True
        return super().skip_row(instance, original, row, import_validation_errors=import_validation_errors)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute == "comment" and row.get("评分说明") in (None, ""):
            instance.comment = ""
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def do_instance_save(self, instance, is_create):
        save_audited(instance, actor=self.user, reason=_("Excel 导入评分"))

    def after_import(self, dataset, result, **kwargs):
        if not result.has_errors() and not result.has_validation_errors():
            services.evaluation_save_scores(actor=self.user, evaluation=self.evaluation, scores={})
