"""The home page's overview: each figure equals what the user finds on the page it links to."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import EvaluationKind
from projects import services as project_services
from stations.models import Role
from tests import builders
from tests.assessments import builders as ab
from tests.projects import builders as pb
from tests.stations import report_builders as rb
from tests.stations.coverage_builders import target
from tests.workforce import builders as wb

TODAY = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=rb.SHANGHAI)
ALERT = re.compile(r'data-alert="(?P<key>\w+)">\s*<a href="(?P<url>[^"]+)"><span class="count" data-count="(?P<n>\d+)"')


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


def _county_records(h, county, townships, tag):
    """Two operating stations (the third township uncovered), February's report filed by one of
    them, a contract ending within 60 days with an unpaid first installment and no filing, two
    frontline people without qualifications, and a submitted evaluation."""
    staff = builders.county_user(h, f"staff_{tag}", county)
    stations = [builders.station(t, actor=staff, name=f"{t.name}社工站") for t in townships[:2]]
    head = rb.head(stations[0])
    rb.report(stations[0], head, datetime.date(2026, 2, 1), submit_at=rb.at(2026, 3, 3))
    org = pb.organisation(county, actor=staff, name=f"{county.name}社工服务中心")
    contract = pb.contract(county, org, stations=stations, actor=staff, number=f"HT-{tag}-1",
                           starts_on=datetime.date(2025, 5, 1))
    project_services.contract_record_evaluation(
        actor=staff, contract=contract, kind="midterm", kind_label="中期评估", evaluated_on=datetime.date(2025, 11, 1),
        score=Decimal("86.50"), grade="良好", passed=True, reference=f"EV-{tag}")
    wb.person(station=stations[0], actor=staff, name=f"{tag}甲", start_on=datetime.date(2024, 1, 1))
    wb.person(station=stations[1], actor=staff, name=f"{tag}乙", start_on=datetime.date(2024, 5, 1))
    template = ab.template(h.province, EvaluationKind.ANNUAL, name=f"{tag}年度模板")
    evaluation = assessment_services.evaluation_create(
        actor=staff, template=template, contract=ab.contract(county), period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31))
    assessment_services.evaluation_save_scores(actor=staff, evaluation=evaluation, scores=ab.full_scores(template))
    assessment_services.evaluation_submit(actor=staff, evaluation=evaluation)
    return staff


@pytest.fixture
def world(hierarchy, today):
    h = hierarchy
    target(h.province, 100, datetime.date(2026, 12, 31))
    wb.document(h.province, title="社工人才文件", rules={"qualification.deadline_years": 2,
                                                     "training.continuing_hours_per_year": 60})
    h.staff_a = _county_records(h, h.county_a, [h.a1, h.a2, h.a3], "A")
    h.staff_b = _county_records(h, h.county_b, [h.b1, h.b2, h.b3], "B")
    # the payment period installments fall due by, and the filing period contracts are filed within
    pb.document(h.province, {"payment.due_within_working_days": 15, "contract.filing_within_working_days": 15})
    h.city_user = builders.user("city", Role.CITY, h.city)
    return h


def alerts(client) -> dict[str, tuple[int, str]]:
    page = client.get(reverse("home")).content.decode()
    return {m["key"]: (int(m["n"]), m["url"].replace("&amp;", "&")) for m in ALERT.finditer(page)}


def listed(client, url: str, key: str) -> int:
    """The count the linked page shows for the item, checked against the rows it lists."""
    page = client.get(url).content.decode()
    if key == "reports_missing":
        count = int(re.search(r'data-kpi="missing">(\d+)<', page)[1])
        missing_table = page[page.index('class="data missing"'):] if count else ""
        assert missing_table.count("<tr><td>") == count
        return count
    if key == "evaluations_waiting":
        return sum(int(n) for n in re.findall(r'data-count="(\d+)"', page))
    count = int(re.search(r'class="result-count[^"]*" data-count="(\d+)"', page)[1])
    if key in {"contracts_expiring", "installments_overdue", "filings_overdue", "filings_pending",
               "training_shortfall", "reports_awaiting"}:
        body = page[page.index("<tbody>"):page.index("</tbody>")] if count else ""
        assert body.count("<tr>") == count, key
    return count


def test_every_overview_figure_equals_the_list_it_links_to(client, world):
    client.force_login(world.staff_a)
    figures = alerts(client)
    assert set(figures) == {"reports_missing", "reports_awaiting", "contracts_expiring", "installments_overdue",
                            "filings_overdue", "filings_pending", "qualification_deadlines", "training_shortfall",
                            "evaluations_waiting"}
    for key, (count, url) in figures.items():
        # the data above gives every item something to show (its one contract is overdue, not pending)
        assert count > 0 or key == "filings_pending", key
        assert listed(client, url, key) == count, key


def test_county_figures_count_only_the_county_and_the_city_sees_both(client, world):
    client.force_login(world.staff_a)
    county = alerts(client)
    assert county["reports_missing"][0] == 1
    assert county["contracts_expiring"][0] == 1
    assert county["qualification_deadlines"][0] == 2
    assert county["evaluations_waiting"][0] == 1
    client.force_login(world.city_user)
    city = alerts(client)
    for key in ("reports_missing", "contracts_expiring", "installments_overdue", "filings_overdue",
                "qualification_deadlines", "training_shortfall"):
        assert city[key][0] == 2 * county[key][0], key
        assert listed(client, city[key][1], key) == city[key][0], key
    # The counties confirm their own evaluations; the city waits only on its own spot checks (抽查).
    assert city["evaluations_waiting"][0] == 0
    template = ab.template(world.province, EvaluationKind.MIDTERM, name="市级抽查模板")
    spot_check = assessment_services.evaluation_create(
        actor=world.city_user, template=template, contract=ab.contract(world.county_a),
        period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30))
    assessment_services.evaluation_save_scores(actor=world.city_user, evaluation=spot_check,
                                               scores=ab.full_scores(template))
    assessment_services.evaluation_submit(actor=world.city_user, evaluation=spot_check)
    city = alerts(client)
    assert city["evaluations_waiting"][0] == 1
    assert listed(client, city["evaluations_waiting"][1], "evaluations_waiting") == 1
    client.force_login(world.staff_a)
    assert alerts(client)["evaluations_waiting"][0] == 1


def test_coverage_card_shows_the_dashboard_figures_and_the_gap(client, world):
    client.force_login(world.staff_a)
    home = client.get(reverse("home")).content.decode()
    pct = re.search(r'data-figure="coverage_pct">([\d.]+)%', home)[1]
    gap = re.search(r'data-figure="gap_stations">(\d+)<', home)[1]
    assert (pct, gap) == ("66.7", "1")
    dashboard = client.get(world.county_a.get_absolute_url()).content.decode()
    assert re.search(r'id="coverage-pct">([\d.]+)%', dashboard)[1] == pct
    assert "还需建成 1 个社工站" in dashboard


def test_expiring_contracts_show_their_latest_evaluation_and_nothing_of_another_county(client, world):
    client.force_login(world.staff_a)
    home = client.get(reverse("home")).content.decode()
    expiring = home[home.index('id="overview-expiring"'):]
    assert "HT-A-1" in expiring and "中期评估 良好" in expiring
    assert "HT-B-1" not in home and "B甲" not in home


def test_station_heads_see_their_reports_and_people_and_evaluators_their_scoring(client, world):
    head = world.staff_a.__class__.objects.get(username="head_420102002")
    client.force_login(head)
    figures = alerts(client)
    assert set(figures) == {"qualification_deadlines", "training_shortfall"}
    assert figures["qualification_deadlines"][0] == 1  # only the person at the head's own station
    assert listed(client, figures["qualification_deadlines"][1], "qualification_deadlines") == 1
    org = ab.organisation(world.city, "武汉评估中心")
    evaluator = ab.evaluator("pinggu", org)
    client.force_login(evaluator)
    assert alerts(client) == {"evaluations_waiting": (0, reverse("assessments:todo"))}


def test_users_without_a_role_get_no_overview(client, world):
    client.force_login(builders.user("nobody"))
    page = client.get(reverse("home")).content.decode()
    assert "需要关注" not in page and "尚未分配角色" in page


def test_province_and_city_homes_link_to_the_trends_table_counties_do_not(client, world):
    client.force_login(world.city_user)
    home = client.get(reverse("home")).content.decode()
    trends = reverse("stations:coverage-trends", args=[world.city.code])
    assert trends in home
    page = client.get(trends).content.decode()
    assert world.county_a.name in page and world.county_b.name in page
    client.force_login(world.staff_a)
    assert "/trends/" not in client.get(reverse("home")).content.decode()


def test_home_query_count_does_not_grow_with_records(client, world, django_assert_max_num_queries):
    client.force_login(world.staff_a)
    with django_assert_max_num_queries(26) as few:  # 25 for the overview, one for the bell's unread count
        client.get(reverse("home"))
    station = builders.station(world.a3, actor=world.staff_a)
    pb.contract(world.county_a, pb.organisation(world.county_a, actor=world.staff_a), stations=[station],
                actor=world.staff_a, number="HT-C-1", starts_on=datetime.date(2025, 5, 1))
    for name, start_on in (("C甲", datetime.date(2024, 1, 1)), ("C乙", datetime.date(2024, 5, 1))):
        wb.person(station=station, actor=world.staff_a, name=name, start_on=start_on)
    with django_assert_max_num_queries(len(few.captured_queries)):
        figures = alerts(client)
    assert figures["contracts_expiring"][0] == 2 and figures["qualification_deadlines"][0] == 4
