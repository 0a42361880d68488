"""A target plays a part in the figures for a date only while its document is in force on that date:
a document loaded later, effective later, leaves every earlier figure as it was."""

import datetime
import io
from io import BytesIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from stations.models import Role, TargetMetric
from stations.selectors.coverage import coverage_dashboard
from stations.selectors.coverage_trends import coverage_trends
from stations.selectors.targets import region_target
from tests import builders
from tests.stations import policy_builders as pb
from tests.stations.coverage_builders import build_coverage_story, target

D = datetime.date
EFFECTIVE = D(2026, 12, 2)
BEFORE = (D(2022, 12, 31), D(2025, 6, 30), D(2026, 12, 1))


@pytest.fixture
def story(hierarchy):
    return build_coverage_story(hierarchy)


@pytest.fixture
def province_user(story):
    return builders.user("hubei", Role.PROVINCE, story.province)


def city_document(story):
    """武汉市 raises its own target to 98% by the end of 2027, by a document effective 2026-12-02."""
    document = pb.document(story.city, title="武汉市社工站提质增效方案", number="武民〔2026〕12号",
                           effective_from=EFFECTIVE)
    return target(story.city, 98, D(2027, 12, 31), doc=document)


def figures(story, user, on_date):
    """What a user reads for the date: the city's dashboard (its figure, target and basis, its
    counties' targets, every chart point's target), the province's trends, coverage_report."""
    dashboard = coverage_dashboard(region=story.city, on_date=on_date)
    trends = coverage_trends(user=user, region=story.province, on_date=on_date)
    out = io.StringIO()
    call_command("coverage_report", "--region", "4201", "--at", on_date.isoformat(), stdout=out)
    summary = dashboard.summary
    return {
        "summary": (summary.coverage_pct, summary.target.value, summary.target.due_on, summary.target.citation,
                    summary.gap_stations, summary.light),
        "children": [(row.code, row.target.value, row.gap_stations) for row in dashboard.children],
        "chart": [(p.on_date, p.target_pct, p.target.citation if p.target else "") for p in dashboard.chart],
        "trends": [(row.code, row.target.value if row.target else None, [p.target_pct for p in row.trend])
                   for row in [trends.summary, *trends.rows]],
        "coverage_report": out.getvalue(),
    }


def test_a_later_document_changes_no_figure_for_an_earlier_date(story, province_user):
    before = {on: figures(story, province_user, on) for on in BEFORE}
    city_document(story)
    assert {on: figures(story, province_user, on) for on in BEFORE} == before
    assert before[D(2026, 12, 1)]["summary"][1:4] == (100, D(2024, 12, 31), "依据：《湖北省社工站建设文件》")


def test_from_its_effective_date_the_later_target_applies_and_the_chart_changes_from_there_only(story):
    city_document(story)
    dashboard = coverage_dashboard(region=story.city, on_date=D(2027, 1, 1))
    assert dashboard.summary.target.value == 98 and not dashboard.summary.target.inherited
    assert dashboard.summary.target.citation == "依据：《武汉市社工站提质增效方案》（武民〔2026〕12号）"
    line = {point.on_date: point.target_pct for point in dashboard.chart}
    assert line[D(2025, 12, 31)] == 100  # the province's, overdue: the city's document was not yet in force
    assert line[D(2026, 12, 31)] == line[D(2027, 1, 1)] == 98
    assert [basis for _values, basis in dashboard.chart_bases] == [
        "依据：《湖北省社工站建设文件》", "依据：《武汉市社工站提质增效方案》（武民〔2026〕12号）"]


def test_a_repealed_documents_target_stops_applying_on_the_repeal_date(story):
    document = pb.document(story.county_b, effective_from=D(2021, 1, 1), repealed_on=D(2023, 7, 1))
    target(story.county_b, 3, D(2025, 12, 31), metric=TargetMetric.CERTIFIED_SOCIAL_WORKERS, doc=document)
    on = {day: region_target(region=story.county_b, metric=TargetMetric.CERTIFIED_SOCIAL_WORKERS, on_date=day)
          for day in (D(2023, 6, 30), D(2023, 7, 1))}
    assert on[D(2023, 6, 30)].value == 3 and on[D(2023, 6, 30)].document == document
    assert on[D(2023, 7, 1)] is None


def test_the_dashboard_names_the_basis_of_the_target_and_the_gap(client, story, province_user):
    client.force_login(province_user)
    page = client.get(story.province.get_absolute_url() + "?at=2022-12-31").content.decode()
    basis = "依据：《湖北省社工站建设文件》"
    assert f'id="target-basis">{basis}<' in page and f'id="gap-basis">{basis}<' in page
    county = client.get(story.county_a.get_absolute_url() + "?at=2022-06-30").content.decode()
    assert 'id="target-basis">依据：《江岸区社工站建设文件》<' in county  # its own 60%


def test_the_coverage_export_carries_a_basis_column(client, story, province_user):
    city_document(story)
    client.force_login(province_user)
    response = client.get(f"/stations/coverage/{story.city.code}/export/?at=2027-01-01")
    book = load_workbook(BytesIO(response.content))
    for name, first in (("覆盖率汇总", ("区划", "代码")), ("下级区划", ("区划", "代码")), ("覆盖率变化", ("日期", "应覆盖"))):
        values = [list(row) for row in book[name].iter_rows(values_only=True)]
        header_at = next(i for i, row in enumerate(values) if tuple(row[:2]) == first)
        headers, body = values[header_at], values[header_at + 1:]
        assert headers[-1] == "依据", name
        bases = {row[-1] for row in body}
        if name == "覆盖率汇总":
            assert bases == {"依据：《武汉市社工站提质增效方案》（武民〔2026〕12号）"}
        if name == "下级区划":
            assert bases == {"依据：《武汉市社工站提质增效方案》（武民〔2026〕12号）"}
        if name == "覆盖率变化":
            assert "依据：《湖北省社工站建设文件》" in bases and len(bases) == 2
