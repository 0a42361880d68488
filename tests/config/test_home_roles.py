"""Every role's home page shows its own work, scoped: the administrator's and the province's coverage
and review queue with the places they work from, a county's queue and contracts to file (none of
another county's), a station head's month and the reason their report was sent back, an evaluator's
evaluations to score (never stations)."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import EvaluationKind
from stations.models import Role
from stations.roles import ensure_role_groups
from tests import builders
from tests.assessments import builders as ab
from tests.projects import builders as pb
from tests.stations import report_builders as rb
from tests.stations.coverage_builders import target

TODAY = rb.at(2026, 12, 2)
ALERT = re.compile(r'data-alert="(?P<key>\w+)">\s*<a href="(?P<url>[^"]+)"><span class="count" data-count="(?P<n>\d+)"')


@pytest.fixture
def world(hierarchy):
    """County A: stations a1 and a2, November's report of a1 submitted and of a2 returned, a signed
    contract not yet filed. County B: station b1 with a submitted report and an unfiled contract.
    An evaluation centre scoring a county A contract; another centre scoring county B's."""
    h = hierarchy
    with time_machine.travel(TODAY, tick=False):
        target(h.province, 100, datetime.date(2026, 12, 31))
        h.staff_a = builders.county_user(h, "staff_a", h.county_a)
        h.staff_b = builders.county_user(h, "staff_b", h.county_b)
        h.s_a1, h.s_a2 = (builders.station(t, actor=h.staff_a) for t in (h.a1, h.a2))
        h.s_b1 = builders.station(h.b1, actor=h.staff_b)
        h.head_a1, h.head_a2, h.head_b1 = rb.head(h.s_a1), rb.head(h.s_a2), rb.head(h.s_b1)
    november = datetime.date(2026, 11, 1)
    rb.report(h.s_a1, h.head_a1, november, submit_at=rb.at(2026, 12, 1))
    rb.report(h.s_a2, h.head_a2, november, submit_at=rb.at(2026, 12, 1, 9), return_by=h.staff_a)
    rb.report(h.s_b1, h.head_b1, november, submit_at=rb.at(2026, 12, 1))
    with time_machine.travel(TODAY, tick=False):
        for county, staff, station, tag in ((h.county_a, h.staff_a, h.s_a1, "A"), (h.county_b, h.staff_b, h.s_b1, "B")):
            pb.contract(county, pb.organisation(county, actor=staff), stations=[station], actor=staff,
                        number=f"HT-{tag}-2027", starts_on=datetime.date(2027, 1, 1),
                        signed_on=datetime.date(2026, 11, 30))
        template = ab.template(h.province, EvaluationKind.MIDTERM, name="中期评估指标")
        h.centre = ab.organisation(h.city, "武汉评估中心")
        h.evaluator = ab.evaluator("pinggu", h.centre)
        other_centre = ab.organisation(h.city, "江汉评估中心")
        h.evaluation_a = assessment_services.evaluation_create(
            actor=h.staff_a, template=template, contract=ab.contract(h.county_a, number="HT-A-PG"),
            period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 6, 30), evaluator=h.centre)
        h.evaluation_b = assessment_services.evaluation_create(
            actor=h.staff_b, template=template, contract=ab.contract(h.county_b, number="HT-B-PG"),
            period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 6, 30), evaluator=other_centre)
        yield h


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def alerts(page: str) -> dict[str, tuple[int, str]]:
    return {m["key"]: (int(m["n"]), m["url"].replace("&amp;", "&")) for m in ALERT.finditer(page)}


def listed_count(client, url: str) -> int:
    return int(re.search(r'class="result-count[^"]*" data-count="(\d+)"', client.get(url).content.decode())[1])


def test_the_administrators_home_shows_coverage_against_target_the_review_queue_and_where_to_work(client, world):
    page = home(client, builders.superuser())
    provinces = page[page.index('id="overview-provinces"'):]
    row = re.search(r'<tr data-code="420000000000">(.*?)</tr>', provinces)[1]
    assert "湖北省" in row and "42.9%" in row and "3 / 7" in row and "100%" in row  # a1, a2, b1 of 7 townships
    gansu = re.search(r'<tr data-code="620000000000">(.*?)</tr>', provinces)[1]
    assert "0 / 1" in gansu and "未设定目标" in gansu
    figures = alerts(page)
    assert figures["reports_awaiting"][0] == 2 == listed_count(client, figures["reports_awaiting"][1])
    for url in (reverse("admin:index"), reverse("admin:stations_target_changelist"),
                reverse("stations:coverage-dashboard", args=["000000000000"])):
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200


def test_the_province_officials_home_links_to_the_admin_targets_and_dashboard(client, world):
    official = builders.user("sheng", Role.PROVINCE, world.province, is_staff=True)
    official.groups.add(ensure_role_groups()[Role.PROVINCE])  # the province's permissions, as the demo gives
    page = home(client, official)
    links = page[page.index('id="overview-links"'):]
    assert reverse("admin:index") in links and reverse("admin:stations_target_changelist") in links
    assert world.province.get_absolute_url() in links
    assert alerts(page)["reports_awaiting"][0] == 2


def test_a_countys_home_counts_its_own_work_and_none_of_another_county(client, world):
    page_a = home(client, world.staff_a)
    figures = alerts(page_a)
    assert figures["reports_awaiting"][0] == 1 == listed_count(client, figures["reports_awaiting"][1])
    assert figures["filings_pending"][0] == 1 == listed_count(client, figures["filings_pending"][1])
    assert re.search(r'data-figure="station_count">2 个<', page_a)
    assert "HT-B-2027" not in client.get(figures["filings_pending"][1]).content.decode()
    page_b = home(client, world.staff_b)
    assert alerts(page_b)["reports_awaiting"][0] == 1 and alerts(page_b)["filings_pending"][0] == 1
    assert re.search(r'data-figure="station_count">1 个<', page_b)
    assert "大智街道" not in page_b and "江岸区" not in page_b


def test_a_station_head_sees_the_months_report_its_next_step_and_why_it_was_sent_back(client, world):
    page = home(client, world.head_a2)
    month = page[page.index('id="overview-station-month"'):]
    assert 'data-step="resubmit"' in month and "2026年11月的月度报告" in month and "已退回" in month
    assert "数据需核实" in month[month.index('id="overview-last-returned"'):]
    page = home(client, world.head_a1)
    month = page[page.index('id="overview-station-month"'):]
    assert 'data-step="wait"' in month and "overview-last-returned" not in page
    assert "数据需核实" not in page  # the other station's report
    lone = builders.station(world.a3, actor=world.staff_a)
    with time_machine.travel(TODAY, tick=False):
        page = home(client, rb.head(lone))
    assert 'data-step="start"' in page and reverse("stations:report-create") in page


def test_an_evaluator_sees_the_evaluations_to_score_and_no_stations(client, world):
    page = home(client, world.evaluator)
    to_score = page[page.index('id="overview-to-score"'):]
    to_score = to_score[:to_score.index("</section>")]
    assert "HT-A-PG" in to_score and "HT-B-PG" not in page
    score_url = reverse("assessments:evaluation-score", args=[world.evaluation_a.pk])
    assert score_url in to_score
    assert client.get(score_url).status_code == 200
    assert "可查看的社工站" not in page and reverse("stations:station-list") not in page.split("<main")[1]
    assert "江岸区" not in page.split("<main")[1].split('id="overview-to-score"')[0]  # no regions to list
