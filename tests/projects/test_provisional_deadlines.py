"""Working-day deadlines counted through a year whose holiday arrangements are not published are
marked 按未公布的节假日安排估算 on screen and in exports, and are derived again once a superuser
enters that year's calendar."""

import datetime
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import InstallmentTrigger
from stations import services as station_services
from tests.projects import builders as pb

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = datetime.datetime(2026, 12, 2, 2, tzinfo=datetime.UTC)
PROVISIONAL = "按未公布的节假日安排估算"
# Linfen's filing period, as its pack quotes it (D8); the payment period is the test's own.
FILING = (15, "", "协议副本在签订之日起15个工作日内报市民政局备案")


@pytest.fixture
def signed_2027(world):
    """County A's documents set 15 working days to file and to pay; a contract signed Friday
    24 September 2027, in service from 1 October (its first installment triggered that day)."""
    pb.document(world.county_a, {"contract.filing_within_working_days": FILING,
                                 "payment.due_within_working_days": 15}, title="临汾市社工站建设方案")
    return pb.contract(world.county_a, world.org, number="JA-2027-01", starts_on=D(2027, 10, 1),
                       signed_on=D(2027, 9, 24))


def enter_national_day_2027(actor):
    """National Day 2027: 1–7 October off; Sunday 26 September and Saturday 9 October worked."""
    station_services.holiday_calendar_enter(
        actor=actor, year=2027, title="国务院办公厅关于2027年部分节假日安排的通知", name="国庆节",
        holidays=[D(2027, 10, day) for day in range(1, 8)], workdays=[D(2027, 9, 26), D(2027, 10, 9)])


def page(client, user, name, *args) -> str:
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def exported(client, user) -> dict:
    client.force_login(user)
    sheet = load_workbook(BytesIO(client.get(reverse("projects:contract-export")).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}


@time_machine.travel(TODAY)
def test_a_filing_deadline_in_2027_is_provisional_until_the_2027_calendar_moves_it_past_national_day(
        client, world, signed_2027):
    contract = signed_2027
    effective = contract.installments.get(trigger=InstallmentTrigger.EFFECTIVE)
    # Counted Monday to Friday: 15 October; the first installment 22 October.
    assert (contract.filing_due_on, effective.due_on) == (D(2027, 10, 15), D(2027, 10, 22))
    detail = page(client, world.user_a, "projects:contract-detail", contract.pk)
    assert detail.count(PROVISIONAL) == 2 and "2027年10月15日" in detail
    assert PROVISIONAL in page(client, world.user_a, "projects:filing-list")
    assert PROVISIONAL in page(client, world.user_a, "projects:filing-update", contract.pk)
    row = exported(client, world.user_a)["JA-2027-01"]
    assert (row["备案截止日期"].date(), row["备案截止日期说明"]) == (D(2027, 10, 15), PROVISIONAL)

    enter_national_day_2027(world.root)

    contract.refresh_from_db()
    effective.refresh_from_db()
    assert (contract.filing_due_on, effective.due_on) == (D(2027, 10, 20), D(2027, 10, 27))
    latest = contract.history.latest("history_id"), effective.history.latest("history_id")
    assert [(row.history_change_reason, row.history_user) for row in latest] == [("节假日安排变更", world.root)] * 2
    detail = page(client, world.user_a, "projects:contract-detail", contract.pk)
    assert PROVISIONAL not in detail and "2027年10月20日" in detail and "2027年10月27日" in detail
    assert PROVISIONAL not in page(client, world.user_a, "projects:filing-list")
    row = exported(client, world.user_a)["JA-2027-01"]
    assert (row["备案截止日期"].date(), row["备案截止日期说明"]) == (D(2027, 10, 20), None)


@time_machine.travel(TODAY)
def test_deadlines_in_published_years_are_not_marked_and_are_left_alone_when_2027_is_entered(client, world):
    pb.document(world.county_a, {"contract.filing_within_working_days": FILING}, title="临汾市社工站建设方案")
    published = pb.contract(world.county_a, world.org, number="JA-2026-01", starts_on=D(2026, 10, 1),
                            signed_on=D(2026, 9, 24))
    across = pb.contract(world.county_a, world.org, number="JA-2027-00", starts_on=D(2027, 1, 1),
                         signed_on=D(2026, 12, 21))
    assert published.filing_due_on == D(2026, 10, 22)  # across the published 2026 National Day
    rows = exported(client, world.user_a)
    assert rows["JA-2026-01"]["备案截止日期说明"] is None
    assert rows["JA-2027-00"]["备案截止日期说明"] == PROVISIONAL  # counted into January 2027
    versions = published.history.count()
    enter_national_day_2027(world.root)
    assert published.history.count() == versions
    assert exported(client, world.user_a)["JA-2027-00"]["备案截止日期说明"] is None
    assert across.filing_due_on == D(2027, 1, 11)


@time_machine.travel(TODAY)
def test_another_countys_provisional_deadlines_stay_out_of_sight(client, world, signed_2027):
    assert "JA-2027-01" not in exported(client, world.user_b)
    assert "JA-2027-01" not in page(client, world.user_b, "projects:filing-list")
    client.force_login(world.user_b)
    assert client.get(reverse("projects:contract-detail", args=[signed_2027.pk])).status_code == 404
    assert client.get(reverse("projects:filing-update", args=[signed_2027.pk])).status_code in (403, 404)


@time_machine.travel(TODAY)
def test_an_exported_file_with_the_marked_deadline_imports_again_unchanged(client, world, signed_2027, settings,
                                                                          tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.user_a)
    export = client.get(reverse("projects:contract-export")).content
    upload = SimpleUploadedFile("contracts.xlsx", export)
    preview = client.post(reverse("projects:contract-import"), {"file": upload})
    assert "未变 <strong>1</strong>" in preview.content.decode()


@time_machine.travel(TODAY)
def test_the_contract_admin_marks_the_provisional_filing_and_payment_deadlines(client, world, signed_2027):
    client.force_login(world.root)
    url = reverse("admin:projects_contract_change", args=[signed_2027.pk])
    page = client.get(url).content.decode()
    assert "2027-10-15（按未公布的节假日安排估算）" in page and "2027-10-22（按未公布的节假日安排估算）" in page
    enter_national_day_2027(world.root)
    page = client.get(url).content.decode()
    assert PROVISIONAL not in page and "2027-10-20" in page and "2027-10-27" in page
