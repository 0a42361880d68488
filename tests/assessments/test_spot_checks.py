"""Spot checks (抽查): an evaluation belongs to the bureau that started it.

A county runs its own evaluations; its city and its province run spot checks of it (DOMAIN.md,
roles; POLICIES.md D6). Only the bureau that started an evaluation confirms or returns it; the
others see it, with who started it, and nothing more.
"""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from openpyxl import load_workbook

from assessments import services
from assessments.models import Evaluation, EvaluationKind, EvaluationOrigin, EvaluationStatus, Evidence
from assessments.selectors import evaluation_period_summary
from projects.models import ContractEvaluation, InstallmentTrigger, PaymentInstallment
from stations.models import Role, StationAcceptance
from stations.roles import ensure_role_groups
from tests import builders
from tests.assessments import builders as ab

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PERIOD = {"period_start": datetime.date(2025, 1, 1), "period_end": datetime.date(2025, 6, 30)}


@pytest.fixture
def bureaus(world):
    """The world of conftest, plus the city above county A (武汉市), another city (宜昌市) and the province."""
    h = world
    h.wuhan = builders.user("wuhan", Role.CITY, h.city)
    h.yichang = builders.user("yichang", Role.CITY, h.other_city)
    h.hubei = builders.user("hubei", Role.PROVINCE, h.province)
    return h


def url(name, evaluation):
    return reverse(f"assessments:{name}", kwargs={"pk": evaluation.pk})


def submitted(h, actor, *, contract=None, evaluator=None, scorer=None, fraction=D("0.8")):
    """An evaluation of county A started by ``actor``, fully scored and submitted."""
    evaluation = services.evaluation_create(actor=actor, template=h.midterm, contract=contract or h.contract,
                                            evaluator=evaluator, **PERIOD)
    scorer = scorer or actor
    services.evaluation_save_scores(actor=scorer, evaluation=evaluation, scores=ab.full_scores(h.midterm, fraction))
    return services.evaluation_submit(actor=scorer, evaluation=evaluation)


def state(evaluation):
    row = Evaluation.objects.get(pk=evaluation.pk)
    return (row.status, row.finalised_on, row.finalised_by_id, row.returned_reason, row.history.count(),
            Evidence.objects.filter(evaluation=row).count())


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_city_cannot_confirm_return_or_manage_a_countys_own_evaluation(bureaus, client):
    h = bureaus
    evaluation = submitted(h, h.staff_a, evaluator=h.org, scorer=h.evaluator)
    before = state(evaluation)
    client.force_login(h.wuhan)

    # The city reads it, and sees whose it is; no button to confirm, return or attach files.
    page = client.get(url("evaluation-detail", evaluation))
    html = page.content.decode()
    assert page.status_code == 200 and h.contract.number in html
    assert "县级评估" in html and "本评估为县级评估，由江岸区民政部门确认或退回。" in html
    assert "确认评估结果" not in html and "退回评分方" not in html and 'name="file"' not in html
    todo = client.get(reverse("assessments:todo")).content.decode()
    assert h.contract.number not in todo[todo.index('id="to-finalise"'):todo.index('id="to-score"')]

    # Direct posts are refused with the reason, and change nothing.
    response = client.post(url("evaluation-finalise", evaluation), follow=True)
    assert "只有发起该评估的江岸区民政部门可以确认评估结果（本评估为县级评估）" in messages_of(response)
    response = client.post(url("evaluation-return", evaluation), {"reason": "市局退回"}, follow=True)
    assert "只有发起该评估的江岸区民政部门可以退回评估（本评估为县级评估）" in messages_of(response)
    response = client.post(url("evaluation-return", evaluation), {"reason": ""}, follow=True)
    assert "只有发起该评估的江岸区民政部门可以退回评估" in messages_of(response)
    response = client.post(url("evidence-create", evaluation), {"file": SimpleUploadedFile("a.pdf", PDF)},
                           follow=True)
    assert "该评估当前不能上传附件" in messages_of(response)

    # The service refuses too, whoever calls it.
    with pytest.raises(PermissionDenied, match="本评估为县级评估"):
        services.evaluation_finalise(actor=h.wuhan, evaluation=evaluation)
    with pytest.raises(PermissionDenied, match="本评估为县级评估"):
        services.evaluation_return(actor=h.wuhan, evaluation=evaluation, reason="市局退回")
    assert state(evaluation) == before
    assert PaymentInstallment.objects.get(contract=h.contract, trigger=InstallmentTrigger.MIDTERM_PASSED).due_on \
        is None
    assert not ContractEvaluation.objects.filter(contract=h.contract).exists()

    # The county still confirms its own.
    client.force_login(h.staff_a)
    assert "确认评估结果" in client.get(url("evaluation-detail", evaluation)).content.decode()
    client.post(url("evaluation-finalise", evaluation))
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.FINALISED


