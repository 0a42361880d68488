"""Two scorers with the same evaluation open: the second save, made from a form opened before
the first save, is refused instead of overwriting the first scorer's scores."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from assessments.models import Indicator, Score
from core.audit import edit_token
from tests.assessments import builders as ab
from tests.assessments.test_views import assigned

pytestmark = pytest.mark.django_db
STALE = "该评估的评分已被他人修改"


def opened_form(client, evaluation) -> dict:
    form = client.get(reverse("assessments:evaluation-score", args=[evaluation.pk])).context["form"]
    return {"edit_token": form.initial["edit_token"], "comments": ""}


def test_a_second_scorer_working_from_a_stale_form_does_not_overwrite_the_first(world, client):
    h = world
    evaluation = assigned(h)
    colleague = ab.evaluator("pinggu3", h.org)
    indicator = Indicator.objects.filter(dimension__template=h.midterm).first()
    url = reverse("assessments:evaluation-score", args=[evaluation.pk])
    client.force_login(h.evaluator)
    first = opened_form(client, evaluation)
    client.force_login(colleague)
    second = opened_form(client, evaluation)
    client.force_login(h.evaluator)
    assert client.post(url, {**first, f"score_{indicator.pk}": "6"}).status_code == 302
    client.force_login(colleague)
    response = client.post(url, {**second, f"score_{indicator.pk}": "9"})
    assert response.status_code == 200
    page = response.content.decode()
    assert STALE in page and 'value="9"' in page  # the refused input stays on the form
    assert Score.objects.get(evaluation=evaluation, indicator=indicator).score == 6
    # Reopened, the form carries the current state and the colleague's change goes through.
    assert client.post(url, {**opened_form(client, evaluation), f"score_{indicator.pk}": "9"}).status_code == 302
    assert Score.objects.get(evaluation=evaluation, indicator=indicator).score == 9


def test_the_service_checks_the_token_under_the_row_lock(world):
    h = world
    evaluation = assigned(h)
    indicator = Indicator.objects.filter(dimension__template=h.midterm).first()
    token = edit_token(evaluation)
    services.evaluation_save_scores(actor=h.evaluator, evaluation=evaluation, scores={indicator.pk: (5, "")},
                                    expected_token=token)
    with pytest.raises(ValidationError) as info:
        services.evaluation_save_scores(actor=h.evaluator, evaluation=evaluation, scores={indicator.pk: (8, "")},
                                        expected_token=token)
    assert STALE in info.value.messages[0]
    assert Score.objects.get(evaluation=evaluation, indicator=indicator).score == 5
