"""Audit and sign-in records are kept at least 180 days, cannot be changed or deleted through the
product, and a command exports them for the auditor."""

import datetime

import pytest
import time_machine
from axes.models import AccessFailureLog, AccessLog
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from stations.models import Role
from tests import builders
from tests.workforce import builders as wb
from workforce import services as workforce_services
from workforce.models import Person

TODAY = datetime.date(2026, 12, 2)


def sheet_rows(path, title):
    return [list(row) for row in load_workbook(path)[title].iter_rows(values_only=True)]


@pytest.fixture
def county_user(hierarchy):
    return builders.user("jiangan", Role.COUNTY, hierarchy.county_a)


def test_the_export_holds_each_change_with_its_actor_reason_and_masked_values(hierarchy, county_user, tmp_path):
    first, corrected = wb.id_number(born="19850314", serial="120"), wb.id_number(born="19860520", serial="122")
    person = wb.person(actor=county_user, name="李娜", id_number=first)
    workforce_services.person_update(actor=county_user, person=person, name="李娜娜", id_number=corrected)
    output = tmp_path / "audit.xlsx"
    call_command("export_audit", "--from", "2020-01-01", "--to", "2100-12-31", "--output", str(output))
    rows = sheet_rows(output, "数据变更记录")
    changes = [row for row in rows if row[1] == str(Person._meta.verbose_name)]
    assert [row[4] for row in changes] == ["新增", "修改"]
    created, changed = changes
    assert created[5] == changed[5] == "jiangan" and changed[3] == "李娜娜"
    assert "李娜 → 李娜娜" in changed[7]
    text = repr(rows)
    for number in (first, corrected):
        assert number not in text and number[6:14] not in text  # neither the number nor its birth date
        assert f"{number[:6]}********{number[-4:]}" in changed[7]
    assert "1985 → 1986" in changed[7]  # the birth date appears as its year


def test_the_export_lists_sign_ins_and_failed_sign_ins_of_the_period(county_user, tmp_path):
    client = Client()
    client.post("/accounts/login/", {"username": "jiangan", "password": "wrong"})
    client.post("/accounts/login/", {"username": "no-such-user", "password": "wrong"})
    client.post("/accounts/login/", {"username": "jiangan", "password": builders.PASSWORD})
    output = tmp_path / "audit.xlsx"
    call_command("export_audit", "--from", "2020-01-01", "--to", "2100-12-31", "--output", str(output))
    assert [row[2] for row in sheet_rows(output, "登录记录")[2:]] == ["jiangan"]
    # the failed attempt of the real user is kept even though the sign-in that followed reset the lock counter
    assert sorted(row[1] for row in sheet_rows(output, "登录失败记录")[2:]) == ["jiangan", "no-such-user"]


def test_the_export_keeps_formula_text_as_text(hierarchy, tmp_path):
    organisation = wb.organisation(hierarchy.county_a, name="=HYPERLINK(\"http://x\",\"点我\")")
    output = tmp_path / "audit.xlsx"
    call_command("export_audit", "--from", "2020-01-01", "--to", "2100-12-31", "--output", str(output))
    cell = next(row[3] for row in load_workbook(output)["数据变更记录"].iter_rows() if row[3].value == organisation.name)
    assert cell.data_type == "s"


def test_the_export_is_limited_to_the_period(county_user, tmp_path):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC)):
        wb.person(actor=county_user, name="三月登记")
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10, tzinfo=datetime.UTC)):
        wb.person(actor=county_user, name="九月登记")
    output = tmp_path / "audit.xlsx"
    call_command("export_audit", "--from", "2026-08-01", "--to", "2026-09-30", "--output", str(output))
    names = [row[3] for row in sheet_rows(output, "数据变更记录")[2:]]
    assert "九月登记" in names and "三月登记" not in names


def test_pruning_within_180_days_is_refused_and_older_records_can_go(county_user):
    with time_machine.travel(datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)):
        wb.person(actor=county_user, name="一月登记")
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10, tzinfo=datetime.UTC)):
        wb.person(actor=county_user, name="九月登记")
    history = Person.history.model.objects
    with time_machine.travel(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC)):
        for command, option in (("clean_old_history", "--days"), ("axes_reset_logs", "--age"),
                                ("axes_reset_failure_logs", "--age")):
            with pytest.raises(CommandError, match="至少保留 180 天"):
                call_command(command, "--auto", option, "30") if command == "clean_old_history" \
                    else call_command(command, option, "30")
        with pytest.raises(CommandError, match="不得删除"):
            call_command("clean_duplicate_history", "--auto")
        assert set(history.values_list("name", flat=True)) == {"一月登记", "九月登记"}
        call_command("clean_old_history", "workforce.person", "--days", "180")
    assert list(history.values_list("name", flat=True)) == ["九月登记"]


def test_sign_in_records_cannot_be_changed_or_deleted_in_the_admin(county_user):
    Client().post("/accounts/login/", {"username": "jiangan", "password": builders.PASSWORD})
    Client().post("/accounts/login/", {"username": "jiangan", "password": "wrong"})
    log, failure = AccessLog.objects.get(username="jiangan"), AccessFailureLog.objects.get()
    admin = Client()
    admin.force_login(builders.superuser())
    for url in (f"/admin/axes/accesslog/{log.pk}/delete/", f"/admin/axes/accessfailurelog/{failure.pk}/delete/"):
        assert admin.post(url, {"post": "yes"}).status_code == 403
    page = admin.post(f"/admin/axes/accesslog/{log.pk}/change/", {"username": "someone-else"})
    assert page.status_code in (200, 403)
    for model in ("accesslog", "accessfailurelog"):
        listing = admin.post(f"/admin/axes/{model}/", {"action": "delete_selected", "_selected_action": [
            log.pk if model == "accesslog" else failure.pk], "post": "yes"})
        assert listing.status_code in (200, 302)
    assert AccessLog.objects.filter(pk=log.pk, username="jiangan").exists() and AccessFailureLog.objects.count() == 1


def test_an_account_is_deactivated_not_deleted_so_its_changes_keep_their_actor(county_user):
    wb.person(actor=county_user, name="王芳")
    admin = Client()
    admin.force_login(builders.superuser())
    assert admin.post(f"/admin/stations/user/{county_user.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Person.history.model.objects.get().history_user == county_user
