import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import Dimension, EvaluationKind, EvaluationTemplate, Grade, Indicator, TemplateStatus
from assessments.scoring import breakdown
from core.audit import save_audited
from tests.assessments import builders as ab

pytestmark = pytest.mark.django_db

ONE_INDICATOR = [("综合", D("100"), [("综合得分", D("100"))])]


def test_weights_must_sum_to_100_to_publish(hierarchy):
    tpl = ab.template(hierarchy.province, publish=False, layout=[
        ("行政监管", D("20"), [("制度建设", D("10"))]), ("服务成效", D("70"), [("服务人次", D("10"))])])
    with pytest.raises(ValidationError) as exc:
        services.template_publish(actor=ab.builders.superuser(), template=tpl)
    assert "各维度权重之和须为100，当前为 90" in str(exc.value)
    tpl.refresh_from_db()
    assert tpl.status == TemplateStatus.DRAFT


def test_dimension_without_indicators_and_empty_template_cannot_be_published(hierarchy):
    empty = ab.template(hierarchy.province, publish=False, layout=[])
    with pytest.raises(ValidationError, match="至少需要一个评估维度"):
        services.template_publish(actor=ab.builders.superuser(), template=empty)
    bare = ab.template(hierarchy.province, EvaluationKind.FINAL, publish=False,
                       layout=[("服务成效", D("100"), [])])
    with pytest.raises(ValidationError, match="维度“服务成效”没有指标"):
        services.template_publish(actor=ab.builders.superuser(), template=bare)


def test_maximum_must_be_positive_and_weight_within_range(hierarchy):
    tpl = ab.template(hierarchy.province, publish=False, layout=[("服务成效", D("100"), [])])
    dim = tpl.dimensions.get()
    with pytest.raises(ValidationError) as exc:
        save_audited(Indicator(dimension=dim, name="零分指标", max_score=D("0")), actor=ab.builders.superuser())
    assert "max_score" in exc.value.message_dict
    with pytest.raises(ValidationError):
        save_audited(Dimension(template=tpl, name="超重", weight=D("120")), actor=ab.builders.superuser())


def test_grade_bands_must_be_ordered(hierarchy):
    with pytest.raises(ValidationError, match="等级分数线"):
        ab.template(hierarchy.province, publish=False, pass_min=D("85"), good_min=D("80"))


def test_published_template_and_its_parts_are_immutable(hierarchy):
    tpl = ab.template(hierarchy.province)
    assert tpl.is_published
    tpl.name = "改名"
    with pytest.raises(ValidationError, match="已发布，不能修改"):
        tpl.save()
    dim = tpl.dimensions.first()
    dim.weight = D("50")
    with pytest.raises(ValidationError, match="已发布"):
        dim.save()
    indicator = Indicator.objects.filter(dimension__template=tpl).first()
    with pytest.raises(ValidationError, match="已发布"):
        indicator.delete()
    with pytest.raises(ValidationError, match="已发布"):
        Indicator(dimension=dim, name="新增指标", max_score=D("5")).save()
    with pytest.raises(ValidationError, match="已发布"):
        services.template_publish(actor=ab.builders.superuser(), template=tpl)


def test_new_version_copies_dimensions_and_indicators_and_old_evaluations_keep_theirs(world):
    h = world
    evaluation = services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=h.contract,
                                            period_start=datetime.date(2025, 1, 1),
                                            period_end=datetime.date(2025, 6, 30))
    v2 = services.template_new_version(actor=h.root, template=h.midterm)
    assert (v2.version, v2.status, v2.previous_id) == (2, TemplateStatus.DRAFT, h.midterm.pk)
    old = [(d.name, d.weight, [(i.name, i.max_score, i.guidance) for i in d.indicators.all()])
           for d in h.midterm.dimensions.all()]
    new = [(d.name, d.weight, [(i.name, i.max_score, i.guidance) for i in d.indicators.all()])
           for d in v2.dimensions.all()]
    assert new == old and len(new) == 4
    # The draft can change; the published version and the evaluation on it stay as they were.
    changed = v2.dimensions.get(name="社会影响")
    changed.weight = D("10")
    save_audited(changed, actor=h.root)
    save_audited(Dimension(template=v2, name="人才培养", weight=D("5"), order=9), actor=h.root)
    save_audited(Indicator(dimension=v2.dimensions.get(name="人才培养"), name="督导培训", max_score=D("5")),
                 actor=h.root)
    services.template_publish(actor=h.root, template=v2)
    evaluation.refresh_from_db()
    assert evaluation.template_id == h.midterm.pk
    assert h.midterm.dimensions.get(name="社会影响").weight == D("15")
    assert EvaluationTemplate.objects.filter(province=h.province, kind=EvaluationKind.MIDTERM).count() == 2
    with pytest.raises(ValidationError, match="已有后续版本"):
        services.template_new_version(actor=h.root, template=h.midterm)


