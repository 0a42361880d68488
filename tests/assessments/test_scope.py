import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import services
from assessments.models import Evaluation, EvaluationKind, EvaluationTemplate, Evidence, Indicator, Score
from stations.models import Role
from tests import builders
from tests.assessments import builders as ab

pytestmark = pytest.mark.django_db


def test_visible_to_per_role(world):
    h = world
    period = {"period_start": datetime.date(2025, 1, 1), "period_end": datetime.date(2025, 6, 30)}
    mine = services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=h.contract, evaluator=h.org,
                                      **period)
    theirs = services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=h.contract,
                                        evaluator=h.other_org, **period)
    county_b = services.evaluation_create(actor=h.root, template=h.midterm, contract=ab.contract(h.county_b),
                                          **period)
    indicator = Indicator.objects.filter(dimension__template=h.midterm).first()
    for evaluation, scorer in ((mine, h.evaluator), (theirs, h.other_evaluator), (county_b, h.root)):
        services.evaluation_save_scores(actor=scorer, evaluation=evaluation,
                                        scores={indicator.pk: (indicator.max_score, "")})
        services.evidence_add(actor=scorer, evaluation=evaluation,
                              file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"), title=str(evaluation.pk))
    gansu_template = ab.template(h.other_province, EvaluationKind.FINAL)
    city = builders.user("wuhan", Role.CITY, h.city)
    head = builders.user("head", Role.STATION_HEAD, h.a1, station=builders.station(h.a1))
    nobody = builders.user("nobody")

    def ids(model, user):
        return set(model.objects.visible_to(user).values_list("pk", flat=True))

    assert ids(Evaluation, h.evaluator) == {mine.pk}
    assert ids(Score, h.evaluator) == set(mine.scores.values_list("pk", flat=True))
    assert ids(Evidence, h.evaluator) == set(mine.evidence.values_list("pk", flat=True))
    assert ids(Evaluation, h.staff_a) == {mine.pk, theirs.pk}
    assert ids(Evaluation, h.staff_b) == {county_b.pk}
    assert ids(Evaluation, city) == {mine.pk, theirs.pk, county_b.pk}
    assert ids(Evaluation, head) == ids(Evaluation, nobody) == set()
    # Templates: regional staff see their province's; an evaluator only the ones of its evaluations.
    assert ids(EvaluationTemplate, h.staff_a) == {h.midterm.pk}
    assert gansu_template.pk not in ids(EvaluationTemplate, city)
    assert ids(EvaluationTemplate, h.evaluator) == {h.midterm.pk}
    assert ids(EvaluationTemplate, nobody) == set()