def test_a_city_starts_a_spot_check_in_its_city_scores_it_and_confirms_it(bureaus, client):
    h = bureaus
    client.force_login(h.wuhan)
    form = client.get(reverse("assessments:evaluation-create")).content.decode()
    assert "以武汉市民政部门名义发起，评估来源为“市级抽查”" in form
    response = client.post(reverse("assessments:evaluation-create"), {
        "template": h.midterm.pk, "contract": h.contract.pk, "period_start": "2025-01-01",
        "period_end": "2025-06-30"}, follow=True)
    evaluation = Evaluation.objects.get(contract=h.contract)
    assert "已发起市级抽查" in messages_of(response)
    assert "市级抽查（武汉市民政部门发起）" in response.content.decode()
    assert evaluation.initiating_region == h.city and evaluation.origin == EvaluationOrigin.CITY

    # No evaluator assigned: the city scores it itself, and is told it confirms it.
    services.evaluation_save_scores(actor=h.wuhan, evaluation=evaluation, scores=ab.full_scores(h.midterm, D("0.9")))
    response = client.post(url("evaluation-submit", evaluation), follow=True)
    assert "评分已提交，等待市级民政部门确认。" in messages_of(response)
    page = client.get(url("evaluation-detail", evaluation)).content.decode()
    assert "确认评估结果" in page and "退回评分方" in page
    todo = client.get(reverse("assessments:todo")).content.decode()
    assert "中期评估（市级抽查）" in todo[todo.index('id="to-finalise"'):todo.index('id="to-score"')]
    response = client.post(url("evaluation-finalise", evaluation), follow=True)
    assert "评估结果已确认。抽查结果记入合同的评估记录，不触发付款、续签或验收。" in messages_of(response)
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.finalised_by) == (EvaluationStatus.FINALISED, h.wuhan)

    # Audited: who started and confirmed it, and as what.
    reasons = list(evaluation.history.order_by("history_id").values_list("history_user__username",
                                                                         "history_change_reason"))
    assert reasons[0] == ("wuhan", "发起市级抽查") and ("wuhan", "确认评估结果") in reasons

    # The result is on the contract for all to see; the county's money and renewal stay the county's.
    result = ContractEvaluation.objects.get(contract=h.contract)
    assert (result.kind_label, result.grade, result.passed) == ("中期评估（市级抽查）", "优秀", True)
    assert PaymentInstallment.objects.get(contract=h.contract, trigger=InstallmentTrigger.MIDTERM_PASSED) \
        .triggered_on is None


def test_a_county_cannot_confirm_or_return_its_citys_spot_check(bureaus, client):
    h = bureaus
    spot_check = submitted(h, h.wuhan, evaluator=h.org, scorer=h.evaluator)
    assert spot_check.origin == EvaluationOrigin.CITY
    before = state(spot_check)
    client.force_login(h.staff_a)
    page = client.get(url("evaluation-detail", spot_check)).content.decode()
    assert "市级抽查" in page and "本评估为市级抽查，由武汉市民政部门确认或退回。" in page
    assert "确认评估结果" not in page and "退回评分方" not in page
    response = client.post(url("evaluation-finalise", spot_check), follow=True)
    assert "只有发起该评估的武汉市民政部门可以确认评估结果（本评估为市级抽查）" in messages_of(response)
    response = client.post(url("evaluation-return", spot_check), {"reason": "县局退回"}, follow=True)
    assert "只有发起该评估的武汉市民政部门可以退回评估" in messages_of(response)
    with pytest.raises(PermissionDenied):
        services.evaluation_finalise(actor=h.staff_a, evaluation=spot_check)
    assert state(spot_check) == before
    # The province above does not confirm the city's spot check either.
    with pytest.raises(PermissionDenied, match="本评估为市级抽查"):
        services.evaluation_finalise(actor=h.hubei, evaluation=spot_check)
    assert state(spot_check) == before