@pytest.mark.parametrize(("score", "grade"), [
    (D("59.99"), Grade.FAIL), (D("60"), Grade.PASS), (D("79.99"), Grade.PASS), (D("80"), Grade.GOOD),
    (D("89.99"), Grade.GOOD), (D("90"), Grade.EXCELLENT), (D("0"), Grade.FAIL), (D("100"), Grade.EXCELLENT),
])
def test_grade_at_band_boundaries(hierarchy, score, grade):
    tpl = ab.template(hierarchy.province, layout=ONE_INDICATOR)
    indicator = Indicator.objects.get(dimension__template=tpl)
    result = breakdown(tpl, {indicator.pk: (score, "")})
    assert result.total == score
    assert result.grade == grade


def test_edited_bands_apply(hierarchy):
    tpl = ab.template(hierarchy.province, layout=ONE_INDICATOR, excellent_min=D("95"), good_min=D("85"),
                      pass_min=D("70"))
    indicator = Indicator.objects.get(dimension__template=tpl)
    assert breakdown(tpl, {indicator.pk: (D("94.99"), "")}).grade == Grade.GOOD
    assert breakdown(tpl, {indicator.pk: (D("69.99"), "")}).grade == Grade.FAIL
    assert breakdown(tpl, {indicator.pk: (D("70"), "")}).grade == Grade.PASS


def test_total_is_weighted_share_of_each_dimension(hierarchy):
    tpl = ab.template(hierarchy.province)
    by_name = {i.name: i.pk for i in Indicator.objects.filter(dimension__template=tpl)}
    scores = {"制度建设": "8", "台账规范": "9", "服务人次": "15", "个案质量": "18", "人员管理": "12",
              "财务管理": "7", "满意度": "88"}
    result = breakdown(tpl, {by_name[k]: (D(v), "") for k, v in scores.items()})
    # 17/20×20 + 33/40×40 + 19/25×25 + 88/100×15 = 17 + 33 + 19 + 13.2
    assert [d.points_display for d in result.dimensions] == [D("17.00"), D("33.00"), D("19.00"), D("13.20")]
    assert result.total == D("82.20")
    assert result.grade == Grade.GOOD


def test_total_rounds_half_up_after_summing(hierarchy):
    tpl = ab.template(hierarchy.province, layout=[("甲", D("50"), [("a", D("3"))]), ("乙", D("50"), [("b", D("3"))])])
    a, b = Indicator.objects.filter(dimension__template=tpl).order_by("name")
    # 1/3×50 + 2/3×50 = 50 exactly: rounding each dimension first would give 16.67 + 33.33 = 50.00 too,
    # but 2/3×50 + 2/3×50 = 66.666… → 66.67
    assert breakdown(tpl, {a.pk: (D("1"), ""), b.pk: (D("2"), "")}).total == D("50.00")
    assert breakdown(tpl, {a.pk: (D("2"), ""), b.pk: (D("2"), "")}).total == D("66.67")
    # 89.995 rounds to 90.00, and the grade follows the rounded total shown to users.
    one = ab.template(hierarchy.province, EvaluationKind.FINAL, layout=[("综合", D("100"), [("x", D("200"))])])
    x = Indicator.objects.get(dimension__template=one)
    result = breakdown(one, {x.pk: (D("179.99"), "")})
    assert result.total == D("90.00") and result.grade == Grade.EXCELLENT
