import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments import services
from assessments.models import EvaluationStatus

pytestmark = pytest.mark.django_db

FULL = {"制度建设": 10, "台账规范": 10, "服务人次": 20, "个案质量": 20, "人员管理": 15, "财务管理": 10, "满意度": 100}


@pytest.fixture
def evaluation(world):
    h = world
    return services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=h.contract, evaluator=h.org,
                                      period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30))


def import_url(evaluation):
    return reverse("assessments:score-import", kwargs={"pk": evaluation.pk})


def sheet_from(client, evaluation, overrides):
    """Download the scoring sheet, fill in scores like an evaluator would, return the file."""
    response = client.get(import_url(evaluation) + "?template=1")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["维度", "指标", "满分", "得分", "评分说明"]
    for row in sheet.iter_rows(min_row=2):
        name = row[1].value
        if name in overrides:
            row[3].value = overrides[name]
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("评分表.xlsx", buffer.getvalue())


def test_offline_scores_are_previewed_then_imported_and_totalled(world, evaluation, client):
    h = world
    client.force_login(h.evaluator)
    scores = {**FULL, "满意度": 80}
    preview = client.post(import_url(evaluation), {"file": sheet_from(client, evaluation, scores)})
    page = preview.content.decode()
    assert "确认导入" in page and "新增" in page
    assert evaluation.scores.count() == 0  # nothing written by the preview
    token = preview.context["token"]
    done = client.post(import_url(evaluation), {"token": token}, follow=True)
    assert "导入完成" in done.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.scores.count() == 7
    # 20 + 40 + 25 + 80/100 × 15
    assert evaluation.total == D("97.00")
    assert evaluation.status == EvaluationStatus.DRAFT


def test_one_bad_row_writes_nothing_and_names_the_row(world, evaluation, client):
    h = world
    client.force_login(h.evaluator)
    upload = sheet_from(client, evaluation, {**FULL, "个案质量": 25})
    response = client.post(import_url(evaluation), {"file": upload})
    page = response.content.decode()
    assert "第 5 行" in page and "超过满分 20" in page
    assert response.context["token"] is None
    assert evaluation.scores.count() == 0


def test_unknown_indicator_is_reported(world, evaluation, client):
    h = world
    client.force_login(h.evaluator)
    book = Workbook()
    sheet = book.active
    sheet.append(["维度", "指标", "满分", "得分", "评分说明"])
    sheet.append(["服务成效", "不存在的指标", 10, 5, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(import_url(evaluation), {"file": SimpleUploadedFile("x.xlsx", buffer.getvalue())})
    assert "没有维度“服务成效”下的指标“不存在的指标”" in response.content.decode()
    assert evaluation.scores.count() == 0


def test_import_is_refused_to_others_and_after_submission(world, evaluation, client):
    h = world
    for outsider in (h.other_evaluator, h.staff_b):
        client.force_login(outsider)
        assert client.get(import_url(evaluation)).status_code == 404
    client.force_login(h.staff_a)  # assigned to an evaluator: the county does not score it
    assert client.get(import_url(evaluation)).status_code == 302
    services.evaluation_save_scores(actor=h.evaluator, evaluation=evaluation, scores={})
    client.force_login(h.evaluator)
    upload = sheet_from(client, evaluation, FULL)
    from tests.assessments import builders as ab

    services.evaluation_save_scores(actor=h.evaluator, evaluation=evaluation, scores=ab.full_scores(h.midterm))
    services.evaluation_submit(actor=h.evaluator, evaluation=evaluation)
    response = client.post(import_url(evaluation), {"file": upload})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED
