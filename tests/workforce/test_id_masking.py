"""ID-card numbers are masked on every page, export, admin page, audit trail, import preview
and log line; only holders of ``workforce.view_full_id_number`` may show or export them in
full, and each such disclosure is recorded."""

import io
import logging

import pytest
from django.urls import reverse

from stations.models import Role
from stations.roles import ensure_role_groups
from tests import builders
from tests.workforce import builders as wb
from tests.workforce.test_import_export import EMPLOYMENT_HEADERS, PEOPLE_HEADERS, sheet_rows, upload, xlsx
from workforce import services
from workforce.models import DisclosureKind, IdNumberDisclosure, Person
from workforce.validators import mask_id_numbers_in_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def anna(stations):
    return wb.person(station=stations.station_a1, name="安娜")


def detail(client, person, **post):
    url = reverse("workforce:person-detail", args=[person.pk])
    return (client.post(url, post) if post else client.get(url))


def test_masking_keeps_region_and_last_four():
    assert mask_id_numbers_in_text("号码110101199003071234，或 11010119900307123X。") == (
        "号码110101********1234，或 110101********123X。")
    assert mask_id_numbers_in_text("订单 12345678901234567890") == "订单 12345678901234567890"  # 20 digits


def test_county_staff_see_masked_numbers_and_no_control_without_the_permission(client, anna, county_a_user):
    client.force_login(county_a_user)
    page = detail(client, anna).content.decode()
    assert anna.masked_id_number in page and anna.id_number not in page
    assert "显示完整身份证号" not in page
    assert detail(client, anna, show_full_id="1").status_code == 403
    found = client.get(reverse("workforce:person-list"), {"q": anna.id_number}).content.decode()
    assert f'<td class="wf-id">{anna.masked_id_number}</td>' in found  # (the search box echoes what was typed)
    for url in (reverse("workforce:person-list"), reverse("workforce:roster-detail", args=[anna.employments.get().station_id]),
                reverse("workforce:person-update", args=[anna.pk])):
        page = client.get(url).content.decode()
        assert "安娜" in page or anna.masked_id_number in page, url
        assert anna.id_number not in page, url
    assert not IdNumberDisclosure.objects.exists()


def test_the_role_groups_do_not_carry_the_permission(stations):
    official = builders.user("prov", Role.PROVINCE, stations.province, is_staff=True)
    official.groups.add(ensure_role_groups()[Role.PROVINCE])
    assert not type(official).objects.get(pk=official.pk).has_perm("workforce.view_full_id_number")


def test_a_holder_shows_the_full_number_on_request_and_it_is_recorded(client, anna, county_a_user):
    holder = wb.grant_full_id_numbers(county_a_user)
    client.force_login(holder)
    page = detail(client, anna).content.decode()
    assert anna.id_number not in page and "显示完整身份证号" in page
    assert not IdNumberDisclosure.objects.exists()
    page = detail(client, anna, show_full_id="1").content.decode()
    assert anna.id_number in page
    record = IdNumberDisclosure.objects.get()
    assert (record.user, record.person, record.kind, record.subject) == (holder, anna, DisclosureKind.PAGE, "安娜")
    # the list stays masked even for a holder
    assert anna.id_number not in client.get(reverse("workforce:person-list")).content.decode()


def test_a_holder_cannot_show_another_countys_person(client, stations, county_a_user):
    bob = wb.person(station=stations.station_b1, name="鲍勃")
    client.force_login(wb.grant_full_id_numbers(county_a_user))
    assert detail(client, bob, show_full_id="1").status_code == 404
    assert not IdNumberDisclosure.objects.exists()


def test_full_exports_need_the_permission_and_are_recorded(client, anna, county_a_user):
    url = reverse("workforce:registry-export", args=["people"])
    client.force_login(county_a_user)
    assert sheet_rows(client.get(url, {"full_id": "1"}))[1][1] == anna.masked_id_number
    assert not IdNumberDisclosure.objects.exists()
    holder = wb.grant_full_id_numbers(county_a_user)
    client.force_login(holder)
    assert sheet_rows(client.get(url, {"full_id": "1", "q": anna.id_number}))[1][1] == anna.id_number
    record = IdNumberDisclosure.objects.get()
    assert (record.user, record.kind, record.count) == (holder, DisclosureKind.EXPORT, 1)
    assert "社工人员" in record.subject and anna.masked_id_number in record.subject
    assert anna.id_number not in record.subject  # the search term is masked in the record too
    assert sheet_rows(client.get(url))[1][1] == anna.masked_id_number
    assert IdNumberDisclosure.objects.count() == 1


def test_the_edit_form_never_sends_the_number_and_keeps_it_when_left_empty(client, anna, county_a_user):
    client.force_login(county_a_user)
    url = reverse("workforce:person-update", args=[anna.pk])
    page = client.get(url).content.decode()
    assert anna.id_number not in page and anna.masked_id_number in page
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update(id_number="", phone="13911112222", social_work_degree="", local_hukou="")
    data = {key: value for key, value in data.items() if value != ""}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    anna.refresh_from_db()
    assert anna.phone == "13911112222" and anna.id_number == Person.objects.get(pk=anna.pk).id_number
    corrected = wb.id_number("420102", "19900101", anna.id_number[14:17])
    client.post(url, {**data, "id_number": corrected})
    assert Person.objects.get(pk=anna.pk).id_number == corrected


def test_the_audit_trail_masks_a_changed_number(client, anna, county_a_user):
    old = anna.id_number
    new = wb.id_number("420526", "19900101", anna.id_number[14:17])
    services.person_update(actor=county_a_user, person=anna, id_number=new, notes=f"原号码 {old}")
    client.force_login(county_a_user)
    page = client.get(reverse("audit-log"), {"model": "workforce.person"}).content.decode()
    assert Person.objects.get(pk=anna.pk).masked_id_number in page
    assert old not in page and new not in page


def test_the_admin_masks_numbers_in_list_form_and_history(client, anna):
    new = wb.id_number("420527", "19900101", anna.id_number[14:17])
    old = anna.id_number
    services.person_update(actor=builders.superuser(), person=anna, id_number=new)
    client.force_login(builders.superuser())
    pages = {
        "changelist": client.get(reverse("admin:workforce_person_changelist")),
        "search": client.get(reverse("admin:workforce_person_changelist"), {"q": new}),
        "change": client.get(reverse("admin:workforce_person_change", args=[anna.pk])),
        "history": client.get(reverse("admin:workforce_person_history", args=[anna.pk])),
    }
    record = Person.history.filter(id=anna.pk).order_by("history_id").first()
    pages["history form"] = client.get(reverse("admin:workforce_person_simple_history",
                                               args=[anna.pk, record.history_id]))
    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, name
        if name == "search":  # the search box and links echo what was typed; the result is masked
            assert f'<td class="field-masked_id">{Person.objects.get(pk=anna.pk).masked_id_number}</td>' in page
            continue
        assert new not in page and old not in page, name


def test_disclosure_records_are_read_only_in_the_admin(client, anna):
    root = builders.superuser()
    services.record_disclosure(user=root, kind=DisclosureKind.PAGE, person=anna, subject=anna.name)
    record = IdNumberDisclosure.objects.get()
    client.force_login(root)
    assert client.get(reverse("admin:workforce_idnumberdisclosure_changelist")).status_code == 200
    assert client.get(reverse("admin:workforce_idnumberdisclosure_add")).status_code == 403
    assert client.post(reverse("admin:workforce_idnumberdisclosure_change", args=[record.pk]),
                       {"subject": "x"}).status_code == 403
    assert client.post(reverse("admin:workforce_idnumberdisclosure_delete", args=[record.pk]),
                       {"post": "yes"}).status_code == 403
    assert IdNumberDisclosure.objects.get().subject == "安娜"


def test_import_preview_and_errors_show_masked_numbers(client, stations, county_a_user):
    client.force_login(county_a_user)
    number = wb.id_number("420102", "19950505", "123")
    report = upload(client, "person-import", xlsx(PEOPLE_HEADERS, [
        ["张一", number, "", "", "", "本科", "", "是", "是", ""]]), confirm=False)
    assert not report.has_errors
    shown = str(client.post(reverse("workforce:person-import"), {"file": xlsx(PEOPLE_HEADERS, [
        ["张一", number, "", "", "", "本科", "", "是", "是", ""]])}).content.decode())
    assert number not in shown and number[:6] + "********" + number[-4:] in shown
    unknown = wb.id_number("420102", "19960606", "124")
    response = client.post(reverse("workforce:employment-import"), {"file": xlsx(EMPLOYMENT_HEADERS, [
        [unknown, stations.a1.code, "驻站社工", "", "2024-01-01", ""]])})
    report = response.context["report"]
    assert report.has_errors
    page = response.content.decode()
    assert unknown not in page and unknown[:6] + "********" + unknown[-4:] in page


def test_log_records_never_carry_a_full_number(caplog, anna):
    logger = logging.getLogger("workforce.test")
    try:
        raise ValueError(f"bad row {anna.id_number}")
    except ValueError:
        logger.exception("import of %s failed", anna.id_number)
    assert anna.masked_id_number in caplog.text
    assert anna.id_number not in caplog.text


def test_the_configured_handler_masks_what_it_writes(anna):
    handler = next(h for h in logging.getLogger().handlers
                   if any(type(f).__name__ == "MaskIdNumbersFilter" for f in h.filters))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("django.request").error("Bad request: /people/?q=%s", anna.id_number)
    finally:
        handler.setStream(previous)
    assert anna.masked_id_number in stream.getvalue() and anna.id_number not in stream.getvalue()


def test_person_admin_delete_with_assignments_is_refused(client, anna):
    client.force_login(builders.superuser())
    response = client.post(reverse("admin:workforce_person_delete", args=[anna.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert "无法删除" in response.content.decode() or "不能删除" in response.content.decode()
    assert Person.objects.filter(pk=anna.pk).exists()
