"""A month's report is submitted once the month has ended, or as many days earlier as a policy in
force for the station's region allows; before that it can only be saved as a draft."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from stations import services
from stations.models import MonthlyReport, ReportStatus
from stations.reports.rules import SUBMIT_EARLY_DAYS
from tests import builders
from tests.stations import policy_builders as pb
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401
from tests.stations.test_reports_import import HEADER, _import, row

DEC = datetime.date(2026, 12, 1)
NOV = datetime.date(2026, 11, 1)
DEC_OPENS = "2026年12月的月报自2027年1月1日起可以报送。"


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    h.station_a1 = builders.station(h.a1)
    h.head = rb.head(h.station_a1, "head_a1")
    h.county = builders.county_user(h)
    return h


def _edit_post(report, **extra):
    return {"version": report.version, "volunteers": "2", "volunteer_hours": "0", "organisations_incubated": "0",
            "charity_yuan": "0", "charity_in_kind": "", "needs_records": "0", "resource_entries": "0",
            "training_hours": "0", "highlights": "十二月的草稿", "problems": "", "next_plan": "",
            "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000", **extra}


def test_december_is_refused_on_2_december_with_the_opening_date(h):
    report = rb.report(h.station_a1, h.head, DEC)
    with time_machine.travel(rb.at(2026, 12, 2), tick=False), pytest.raises(ValidationError) as refused:
        services.report_submit(actor=h.head, report=report, expected_version=report.version)
    assert DEC_OPENS in refused.value.messages[0]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.submitted_at is None


def test_november_is_accepted_on_2_december_and_december_on_1_january(h):
    november = rb.report(h.station_a1, h.head, NOV)
    december = rb.report(h.station_a1, h.head, DEC)
    with time_machine.travel(rb.at(2026, 12, 2), tick=False):
        assert services.report_submit(actor=h.head, report=november).status == ReportStatus.SUBMITTED
    with time_machine.travel(rb.at(2026, 12, 31, hour=23), tick=False), pytest.raises(ValidationError):
        services.report_submit(actor=h.head, report=december)
    with time_machine.travel(rb.at(2027, 1, 1, hour=0), tick=False):
        assert services.report_submit(actor=h.head, report=december).status == ReportStatus.SUBMITTED


def test_a_policy_opens_the_month_earlier_in_its_region_only(h):
    doc = pb.document(h.county_a, effective_from=datetime.date(2026, 1, 1))
    pb.rule(doc, SUBMIT_EARLY_DAYS, 3, clause="第六条", quote="月末前三日起可报送当月简报")
    station_b = builders.station(h.b1)
    head_b = rb.head(station_b, "head_b1")
    mine = rb.report(h.station_a1, h.head, DEC)
    theirs = rb.report(station_b, head_b, DEC)
    with time_machine.travel(rb.at(2026, 12, 28), tick=False), pytest.raises(ValidationError) as refused:
        services.report_submit(actor=h.head, report=mine)
    assert "2026年12月的月报自2026年12月29日起可以报送。" in refused.value.messages[0]
    assert "第六条" in refused.value.messages[0]  # the basis is named
    with time_machine.travel(rb.at(2026, 12, 29), tick=False):
        assert services.report_submit(actor=h.head, report=mine).status == ReportStatus.SUBMITTED
        with pytest.raises(ValidationError):  # county B has no such document
            services.report_submit(actor=head_b, report=theirs)


def submit_button(page: str, label: str = "保存并报送") -> str:
    """The opening tag of the page's first submit button labelled ``label``."""
    before = page.split(f">{label}</button>", 1)[0]
    return before[before.rindex("<button"):]


def test_the_form_saves_the_draft_says_when_submitting_opens_and_does_not_submit(client, h):
    with time_machine.travel(rb.at(2026, 12, 2), tick=False):
        client.force_login(h.head)
        report = rb.report(h.station_a1, h.head, DEC)
        url = reverse("stations:report-edit", args=[report.pk])
        page = client.get(url).content.decode()
        assert DEC_OPENS in page
        assert " disabled" in submit_button(page)
        response = client.post(url, {**_edit_post(report), "submit": "1"}, follow=True)
    text = response.content.decode()
    assert "草稿已保存。" in text and DEC_OPENS in text
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.highlights == "十二月的草稿"


def test_the_form_of_an_ended_month_offers_submitting(client, h):
    with time_machine.travel(rb.at(2026, 12, 2), tick=False):
        client.force_login(h.head)
        report = rb.report(h.station_a1, h.head, NOV)
        page = client.get(reverse("stations:report-edit", args=[report.pk])).content.decode()
        assert " disabled" not in submit_button(page) and "起可以报送" not in page
        client.post(reverse("stations:report-edit", args=[report.pk]), {**_edit_post(report), "submit": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_submit_button_of_the_report_page_is_refused_too(client, h):
    with time_machine.travel(rb.at(2026, 12, 2), tick=False):
        client.force_login(h.head)
        report = rb.report(h.station_a1, h.head, DEC)
        detail = client.get(reverse("stations:report-detail", args=[report.pk])).content.decode()
        assert DEC_OPENS in detail and " disabled" in submit_button(detail, "报送")
        response = client.post(reverse("stations:report-submit", args=[report.pk]),
                               {"version": report.version}, follow=True)
    assert DEC_OPENS in response.content.decode()
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_an_import_cannot_date_a_paper_report_before_its_month_could_be_submitted(client, h, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(rb.at(2026, 12, 20), tick=False):
        client.force_login(h.county)
        preview, done = _import(client, reverse("stations:report-import"),
                                [HEADER, row("420102002", month="2026-12", received="2026-12-15")])
    assert done is None and MonthlyReport.objects.count() == 0
    assert DEC_OPENS in preview.content.decode()
    with time_machine.travel(rb.at(2026, 12, 20), tick=False):
        client.force_login(h.county)
        _preview, done = _import(client, reverse("stations:report-import"),
                                 [HEADER, row("420102002", month="2026-11", received="2026-12-01")])
    assert done.status_code == 302
    assert MonthlyReport.objects.get().status == ReportStatus.SUBMITTED
