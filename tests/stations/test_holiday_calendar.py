"""The official holiday calendar kept as data: seeded from the chinesecalendar package for the
years it knows, kept by superusers only (read by provincial officials in the admin), audited."""

import datetime

import chinese_calendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.dates import add_working_days, official_calendar, working_day_deadline
from stations import services
from stations.models import AdjustedDay, DayKind, HolidayNotice, Role
from stations.roles import ensure_role_groups
from tests import builders
from tests.admin_forms import form_data

D = datetime.date
ADD = "/admin/stations/holidaynotice/add/"
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"

pytestmark = pytest.mark.django_db


@pytest.fixture
def hubei(hierarchy):
    official = builders.user("hubei", Role.PROVINCE, hierarchy.province, is_staff=True)
    official.groups.add(ensure_role_groups()[Role.PROVINCE])
    return official


def test_the_seeded_calendar_agrees_with_the_package_on_every_day_it_knows():
    calendar = official_calendar()
    assert set(range(2004, 2027)) <= calendar.published and 2027 not in calendar.published
    day = D(2004, 1, 1)
    while day <= D(2026, 12, 31):
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += datetime.timedelta(days=1)
    first = AdjustedDay.objects.get(day=D(2024, 10, 1))
    assert (first.kind, first.name, first.notice.title) == (DayKind.HOLIDAY, "国庆节", "国务院办公厅关于2024年部分节假日安排的通知")
    assert AdjustedDay.objects.get(day=D(2024, 9, 29)).kind == DayKind.WORKDAY  # a Sunday worked


def test_fifteen_working_days_skip_the_national_day_holiday_and_count_the_swapped_sunday():
    # 2024: 1-7 October off; Sunday 29 September and Saturday 12 October are working days.
    deadline = working_day_deadline(D(2024, 9, 27), 15)
    assert (deadline.due_on, deadline.provisional) == (D(2024, 10, 23), False)
    assert add_working_days(D(2024, 3, 1), 15) == D(2024, 3, 22)


def test_a_superuser_enters_a_year_and_it_is_published_with_its_days_and_their_history():
    root = builders.superuser()
    assert working_day_deadline(D(2027, 9, 24), 15).provisional
    notice = services.holiday_calendar_enter(
        actor=root, year=2027, title=NOTICE_2027, number="国办发明电〔2026〕9号", name="国庆节",
        holidays=[D(2027, 10, day) for day in range(1, 8)], workdays=[D(2027, 9, 26), D(2027, 10, 9)])
    # 2 and 3 October are a weekend: a day off already, not an adjusted day.
    assert sorted(notice.days.values_list("day", flat=True)) == [
        D(2027, 9, 26), D(2027, 10, 1), D(2027, 10, 4), D(2027, 10, 5), D(2027, 10, 6), D(2027, 10, 7),
        D(2027, 10, 9)]
    assert working_day_deadline(D(2027, 9, 24), 15).due_on == D(2027, 10, 20)
    assert not working_day_deadline(D(2027, 9, 24), 15).provisional
    assert notice.history.get().history_user == root
    assert {row.history_user for row in AdjustedDay.history.filter(notice_id=notice.pk)} == {root}
    notice_id = notice.pk
    services.holiday_notice_delete(actor=root, notice=notice)
    assert working_day_deadline(D(2027, 9, 24), 15).provisional
    assert AdjustedDay.history.filter(notice_id=notice_id, history_type="-", history_user=root).count() == 7


@pytest.mark.parametrize(("day", "kind", "message"), [
    (D(2027, 10, 2), DayKind.HOLIDAY, "是周末，本来就休息"),
    (D(2027, 10, 8), DayKind.WORKDAY, "是工作日，本来就上班"),
    (D(2029, 10, 8), DayKind.HOLIDAY, "不在通知安排的 2027 年度前后"),
])
def test_a_day_that_moves_nothing_is_refused(day, kind, message):
    root = builders.superuser()
    notice = services.holiday_notice_save(actor=root, notice=HolidayNotice(year=2027, title=NOTICE_2027))
    with pytest.raises(ValidationError, match=message):
        services.adjusted_days_save(actor=root, notice=notice, days=[AdjustedDay(day=day, kind=kind)])


def test_a_provincial_official_reads_the_calendar_in_the_admin_but_may_not_change_it(client, hubei):
    client.force_login(hubei)
    listing = client.get("/admin/stations/holidaynotice/?year=2026")
    assert listing.status_code == 200 and "国务院办公厅关于2026年部分节假日安排的通知" in listing.content.decode()
    assert client.get(ADD).status_code == 403
    notice = HolidayNotice.objects.get(year=2026)
    page = client.get(f"/admin/stations/holidaynotice/{notice.pk}/change/")
    assert page.status_code == 200 and "2026年10月1日" in page.content.decode()
    assert client.post(f"/admin/stations/holidaynotice/{notice.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/stations/adjustedday/?notice__year=2026").status_code == 200
    with pytest.raises(PermissionDenied):
        services.holiday_calendar_enter(actor=hubei, year=2027, title=NOTICE_2027)
    assert not HolidayNotice.objects.filter(year=2027).exists()


def test_a_superuser_adds_a_notice_with_its_days_in_the_admin(client):
    root = builders.superuser()
    client.force_login(root)
    data = form_data(client.get(ADD))
    data.update({"year": "2027", "title": NOTICE_2027, "number": "国办发明电〔2026〕9号",
                 "days-TOTAL_FORMS": "2", "days-INITIAL_FORMS": "0",
                 "days-0-day": "2027-10-01", "days-0-kind": "holiday", "days-0-name": "国庆节",
                 "days-1-day": "2027-10-09", "days-1-kind": "workday", "days-1-name": "国庆节"})
    response = client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = HolidayNotice.objects.get(year=2027)
    assert notice.history.get().history_user == root
    assert list(notice.days.values_list("day", "kind")) == [(D(2027, 10, 1), "holiday"), (D(2027, 10, 9), "workday")]
    assert 2027 in official_calendar(2027, 2027).published


def test_a_superuser_deletes_a_notice_in_the_admin_and_its_year_is_unpublished_again(client):
    root = builders.superuser()
    notice = services.holiday_calendar_enter(actor=root, year=2027, title=NOTICE_2027, name="国庆节",
                                             holidays=[D(2027, 10, 1)])
    client.force_login(root)
    response = client.post(f"/admin/stations/holidaynotice/{notice.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AdjustedDay.objects.filter(day=D(2027, 10, 1)).exists()
    assert 2027 not in official_calendar(2027, 2027).published
    assert HolidayNotice.history.filter(year=2027, history_type="-").get().history_user == root


def test_migrate_enters_only_the_years_the_calendar_lacks():
    assert services.holiday_calendar_seed() == []  # migrate has entered them all
    root = builders.superuser()
    services.holiday_notice_delete(actor=root, notice=HolidayNotice.objects.get(year=2025))
    kept = HolidayNotice.objects.get(year=2024)
    kept.number = "国办发明电〔2023〕7号"
    services.holiday_notice_save(actor=root, notice=kept)
    assert services.holiday_calendar_seed() == [2025]
    assert HolidayNotice.objects.get(year=2024).number == "国办发明电〔2023〕7号"
    assert AdjustedDay.objects.filter(notice__year=2025).count() == len(
        [d for d in AdjustedDay.history.filter(history_type="-", day__year=2025)])
    assert official_calendar().is_working_day(D(2025, 10, 11)) and not official_calendar().is_working_day(D(2025, 10, 8))
