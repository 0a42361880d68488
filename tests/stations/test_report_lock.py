"""An approved monthly report cannot be changed by any path (screen, admin, import, model or
bulk write); only the county's reopen, with a reason, makes it editable again."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from stations import services
from stations.models import MonthlyReport, MonthlyReportLine, ReportStatus
from stations.reports.choices import ApprovedReportLocked
from tests import builders
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401
from tests.stations.test_reports_import import HEADER, LINE_HEADER, LINES_URL, URL, _import, row
from tests.stations.test_reports_views import _post_data

pytestmark = pytest.mark.django_db
OCT = datetime.date(2026, 10, 1)
LOCKED = "已审核通过的报告不能修改或删除"


@pytest.fixture
def h(hierarchy, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    h = hierarchy
    h.station = builders.station(h.a1)
    h.head = rb.head(h.station, "head_a1")
    h.county = builders.county_user(h)
    h.report = rb.report(h.station, h.head, OCT, lines=[rb.line(person_times=10)], volunteers=4,
                         submit_at=rb.at(2026, 11, 3), approve_by=h.county)
    h.client = client
    with time_machine.travel(rb.at(2026, 11, 20), tick=False):
        yield h


def unchanged(h):
    report = MonthlyReport.objects.get(pk=h.report.pk)
    return (report.status == ReportStatus.APPROVED and report.version == h.report.version and report.volunteers == 4
            and list(report.lines.values_list("person_times", flat=True)) == [10])


def test_services_refuse_to_edit_or_resubmit(h):
    with pytest.raises(ValidationError):
        services.report_save(actor=h.head, report=h.report, expected_version=h.report.version, data={"volunteers": 9})
    with pytest.raises(ValidationError):
        services.report_submit(actor=h.head, report=h.report, expected_version=h.report.version)
    assert unchanged(h)


def test_the_edit_screen_refuses(h):
    h.client.force_login(h.head)
    url = reverse("stations:report-edit", args=[h.report.pk])
    assert h.client.get(url).status_code == 302
    page = h.client.post(url, _post_data(h.report, volunteers="9")).content.decode()
    assert "已审核通过的报告不能修改" in page
    assert unchanged(h)


def test_model_and_bulk_writes_are_refused(h):
    report = MonthlyReport.objects.get(pk=h.report.pk)
    report.volunteers = 99
    for write in (report.save, report.delete, lambda: MonthlyReport.objects.filter(pk=report.pk).update(volunteers=9),
                  lambda: MonthlyReport.objects.filter(station=h.station).delete()):
        with pytest.raises(ApprovedReportLocked) as info:
            write()
        assert LOCKED in info.value.messages[0]
    line = MonthlyReportLine.objects.get(report=report)
    line.person_times = 99
    lines = MonthlyReportLine.objects.filter(report=report)
    for write in (line.save, line.delete, lambda: lines.update(person_times=9), lines.delete,
                  MonthlyReportLine(report=report, domain="other", target_group="general").save):
        with pytest.raises(ApprovedReportLocked):
            write()
    assert unchanged(h)


def test_drafts_still_take_bulk_writes(h):
    station = builders.station(h.a2)
    other = rb.report(station, rb.head(station, "head_a2"), OCT)
    assert MonthlyReport.objects.filter(pk=other.pk).update(volunteers=7) == 1


def test_import_refuses_rows_touching_an_approved_report(h):
    h.client.force_login(h.county)
    preview, done = _import(h.client, URL, [HEADER, row("420102002", volunteers=99)])
    assert done is None and "已审核通过，不能通过导入修改" in preview.content.decode()
    preview, done = _import(h.client, LINES_URL, [LINE_HEADER, ["420102002", "2026-10", "养老服务", "困难老人",
                                                                1, 1, 0, 0, 0, 0, 0]])
    assert done is None and "已审核通过，不能通过导入修改" in preview.content.decode()
    assert unchanged(h)


def test_the_admin_is_read_only_for_reports(h):
    h.client.force_login(builders.superuser())
    change = reverse("admin:stations_monthlyreport_change", args=[h.report.pk])
    page = h.client.get(change)
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert 'name="_save"' not in page.content.decode()
    assert h.client.post(change, {"volunteers": "9"}).status_code == 403
    assert h.client.post(reverse("admin:stations_monthlyreport_delete", args=[h.report.pk]),
                         {"post": "yes"}).status_code == 403
    changelist = h.client.get(reverse("admin:stations_monthlyreport_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    h.client.post(reverse("admin:stations_monthlyreport_changelist"),
                  {"action": "delete_selected", "_selected_action": [h.report.pk], "post": "yes"})
    assert unchanged(h)


def test_reopen_is_the_one_way_back_and_is_recorded(h):
    reopened = services.report_reopen(actor=h.county, report=h.report, reason="慈善资金数填错")
    assert reopened.status == ReportStatus.RETURNED
    assert reopened.history.first().history_change_reason == "重新打开：慈善资金数填错"
    saved = services.report_save(actor=h.head, report=reopened, expected_version=reopened.version,
                                 data={"volunteers": 9})
    assert saved.volunteers == 9
