"""One source of evaluations: a contract's mid-term evaluation confirmed in the third quarter shows
on the contract page and in the county's quarterly workbook alike, and in no other county's."""

import datetime
from decimal import Decimal as D
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from assessments import services as assessment_services
from assessments.models import EvaluationKind
from tests import builders
from tests.assessments import builders as ab
from tests.projects import builders as pb
from tests.stations import report_builders as rb

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(hierarchy):
    h = hierarchy
    with time_machine.travel(rb.at(2026, 11, 4), tick=False):
        h.county = builders.county_user(h)
        h.county_b_user = builders.county_user(h, "county_b", h.county_b)
        station = builders.station(h.a1, actor=h.county)
        h.contract = pb.contract(h.county_a, pb.organisation(h.county_a, actor=h.county), stations=[station],
                                 actor=h.county, number="HT-A-2026", starts_on=datetime.date(2026, 1, 1))
        template = ab.template(h.province, EvaluationKind.MIDTERM, name="中期评估指标")
        evaluation = assessment_services.evaluation_create(
            actor=h.county, template=template, contract=h.contract, period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 6, 30))
        assessment_services.evaluation_save_scores(actor=h.county, evaluation=evaluation,
                                                   scores=ab.full_scores(template, D("0.85")))
        assessment_services.evaluation_submit(actor=h.county, evaluation=evaluation)
        assessment_services.evaluation_finalise(actor=h.county, evaluation=evaluation,
                                                on_date=datetime.date(2026, 8, 20))
        yield h


def q3_evaluations(client) -> list[dict]:
    response = client.get(reverse("chain-report"), {"year": 2026, "n": 3, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content))["评估"]
    rows = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    start = next(i for i, row in enumerate(rows) if row[0] == "县（市、区）")
    return [dict(zip(rows[start], row, strict=False)) for row in rows[start + 1:] if row[1]]


def test_a_midterm_confirmed_in_q3_shows_on_the_contract_page_and_in_the_quarterly_workbook(client, world):
    with time_machine.travel(rb.at(2026, 11, 4), tick=False):
        client.force_login(world.county)
        page = client.get(world.contract.get_absolute_url()).content.decode()
        latest = page[page.index("最近评估"):]
        latest = latest[:latest.index("</dd>")]
        assert "中期评估" in latest and "合格" in latest
        listed = q3_evaluations(client)
        assert [(row["评估类型"], "HT-A-2026" in row["评估对象"]) for row in listed] == [("中期评估", True)]

        client.force_login(world.county_b_user)
        assert q3_evaluations(client) == []
        assert client.get(world.contract.get_absolute_url()).status_code == 404