def test_who_scores_a_spot_check_is_who_is_assigned(bureaus, client):
    h = bureaus
    assigned = services.evaluation_create(actor=h.wuhan, template=h.midterm, contract=h.contract,
                                          evaluator=h.org, **PERIOD)
    own = services.evaluation_create(actor=h.wuhan, template=h.midterm, contract=ab.contract(h.county_a),
                                     **PERIOD)
    full = ab.full_scores(h.midterm)
    client.force_login(h.staff_a)
    for evaluation in (assigned, own):  # the county scores neither
        response = client.get(url("evaluation-score", evaluation), follow=True)
        assert "该评估当前不能由您评分" in messages_of(response)
        with pytest.raises(PermissionDenied):
            services.evaluation_save_scores(actor=h.staff_a, evaluation=evaluation, scores=full)
    with pytest.raises(PermissionDenied):  # an evaluator is assigned: not the city either
        services.evaluation_save_scores(actor=h.wuhan, evaluation=assigned, scores=full)
    client.force_login(h.evaluator)
    assert client.get(url("evaluation-score", assigned)).status_code == 200
    client.force_login(h.wuhan)
    assert client.get(url("evaluation-score", own)).status_code == 200
    services.evaluation_save_scores(actor=h.evaluator, evaluation=assigned, scores=full)
    response = client.post(url("evaluation-submit", assigned), follow=True)
    assert "您不能提交该评估" in messages_of(response)  # the city does not submit the evaluator's work
    assert Evaluation.objects.get(pk=assigned.pk).status == EvaluationStatus.DRAFT
    client.force_login(h.evaluator)
    response = client.post(url("evaluation-submit", assigned), follow=True)
    assert "评分已提交，等待市级民政部门确认。" in messages_of(response)


def test_a_city_cannot_start_a_spot_check_in_another_city(bureaus, client):
    h = bureaus
    client.force_login(h.yichang)  # 宜昌市; county A is in 武汉市
    response = client.post(reverse("assessments:evaluation-create"), {
        "template": h.midterm.pk, "contract": h.contract.pk, "period_start": "2025-01-01",
        "period_end": "2025-06-30"})
    assert response.status_code == 200 and "contract" in response.context["form"].errors
    with pytest.raises(PermissionDenied, match="其所属市、省的民政部门可以发起抽查"):
        services.evaluation_create(actor=h.yichang, template=h.midterm, contract=h.contract, **PERIOD)
    with pytest.raises(PermissionDenied, match="其所属市、省的民政部门可以发起抽查"):
        services.evaluation_create(actor=h.wuhan, template=h.midterm, contract=ab.contract(h.county_c), **PERIOD)
    # nor in its own city on another bureau's behalf
    with pytest.raises(PermissionDenied, match="其所属市、省的民政部门可以发起抽查"):
        services.evaluation_create(actor=h.wuhan, template=h.midterm, contract=h.contract,
                                   initiating_region=h.county_a, **PERIOD)
    assert not Evaluation.objects.exists()


def test_the_province_runs_its_own_spot_checks_and_only_those(bureaus, client):
    h = bureaus
    county_own = submitted(h, h.staff_a, contract=ab.contract(h.county_a, number="HT-COUNTY"))
    city_check = submitted(h, h.wuhan, contract=ab.contract(h.county_a, number="HT-CITY"))
    province_check = submitted(h, h.hubei, contract=ab.contract(h.county_a, number="HT-PROVINCE"))
    assert province_check.initiating_region == h.province
    client.force_login(h.hubei)
    page = client.get(url("evaluation-detail", province_check)).content.decode()
    assert "省级抽查（湖北省民政部门发起）" in page and "确认评估结果" in page
    for other in (county_own, city_check):
        page = client.get(url("evaluation-detail", other)).content.decode()
        assert page.count("确认评估结果") == 0
        with pytest.raises(PermissionDenied):
            services.evaluation_finalise(actor=h.hubei, evaluation=other)
    for outsider in (h.wuhan, h.staff_a):
        client.force_login(outsider)
        assert "确认评估结果" not in client.get(url("evaluation-detail", province_check)).content.decode()
        with pytest.raises(PermissionDenied, match="本评估为省级抽查"):
            services.evaluation_finalise(actor=outsider, evaluation=province_check)
    services.evaluation_finalise(actor=h.hubei, evaluation=province_check)
    assert [e.status for e in Evaluation.objects.order_by("pk")] == [
        EvaluationStatus.SUBMITTED, EvaluationStatus.SUBMITTED, EvaluationStatus.FINALISED]


def test_the_list_shows_and_filters_by_who_started_the_evaluation(bureaus, client):
    h = bureaus
    services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=ab.contract(h.county_a, number="HT-X"),
                               **PERIOD)
    services.evaluation_create(actor=h.wuhan, template=h.midterm, contract=ab.contract(h.county_a, number="HT-Y"),
                               **PERIOD)
    services.evaluation_create(actor=h.hubei, template=h.midterm, contract=ab.contract(h.county_b, number="HT-Z"),
                               **PERIOD)
    client.force_login(h.wuhan)
    listing = reverse("assessments:evaluation-list")
    page = client.get(listing).content.decode()
    assert '<select name="origin">' in page
    for number, label in (("HT-X", "县级评估"), ("HT-Y", "市级抽查"), ("HT-Z", "省级抽查")):
        row = page[page.index(number):]
        assert label in row[:row.index("</tr>")]
    for origin, shown in (("county", "HT-X"), ("city", "HT-Y"), ("province", "HT-Z")):
        page = client.get(listing, {"origin": origin}).content.decode()
        assert [n for n in ("HT-X", "HT-Y", "HT-Z") if n in page] == [shown], origin
        assert f'<option value="{origin}" selected>' in page
    # a county sees the spot checks of itself too, and filters them alike
    client.force_login(h.staff_a)
    page = client.get(listing, {"origin": "city"}).content.decode()
    assert "HT-Y" in page and "HT-X" not in page and "HT-Z" not in page


