"""What the home page and the reporting-chain report take from the assessments app: the
evaluations finalised in a period with their grades, and the count of evaluations waiting."""

import datetime
from decimal import Decimal as D

import pytest

from assessments import services
from assessments.models import Grade
from assessments.selectors import evaluation_period_summary, evaluation_todo_summary, todo_list
from tests.assessments import builders as ab

pytestmark = pytest.mark.django_db

JULY = datetime.date(2025, 7, 1)


def _evaluation(h, contract, fraction=None, finalise_on=None):
    evaluation = services.evaluation_create(actor=h.root, template=h.midterm, contract=contract,
                                            period_start=datetime.date(2025, 1, 1),
                                            period_end=datetime.date(2025, 6, 30))
    if fraction is not None:
        services.evaluation_save_scores(actor=h.root, evaluation=evaluation,
                                        scores=ab.full_scores(h.midterm, fraction))
        services.evaluation_submit(actor=h.root, evaluation=evaluation)
    if finalise_on is not None:
        evaluation = services.evaluation_finalise(actor=h.root, evaluation=evaluation, on_date=finalise_on)
    return evaluation


def test_period_summary_lists_the_regions_finalised_evaluations_and_counts_grades(world,
                                                                                  django_assert_num_queries):
    h = world
    good = _evaluation(h, h.contract, D("0.85"), finalise_on=JULY)
    _evaluation(h, ab.contract(h.county_a), D("0.5"), finalise_on=datetime.date(2025, 10, 8))  # after the period
    _evaluation(h, ab.contract(h.county_b), D("0.95"), finalise_on=JULY)  # county B
    _evaluation(h, ab.contract(h.county_a), D("0.95"))  # submitted, not finalised
    with django_assert_num_queries(1):
        summary = evaluation_period_summary(user=h.staff_a, region=h.county_a, first=JULY,
                                            last=datetime.date(2025, 9, 30))
    assert [(r.county, r.subject, r.grade, r.total, r.finalised_on) for r in summary.rows] == [
        ("江岸区", good.subject_name, str(Grade(good.grade).label), good.total, JULY)]
    assert list(summary.grades) == [str(Grade(g).label) for g in (Grade.EXCELLENT, Grade.GOOD, Grade.PASS,
                                                                  Grade.FAIL)]
    assert summary.grades[str(Grade(good.grade).label)] == 1 and sum(summary.grades.values()) == 1
    city = evaluation_period_summary(user=h.root, region=h.city, first=JULY, last=datetime.date(2025, 9, 30))
    assert [r.county for r in city.rows] == ["江岸区", "江汉区"]
    assert evaluation_period_summary(user=h.staff_b, region=h.county_a, first=JULY,
                                     last=datetime.date(2025, 9, 30)).rows == []


def test_todo_summary_counts_the_todo_pages_evaluations(world):
    h = world
    _evaluation(h, h.contract, D("0.85"))  # submitted: the county confirms it
    assigned = services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=ab.contract(h.county_a),
                                          evaluator=h.org, period_start=datetime.date(2025, 1, 1),
                                          period_end=datetime.date(2025, 6, 30))
    for user in (h.staff_a, h.staff_b, h.evaluator, h.other_evaluator):
        todo = todo_list(user=user)
        counts = evaluation_todo_summary(user=user)
        assert (counts.to_finalise, counts.to_score) == (len(todo.to_finalise), len(todo.to_score)), user
    assert evaluation_todo_summary(user=h.staff_a).to_finalise == 1
    assert evaluation_todo_summary(user=h.evaluator).to_score == 1 and assigned.evaluator == h.org
    assert evaluation_todo_summary(user=h.staff_b).waiting == 0
