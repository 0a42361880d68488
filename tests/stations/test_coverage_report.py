"""The coverage_report management command: CSV with the exact header, numbers checkable outside the UI."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from tests.stations.coverage_builders import build_coverage_story

HEADER = ("region_code,name,level,townships,covered,coverage_pct,target_pct,target_due,gap_stations,"
          "standard_covered,standard_pct")


@pytest.fixture
def story(hierarchy):
    return build_coverage_story(hierarchy)


def report(region, at):
    out = io.StringIO()
    call_command("coverage_report", "--region", region, "--at", at, stdout=out)
    return out.getvalue()


def test_province_by_prefix_then_its_cities(story):
    text = report("42", "2022-12-31")
    lines = text.splitlines()
    assert lines[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0] == {"region_code": "420000000000", "name": "湖北省", "level": "province", "townships": "7",
                       "covered": "3", "coverage_pct": "42.9", "target_pct": "50", "target_due": "2022-12-31",
                       "gap_stations": "1", "standard_covered": "", "standard_pct": "本地政策未规定"}  # no checklist
    assert [row["region_code"] for row in rows[1:]] == ["420500000000", "420100000000"]  # 宜昌 holds back most
    assert rows[2]["covered"] == "3" and rows[2]["gap_stations"] == "0"


def test_county_by_full_code_lists_townships(story):
    rows = list(csv.DictReader(io.StringIO(report("420102000000", "2023-06-30"))))
    assert rows[0]["coverage_pct"] == "33.3" and rows[0]["target_pct"] == "70" and rows[0]["gap_stations"] == "2"
    assert {row["name"]: row["covered"] for row in rows[1:]} == {"大智街道": "1", "一元街道": "0", "谌家矶镇": "0"}
    assert all(row["level"] == "township" for row in rows[1:])


def test_region_without_target_leaves_target_fields_empty(story):
    rows = list(csv.DictReader(io.StringIO(report("62", "2022-12-31"))))
    assert rows[0]["coverage_pct"] == "100.0"
    assert (rows[0]["target_pct"], rows[0]["target_due"], rows[0]["gap_stations"]) == ("", "", "")


def test_before_any_station(story):
    rows = list(csv.DictReader(io.StringIO(report("4201", "2020-01-01"))))
    assert (rows[0]["covered"], rows[0]["coverage_pct"], rows[0]["gap_stations"]) == ("0", "0.0", "2")


@pytest.mark.parametrize("args", [("99", "2022-01-01"), ("42", "2022-13-01"), ("420102002", "2022-01-01")])
def test_bad_arguments_are_refused(story, args):
    with pytest.raises(CommandError):
        report(*args)


def test_a_region_name_that_a_spreadsheet_would_run_comes_out_as_text(story):
    """The same neutralisation as the Excel exports: opened in a spreadsheet, the name is shown,
    not run (a leading apostrophe); both CSV commands."""
    from stations.models import Region

    Region.objects.filter(code="420102000000").update(name='=HYPERLINK("http://x.example","点击")')
    rows = list(csv.DictReader(io.StringIO(report("4201", "2023-06-30"))))
    assert {row["name"] for row in rows} >= {'\'=HYPERLINK("http://x.example","点击")'}
    assert not any(row["name"].startswith(("=", "+", "-", "@")) for row in rows)
    out = io.StringIO()
    call_command("report_completeness", "--region", "4201", "--month", "2023-06", stdout=out)
    names = [row["name"] for row in csv.DictReader(io.StringIO(out.getvalue()))]
    assert '\'=HYPERLINK("http://x.example","点击")' in names