def test_exports_and_the_chain_report_say_who_started_each_evaluation(bureaus, client):
    h = bureaus
    for actor, number in ((h.staff_a, "HT-X"), (h.wuhan, "HT-Y")):
        evaluation = submitted(h, actor, contract=ab.contract(h.county_a, number=number))
        services.evaluation_finalise(actor=actor, evaluation=evaluation, on_date=datetime.date(2025, 7, 10))
    client.force_login(h.wuhan)
    book = load_workbook(io.BytesIO(client.get(reverse("assessments:results-export")).content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "县（市、区）")
    assert header[3:5] == ("评估来源", "发起单位")
    found = {r[1].split()[0]: r[3:5] for r in rows if r and r[0] == "江岸区"}
    assert found == {"HT-X": ("县级评估", "江岸区"), "HT-Y": ("市级抽查", "武汉市")}
    summary = evaluation_period_summary(user=h.wuhan, region=h.city, first=datetime.date(2025, 7, 1),
                                        last=datetime.date(2025, 9, 30))
    assert sorted(row.kind for row in summary.rows) == ["中期评估", "中期评估（市级抽查）"]


def test_the_admin_shows_and_filters_who_started_each_evaluation(bureaus, client):
    h = bureaus
    official = builders.user("hubei_admin", Role.PROVINCE, h.province, is_staff=True)
    official.groups.add(ensure_role_groups()[Role.PROVINCE])
    services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=ab.contract(h.county_a, number="HT-X"),
                               **PERIOD)
    spot_check = services.evaluation_create(actor=h.wuhan, template=h.midterm,
                                            contract=ab.contract(h.county_a, number="HT-Y"), **PERIOD)
    client.force_login(official)
    changelist = reverse("admin:assessments_evaluation_changelist")
    page = client.get(changelist, {"origin": "city"}).content.decode()
    assert "HT-Y" in page and "HT-X" not in page and "市级抽查（武汉市）" in page
    detail = client.get(reverse("admin:assessments_evaluation_change", args=[spot_check.pk])).content.decode()
    assert "市级抽查（武汉市）" in detail and 'name="_save"' not in detail  # shown, never edited here


@pytest.mark.django_db(transaction=True)
def test_the_migration_marks_existing_evaluations_as_the_counties_own(bureaus, client):
    h = bureaus
    old = [services.evaluation_create(actor=actor, template=h.midterm, contract=ab.contract(county), **PERIOD)
           for actor, county in ((h.staff_a, h.county_a), (h.staff_b, h.county_b), (h.root, h.county_c))]
    executor = MigrationExecutor(connection)
    executor.migrate([("assessments", "0001_templates_evaluations_scores")])  # before the field existed
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("assessments"))

    for evaluation in old:
        stored = Evaluation.objects.get(pk=evaluation.pk)
        assert stored.initiating_region_id == stored.county_id and stored.origin == EvaluationOrigin.COUNTY
        assert set(stored.history.values_list("initiating_region_id", flat=True)) == {stored.county_id}
    client.force_login(h.root)
    page = client.get(reverse("assessments:evaluation-list"), {"origin": "county"}).content.decode()
    assert all(e.contract.number in page for e in old)
    assert "县级评估（江岸区民政部门发起）" in client.get(url("evaluation-detail", old[0])).content.decode()
    assert client.get(reverse("assessments:evaluation-list"), {"origin": "city"}).context["evaluations"] \
        .count() == 0


def test_a_provincial_spot_check_of_a_station_does_not_record_its_acceptance(bureaus, client):
    h = bureaus
    station = builders.station(h.a1)
    acceptance = ab.template(h.province, EvaluationKind.STATION_ACCEPTANCE)
    evaluation = services.evaluation_create(actor=h.hubei, template=acceptance, station=station, **PERIOD)
    services.evaluation_save_scores(actor=h.hubei, evaluation=evaluation, scores=ab.full_scores(acceptance))
    services.evaluation_submit(actor=h.hubei, evaluation=evaluation)
    client.force_login(h.hubei)
    response = client.post(url("evaluation-finalise", evaluation), follow=True)
    assert "抽查结果记入合同的评估记录，不触发付款、续签或验收" in messages_of(response)
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.FINALISED
    assert not StationAcceptance.objects.filter(station=station).exists()  # acceptance is the county's act
