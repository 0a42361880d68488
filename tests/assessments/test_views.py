import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments import services
from assessments.models import EvaluationKind, EvaluationStatus, Evidence, Indicator
from projects.models import InstallmentTrigger, PaymentInstallment
from tests import builders
from tests.assessments import builders as ab

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def assigned(h, **extra):
    return services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=h.contract, evaluator=h.org,
                                      period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30),
                                      **extra)


def url(name, evaluation):
    return reverse(f"assessments:{name}", kwargs={"pk": evaluation.pk})


def test_evaluator_work_list_shows_only_evaluations_assigned_to_their_organisation(world, client):
    h = world
    mine = assigned(h)
    other_contract = ab.contract(h.county_a, number="HT-OTHER")
    services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=other_contract, evaluator=h.other_org,
                               period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30))
    client.force_login(h.evaluator)
    page = client.get(reverse("assessments:evaluation-list")).content.decode()
    assert h.contract.number in page
    assert "HT-OTHER" not in page
    assert "我的评估任务" in page
    assert client.get(url("evaluation-detail", mine)).status_code == 200


def test_evaluator_cannot_open_another_evaluators_evaluation_or_county_records(world, client):
    h = world
    theirs = services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=h.contract,
                                        evaluator=h.other_org, period_start=datetime.date(2025, 1, 1),
                                        period_end=datetime.date(2025, 6, 30))
    own_county = services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=h.contract,
                                            period_start=datetime.date(2025, 1, 1),
                                            period_end=datetime.date(2025, 6, 30))
    evidence = services.evidence_add(actor=h.staff_a, evaluation=own_county,
                                     file=SimpleUploadedFile("a.pdf", PDF), title="自评报告")
    station = builders.station(h.a1)
    client.force_login(h.evaluator)
    for evaluation in (theirs, own_county):
        for name in ("evaluation-detail", "evaluation-score"):
            assert client.get(url(name, evaluation)).status_code == 404
        assert client.post(url("evaluation-submit", evaluation)).status_code == 404
    assert client.get(reverse("assessments:evidence-download", kwargs={"pk": evidence.pk})).status_code == 404
    # nothing else of the county: stations, regional results, contracts' installments
    assert client.get(reverse("stations:station-detail", kwargs={"pk": station.pk})).status_code == 404
    assert client.get(reverse("assessments:results") + "?region=420102").status_code == 404
    todo = client.get(reverse("assessments:todo")).content.decode()
    assert h.contract.number not in todo


def test_evaluator_result_page_does_not_show_the_contracts_payment_schedule(world, client):
    h = world
    evaluation = assigned(h)
    client.force_login(h.evaluator)
    page = client.get(url("evaluation-detail", evaluation)).content.decode()
    assert "合同付款计划" not in page
    client.force_login(h.staff_a)
    assert "合同付款计划" in client.get(url("evaluation-detail", evaluation)).content.decode()


def test_county_staff_of_another_county_see_nothing(world, client):
    h = world
    evaluation = assigned(h)
    client.force_login(h.staff_b)
    assert h.contract.number not in client.get(reverse("assessments:evaluation-list")).content.decode()
    for name in ("evaluation-detail", "evaluation-score"):
        assert client.get(url(name, evaluation)).status_code == 404
    assert client.post(url("evaluation-finalise", evaluation)).status_code == 404
    assert client.get(reverse("assessments:results") + "?region=420102").status_code == 404
    export = client.get(reverse("assessments:results-export"))
    assert h.contract.number not in _xlsx_text(export)


