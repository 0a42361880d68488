"""What a station head's report form costs: the form and its save take the same number of queries however
many service lines the report has, a save checks again only what the user changed (and still checks it),
and the line rows keep Django's own widget markup."""

import datetime

import pytest
import time_machine
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scripts.faults.browser import FormParser
from stations.models import MonthlyReport, ServiceDomain, TargetGroup
from stations.reports.forms import line_formset
from tests import builders
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401

SEP = datetime.date(2026, 9, 1)
OCT = datetime.date(2026, 10, 1)
FOUR_LINES = [rb.line(ServiceDomain.ELDERLY_CARE, TargetGroup.ELDERLY_IN_DIFFICULTY, person_times=4),
              rb.line(ServiceDomain.CHILD_WELFARE, TargetGroup.ELDERLY_IN_DIFFICULTY, home_visits=2),
              rb.line(ServiceDomain.ELDERLY_CARE, TargetGroup.GENERAL, cases_active_start=3, cases_closed=1),
              rb.line(ServiceDomain.OTHER, TargetGroup.GENERAL, group_sessions=1)]


@pytest.fixture
def h(hierarchy):
    hierarchy.station = builders.station(hierarchy.a1)
    hierarchy.head = rb.head(hierarchy.station, "head_a1")
    return hierarchy


@pytest.fixture(autouse=True)
def november():
    with time_machine.travel(rb.at(2026, 11, 4), tick=False):
        yield


def _request(client, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url) if data is None else client.post(url, data)
    return response, queries.captured_queries


def _form_data(client, url) -> dict:
    """The edit form's fields as the browser would send them."""
    parser = FormParser()
    parser.feed(client.get(url).content.decode())
    return next(form["fields"] for form in parser.forms if "version" in form["fields"])


def test_the_form_takes_the_same_queries_for_one_line_as_for_four(client, h):
    one = rb.report(h.station, h.head, SEP, lines=FOUR_LINES[:1])
    four = rb.report(h.station, h.head, OCT, lines=FOUR_LINES)
    client.force_login(h.head)
    page_one, queries_one = _request(client, reverse("stations:report-edit", args=[one.pk]))
    page_four, queries_four = _request(client, reverse("stations:report-edit", args=[four.pk]))
    assert page_one.status_code == page_four.status_code == 200
    assert len(queries_one) == len(queries_four)
    # four lines, three empty rows and the row "add a line" copies
    assert page_four.content.decode().count('<tr class="line-row">') == 4 + 3 + 1


def test_saving_a_changed_text_takes_the_same_queries_for_one_line_as_for_four_and_is_audited(client, h):
    client.force_login(h.head)
    counts = []
    for period, lines in ((SEP, FOUR_LINES[:1]), (OCT, FOUR_LINES)):
        report = rb.report(h.station, h.head, period, lines=lines)
        url = reverse("stations:report-edit", args=[report.pk])
        response, queries = _request(client, url, {**_form_data(client, url), "highlights": "重阳节敬老活动"})
        assert response.status_code == 302
        saved = MonthlyReport.objects.get(pk=report.pk)
        assert (saved.highlights, saved.version) == ("重阳节敬老活动", report.version + 1)
        assert saved.lines.count() == len(lines)
        latest = saved.history.first()
        assert (latest.highlights, latest.version, latest.history_user) == ("重阳节敬老活动", saved.version, h.head)
        assert not any('"_check"' in query["sql"] for query in queries)  # no constraint of an unchanged figure
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_changed_figure_is_still_checked_by_the_model(client, h):
    report = rb.report(h.station, h.head, OCT, lines=FOUR_LINES[2:3])  # 3 cases open at the start, 1 closed
    client.force_login(h.head)
    url = reverse("stations:report-edit", args=[report.pk])
    data = {**_form_data(client, url), "volunteer_hours": "-1", "charity_yuan": "1.234", "lines-0-cases_closed": "9"}
    page = client.post(url, data).content.decode()
    assert "“志愿服务时长（小时）”不能为负数。" in page
    assert "“链接慈善资金（元）”最多保留 2 位小数。" in page
    assert "本月结案个案（9）不能多于月初在案个案与本月新开个案之和（3）。" in page
    assert MonthlyReport.objects.get(pk=report.pk).version == report.version


def test_line_selects_keep_djangos_select_markup(h):
    report = rb.report(h.station, h.head, OCT, lines=FOUR_LINES[:1])
    formset = line_formset(report=report)
    for form in (formset.forms[0], formset.forms[1], formset.empty_form):
        for name in ("domain", "target_group"):
            field = form[name]
            stock = forms.Select(attrs=field.field.widget.attrs, choices=field.field.choices)
            assert str(field) == stock.render(field.html_name, field.value(), attrs={"id": field.auto_id})
