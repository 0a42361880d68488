"""The chain workbook's coverage sheet carries the 达标率 beside the coverage, and a county's report
shows nothing of another county's."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from stations import services
from stations.models import Role
from tests import builders
from tests.stations import policy_builders as pb
from tests.stations.coverage_builders import build_coverage_story

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def story(hierarchy):
    """The coverage story with Hubei's 五有 in force; a1 passed its check on 2022-06-01, a2 failed it,
    b1 (county B) passed on 2022-07-01."""
    h = build_coverage_story(hierarchy)
    root = builders.superuser()
    wuyou = pb.checklist(h.province, ["有场地", "有人员", "有功能", "有制度", "有活动"], name="五有",
                         quote="有场地、有人员、有功能、有制度、有活动")
    every = {item.pk: True for item in wuyou.items.all()}
    for station, on, ticks in ((h.s_a1, D(2022, 6, 1), every), (h.s_a2, D(2022, 6, 1), {}),
                               (h.s_b1, D(2022, 7, 1), every)):
        services.station_check_standard(actor=root, station=station, checklist=wuyou, checked_on=on, ticks=ticks)
    return h


def coverage_sheet(client, **params):
    response = client.get(reverse("chain-report"), {**params, "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    lines = [row for row in book["覆盖率"].iter_rows(values_only=True) if any(v is not None for v in row)]
    start = next(i for i, row in enumerate(lines) if row[0] == "区划代码")
    meta = {row[0]: row[1] for row in lines[:start]}
    summary = dict(row[:2] for row in book["概况"].iter_rows(values_only=True) if row and row[0])
    return meta, [dict(zip(lines[start], row, strict=True)) for row in lines[start + 1:]], summary, book


def test_a_countys_quarterly_sheet_marks_each_township(client, story):
    client.force_login(builders.county_user(story))
    meta, rows, summary, book = coverage_sheet(client, year=2022, n=4)
    by_name = {row["乡镇（街道）"]: (row["已建成运营社工站"], row["由验收达标社工站覆盖"]) for row in rows}
    assert by_name == {"大智街道": ("是", "是"), "一元街道": ("是", "否"), "谌家矶镇": ("否", "否"),
                       "合计": ("2 / 3", "1 / 3")}
    assert meta["达标率（%）"] == 33.3 and meta["建设标准（达标率依据）"].startswith("“五有”依据：《湖北省社工站建设文件》")
    assert summary["达标率（%）"] == 33.3 and summary["由验收达标社工站覆盖的乡镇（街道）（个）"] == 1
    text = " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    assert "民族街街道" not in text and "江汉区" not in text  # county B's township and name


def test_a_citys_sheet_gives_each_county_both_figures(client, story):
    client.force_login(builders.user("city", Role.CITY, story.city))
    _meta, rows, _summary, _book = coverage_sheet(client, year=2022, n=2)
    by_name = {row["区划"]: (row["已覆盖"], row["达标站覆盖"], row["达标率（%）"]) for row in rows}
    # b1 closed at the start of 2023, so county B's station still covers and counts at the end of 2022.
    assert by_name == {"江岸区": (2, 1, 33.3), "江汉区": (1, 1, 33.3), "武汉市": (3, 2, 33.3)}


def test_gansu_has_no_standard_so_its_sheet_says_so(client, story):
    client.force_login(builders.user("lanzhou", Role.CITY, story.gansu_city))
    meta, rows, summary, _book = coverage_sheet(client, year=2022, n=2)
    assert {row["区划"]: (row["达标站覆盖"], row["达标率（%）"]) for row in rows} == {
        "城关区": ("—", "本地政策未规定"), "兰州市": ("—", "本地政策未规定")}
    assert meta["达标率（%）"] == "本地政策未规定" and summary["达标率（%）"] == "本地政策未规定"