def test_scoring_form_groups_indicators_by_dimension_shows_guidance_and_checks_bounds(world, client):
    h = world
    evaluation = assigned(h)
    client.force_login(h.evaluator)
    page = client.get(url("evaluation-score", evaluation)).content.decode()
    assert page.index("行政监管") < page.index("制度建设") < page.index("服务成效") < page.index("服务人次")
    assert "满意度的评分说明" in page
    indicators = list(Indicator.objects.filter(dimension__template=h.midterm))
    data = {f"score_{i.pk}": str(i.max_score) for i in indicators}
    data[f"score_{indicators[0].pk}"] = "10.5"
    response = client.post(url("evaluation-score", evaluation), {**data, "submit": "1"})
    assert response.status_code == 200
    assert "“制度建设”得分不能超过满分 10.00" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT and evaluation.scores.count() == 0
    data[f"score_{indicators[0].pk}"] = "7"
    response = client.post(url("evaluation-score", evaluation), {**data, "submit": "1", "comments": "总体良好"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED
    # 7/10 + 10 of 20 on 行政监管 (weight 20) = 17 points; others full: 17 + 40 + 25 + 15
    assert evaluation.total == D("97.00")
    assert evaluation.comments == "总体良好"


def test_county_finalises_from_result_page_and_installment_due_date_is_shown(world, client):
    h = world
    evaluation = assigned(h)
    services.evaluation_save_scores(actor=h.evaluator, evaluation=evaluation, scores=ab.full_scores(h.midterm,
                                                                                                   D("0.85")))
    services.evaluation_submit(actor=h.evaluator, evaluation=evaluation)
    client.force_login(h.evaluator)
    client.post(url("evaluation-finalise", evaluation))
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED  # the evaluator cannot finalise
    client.force_login(h.staff_a)
    assert "确认评估结果" in client.get(url("evaluation-detail", evaluation)).content.decode()
    response = client.post(url("evaluation-finalise", evaluation), follow=True)
    page = response.content.decode()
    due = PaymentInstallment.objects.get(contract=h.contract, trigger=InstallmentTrigger.MIDTERM_PASSED).due_on
    assert due is not None
    assert f"{due.year}年{due.month}月{due.day}日" in page
    assert "评估结果已确认" in page
    response = client.post(url("evaluation-finalise", evaluation), follow=True)
    assert "不能重复确认" in response.content.decode()


def test_evidence_upload_checks_type_content_and_size(world, client, media_root):
    h = world
    evaluation = assigned(h)
    client.force_login(h.evaluator)
    ok = client.post(url("evidence-create", evaluation), {"file": SimpleUploadedFile("报告.pdf", PDF),
                                                          "title": "中期报告"}, follow=True)
    assert "附件已上传" in ok.content.decode()
    evidence = Evidence.objects.get(evaluation=evaluation)
    assert str(media_root) in evidence.file.path
    download = client.get(reverse("assessments:evidence-download", kwargs={"pk": evidence.pk}))
    assert b"".join(download.streaming_content) == PDF
    renamed = client.post(url("evidence-create", evaluation),
                          {"file": SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not an image")}, follow=True)
    assert "内容与扩展名 .jpg 不符" in renamed.content.decode()
    exe = client.post(url("evidence-create", evaluation), {"file": SimpleUploadedFile("tool.exe", b"MZ")},
                      follow=True)
    assert "类型不允许" in exe.content.decode()
    fake_docx = client.post(url("evidence-create", evaluation),
                            {"file": SimpleUploadedFile("a.docx", _zip({"other.xml": b"x"}))}, follow=True)
    assert "不符" in fake_docx.content.decode()
    big = client.post(url("evidence-create", evaluation),
                      {"file": SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))}, follow=True)
    assert "超过 10 MB" in big.content.decode()
    assert Evidence.objects.filter(evaluation=evaluation).count() == 1


def test_real_docx_and_png_are_accepted(world):
    from assessments.validators import validate_evidence_file

    validate_evidence_file(SimpleUploadedFile("a.docx", _zip({"word/document.xml": b"<w/>"})))
    validate_evidence_file(SimpleUploadedFile("b.xlsx", _zip({"xl/workbook.xml": b"<w/>"})))
    validate_evidence_file(SimpleUploadedFile("c.PNG", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20))
    validate_evidence_file(SimpleUploadedFile("d.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 20))


def test_todo_lists_non_renewable_contracts_and_evaluations_awaiting_action(world, client):
    h = world
    annual = ab.template(h.province, EvaluationKind.ANNUAL)
    failing = services.evaluation_create(actor=h.staff_a, template=annual, contract=h.contract,
                                         period_start=datetime.date(2025, 1, 1),
                                         period_end=datetime.date(2025, 12, 31))
    services.evaluation_save_scores(actor=h.staff_a, evaluation=failing, scores=ab.full_scores(annual, D("0.4")))
    services.evaluation_submit(actor=h.staff_a, evaluation=failing)
    waiting = assigned(h)
    client.force_login(h.staff_a)
    page = client.get(reverse("assessments:todo")).content.decode()
    assert "待确认的评估" in page and h.contract.title in page
    services.evaluation_finalise(actor=h.staff_a, evaluation=failing)
    page = client.get(reverse("assessments:todo")).content.decode()
    not_renewable = page[page.index('id="not-renewable"'):]
    assert h.contract.number in not_renewable and "年度评估不合格" in not_renewable
    client.force_login(h.evaluator)
    to_score = client.get(reverse("assessments:todo")).content.decode()
    assert url("evaluation-score", waiting) in to_score
    assert "年度评估不合格" not in to_score
    client.force_login(h.staff_b)
    assert h.contract.number not in client.get(reverse("assessments:todo")).content.decode()


def _finalised(h, contract, fraction, low=None):
    evaluation = services.evaluation_create(actor=h.root, template=h.midterm, contract=contract,
                                            period_start=datetime.date(2025, 1, 1),
                                            period_end=datetime.date(2025, 6, 30))
    scores = ab.full_scores(h.midterm, fraction)
    for indicator in Indicator.objects.filter(dimension__template=h.midterm, name__in=low or {}):
        scores[indicator.pk] = (low[indicator.name], "")
    services.evaluation_save_scores(actor=h.root, evaluation=evaluation, scores=scores)
    services.evaluation_submit(actor=h.root, evaluation=evaluation)
    return services.evaluation_finalise(actor=h.root, evaluation=evaluation, on_date=datetime.date(2025, 7, 1))


def test_region_results_table_grade_distribution_and_weakest_indicators(world, client):
    h = world
    _finalised(h, h.contract, D("0.95"))
    _finalised(h, ab.contract(h.county_a), D("0.5"))
    weak = _finalised(h, ab.contract(h.county_a), D("1"), low={"财务管理": D("1")})
    client.force_login(h.staff_a)
    page = client.get(reverse("assessments:results")).content.decode()
    start = page.index('id="grade-distribution"')
    table = page[start:page.index("</table>", start)]
    assert "江岸区" in table
    cells = [c.split("<")[0] for c in table.split('<td class="num">')[1:]]
    assert cells[:5] == ["2", "0", "0", "1", "3"]  # excellent 2, good 0, pass 0, fail 1, total 3
    # 财务管理: (9.5 + 5 + 1) / 3 evaluations of max 10 → 51.67 %, the lowest
    weakest = page[page.index('id="weakest-indicators"'):]
    body = weakest[weakest.index("<tbody>"):]
    first_row = body[:body.index("</tr>")]
    assert "财务管理" in first_row and "51.67" in first_row
    assert weak.grade == "excellent"


def test_region_results_query_count_does_not_grow(world, client, django_assert_max_num_queries):
    h = world
    _finalised(h, h.contract, D("0.9"))
    city = builders.user("wuhan", "city", h.city)
    client.force_login(city)
    client.get(reverse("assessments:results"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("assessments:results"))
    for fraction in (D("0.3"), D("0.7"), D("0.8")):
        _finalised(h, ab.contract(h.county_a), fraction)
    _finalised(h, ab.contract(h.county_b), D("0.6"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("assessments:results")).content.decode()
    assert "江岸区" in page and "江汉区" in page


def test_results_export_is_scoped_and_keeps_numbers(world, client):
    h = world
    _finalised(h, h.contract, D("0.9"))
    client.force_login(h.staff_a)
    response = client.get(reverse("assessments:results-export"))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "江岸区"]
    assert len(values) == 1 and values[0][9] == 90 and values[0][10] == "优秀"
    assert values[0][3:5] == ("县级评估", "江岸区")  # the county's own evaluation, started by the county
    client.force_login(h.staff_b)
    assert "江岸区" not in _xlsx_text(client.get(reverse("assessments:results-export")))


def test_create_evaluation_screen(world, client):
    h = world
    client.force_login(h.staff_a)
    page = client.get(reverse("assessments:evaluation-create")).content.decode()
    assert h.org.name in page and h.contract.number in page
    response = client.post(reverse("assessments:evaluation-create"), {
        "template": h.midterm.pk, "contract": h.contract.pk, "period_start": "2025-01-01",
        "period_end": "2025-06-30", "evaluator": h.org.pk})
    assert response.status_code == 302
    client.force_login(h.staff_b)
    response = client.post(reverse("assessments:evaluation-create"), {
        "template": h.midterm.pk, "contract": h.contract.pk, "period_start": "2025-01-01",
        "period_end": "2025-06-30"})
    assert response.status_code == 200 and "contract" in response.context["form"].errors
    client.force_login(h.evaluator)
    assert client.get(reverse("assessments:evaluation-create")).status_code == 404


def _zip(members: dict) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx_text(response) -> str:
    book = load_workbook(io.BytesIO(response.content))
    return " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
                    if v is not None)


def test_work_list_query_count_does_not_grow_with_rows(world, client, django_assert_max_num_queries):
    h = world
    assigned(h)
    client.force_login(h.evaluator)
    client.get(reverse("assessments:evaluation-list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("assessments:evaluation-list"))
    for _ in range(4):
        services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=ab.contract(h.county_a),
                                   evaluator=h.org, period_start=datetime.date(2025, 1, 1),
                                   period_end=datetime.date(2025, 6, 30))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("assessments:evaluation-list")).content.decode()
    assert page.count("/assessments/") >= 5
