"""A number already registered (an ID-card number, a certificate number) is refused in one
wording everywhere (the person and certificate forms, the Excel imports, the admin), whoever holds
it and whether or not the user may see the holder: county B typing county A's numbers learns no
more than that they are registered. The refusal sits on the same field, with the same page around
it, as when the holder is one of B's own people."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from stations.models import Role
from tests import builders
from tests.admin_forms import form_data
from tests.workforce import builders as wb
from tests.workforce.test_import_export import CERT_HEADERS, PEOPLE_HEADERS, upload, xlsx
from workforce import services
from workforce.models import Certificate, CertificateLevel, Employment, Person

pytestmark = pytest.mark.django_db

ID_TAKEN = "该身份证号码已登记，不能重复登记。如此人已在本地登记，请在人员名单中查找；如需从外地调入，请联系上级民政部门。"
CERTIFICATE_TAKEN = "该证书编号已登记，不能重复登记。请核对证书编号；如编号无误，请联系上级民政部门。"
START = datetime.date(2024, 1, 1)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def counties(hierarchy):
    """County B's user and own people; county A's person (in post, with a certificate), out of B's sight."""
    h = hierarchy
    h.user_b = builders.county_user(h, "county_b", h.county_b)
    h.station_a = builders.station(h.a1, name="江岸秘密社工站")
    h.station_b = builders.station(h.b1, name="民族街社工站")
    h.station_b2 = builders.station(h.b2, name="花楼街社工站")
    h.theirs = wb.person(station=h.station_a, name="江岸秘密人", start_on=START)
    h.mine = wb.person(station=h.station_b, name="江汉本地人", start_on=START)
    h.newcomer = wb.person(station=h.station_b, name="江汉新人", start_on=START)
    h.their_certificate = wb.certify(h.theirs, CertificateLevel.JUNIOR, datetime.date(2023, 1, 1), number="ZSA0001")
    h.my_certificate = wb.certify(h.mine, CertificateLevel.JUNIOR, datetime.date(2023, 1, 1), number="ZSB0001")
    h.secrets = ("江岸秘密人", "江岸秘密社工站", h.a1.name, h.county_a.name)
    return h


def page_text(response, *typed) -> str:
    """The page as the user reads it, with what they typed (which differs between the two tries)
    and the one-time tokens (the form's, the returned workbook's) set aside."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    text = re.sub(r"\?marked=[0-9a-f]+", "?marked=", text)
    for value in typed:
        text = text.replace(value, "«typed»")
    return text


def assert_refused_telling_nothing_of_county_a(h, text, wording):
    assert wording in text
    assert not [secret for secret in h.secrets if secret in text]


def test_the_person_form_refuses_a_registered_id_number_in_one_wording(counties, client):
    h = counties
    client.force_login(h.user_b)
    pages, errors = [], []
    for holder in (h.mine, h.theirs):
        for name in (holder.name, "猜的名字"):  # the registered name (still in post), another name
            response = client.post(reverse("workforce:person-create"), {
                "name": name, "id_number": holder.id_number, "station": h.station_b2.pk, "role": "resident",
                "start_on": "2025-01-01"})
            assert response.status_code == 200
            errors.append(response.context["form"].errors.get_json_data())
            pages.append(page_text(response, holder.id_number, name))
    assert errors == [{"id_number": [{"message": ID_TAKEN, "code": "unique"}]}] * 4
    assert pages[1:] == pages[:1] * 3
    assert_refused_telling_nothing_of_county_a(h, pages[-1], ID_TAKEN)
    assert Person.objects.count() == 3 and Employment.objects.count() == 3
    # Someone of B's who has left their post is still taken on again at another station under their name.
    job = h.mine.employments.get()
    services.employment_update(actor=h.user_b, employment=job, end_on=datetime.date(2024, 12, 31))
    response = client.post(reverse("workforce:person-create"), {
        "name": h.mine.name, "id_number": h.mine.id_number, "station": h.station_b2.pk, "role": "resident",
        "start_on": "2025-01-01"})
    assert response.status_code == 302 and h.mine.employments.count() == 2


def test_the_register_refuses_a_registered_id_number_the_same_way_for_every_reason(counties):
    h = counties
    assignment = {"station": h.station_b2, "role": "resident", "start_on": datetime.date(2025, 1, 1), "end_on": None,
                  "employer": None}
    refusals = []
    for holder in (h.mine, h.theirs):
        for data in ({"name": holder.name, "assignment": assignment},      # still in post
                     {"name": "随便猜的名字", "assignment": assignment},    # another name
                     {"name": holder.name}):                                # no assignment
            with pytest.raises(ValidationError) as refused:
                services.person_create(actor=h.user_b, id_number=holder.id_number, **data)
            refusals.append(refused.value.message_dict)
    assert refusals == [{"id_number": [ID_TAKEN]}] * 6


def test_the_person_edit_form_refuses_a_registered_id_number_in_one_wording(counties, client):
    h = counties
    client.force_login(h.user_b)
    url = reverse("workforce:person-update", args=[h.newcomer.pk])
    pages, errors = [], []
    for holder in (h.mine, h.theirs):
        response = client.post(url, {"name": h.newcomer.name, "id_number": holder.id_number})
        assert response.status_code == 200
        errors.append(response.context["form"].errors.get_json_data())
        pages.append(page_text(response, holder.id_number))
    assert errors == [{"id_number": [{"message": ID_TAKEN, "code": "unique"}]}] * 2
    assert pages[0] == pages[1]
    assert_refused_telling_nothing_of_county_a(h, pages[1], ID_TAKEN)
    assert Person.objects.get(pk=h.newcomer.pk).id_number == h.newcomer.id_number


def _people_row(name, number, education="本科"):
    return [name, number, "", "", "", education, "", "否", "否", ""]


def test_the_people_import_refuses_a_registered_id_number_in_one_wording(counties, client):
    h = counties
    client.force_login(h.user_b)
    url = reverse("workforce:person-import")
    for education, errors in (("本科", [f"身份证号码：{ID_TAKEN}"]), ("博士后", None)):  # alone, and beside another error
        rows, pages = [], []
        for holder in (h.mine, h.theirs):
            response = client.post(url, {"file": xlsx(PEOPLE_HEADERS, [_people_row("猜的名字", holder.id_number,
                                                                                     education)])})
            report = response.context["report"]
            assert not response.context["token"]  # nothing to confirm
            rows.append([(row.excel_row, row.action, row.errors) for row in report.rows])
            pages.append(page_text(response, holder.id_number, holder.masked_id_number))
        assert rows[0] == rows[1] and pages[0] == pages[1]
        assert f"身份证号码：{ID_TAKEN}" in rows[1][0][2] and (errors is None or rows[1][0][2] == errors)
        assert_refused_telling_nothing_of_county_a(h, pages[1], ID_TAKEN)
    assert set(Person.objects.values_list("name", flat=True)) == {"江岸秘密人", "江汉本地人", "江汉新人"}
    # B's own person re-imported under their name is updated, as before.
    report = upload(client, "person-import", xlsx(PEOPLE_HEADERS, [_people_row(h.mine.name, h.mine.id_number)]))
    assert report.totals == {"更新": 1}
    assert Person.objects.get(pk=h.mine.pk).get_education_display() == "本科"


def test_the_certificate_form_refuses_a_registered_number_in_one_wording(counties, client):
    h = counties
    client.force_login(h.user_b)
    url = reverse("workforce:certificate-create", args=[h.newcomer.pk])
    pages, errors = [], []
    for number in (h.my_certificate.number, h.their_certificate.number):
        response = client.post(url, {"level": CertificateLevel.JUNIOR, "number": number.lower(),
                                     "obtained_on": "2024-06-01"})
        assert response.status_code == 200
        errors.append(response.context["form"].errors.get_json_data())
        pages.append(page_text(response, number.lower()))
    assert errors == [{"number": [{"message": CERTIFICATE_TAKEN, "code": "unique"}]}] * 2
    assert pages[0] == pages[1]
    assert_refused_telling_nothing_of_county_a(h, pages[1], CERTIFICATE_TAKEN)
    assert not h.newcomer.certificates.exists()


def test_the_certificate_import_refuses_a_registered_number_in_one_wording(counties, client):
    h = counties
    client.force_login(h.user_b)
    url = reverse("workforce:certificate-import")
    unknown = wb.id_number("420103", "19800101", "777")
    for person_number in (h.newcomer.id_number, unknown):  # one of B's people, and nobody B knows
        rows, pages = [], []
        for number in (h.my_certificate.number, h.their_certificate.number):
            response = client.post(url, {"file": xlsx(CERT_HEADERS, [
                [number, person_number, "助理社会工作师（初级）", "2024-06-01"]])})
            report = response.context["report"]
            assert not response.context["token"]
            rows.append([(row.excel_row, row.action, row.errors) for row in report.rows])
            pages.append(page_text(response, number))
        assert rows[0] == rows[1] and pages[0] == pages[1]
        assert rows[1][0][1] == "错误" and f"证书编号：{CERTIFICATE_TAKEN}" in rows[1][0][2]
        assert_refused_telling_nothing_of_county_a(h, pages[1], CERTIFICATE_TAKEN)
    assert list(Certificate.objects.order_by("number").values_list("number", "person")) == [
        ("ZSA0001", h.theirs.pk), ("ZSB0001", h.mine.pk)]
    # A certificate re-imported for its own holder is updated, as before.
    report = upload(client, "certificate-import", xlsx(CERT_HEADERS, [
        [h.my_certificate.number, h.mine.id_number, "社会工作师（中级）", "2023-01-01"]]))
    assert report.totals == {"更新": 1}
    assert Certificate.objects.get(number="ZSB0001").level == CertificateLevel.INTERMEDIATE


@pytest.fixture
def admin_b(counties, client):
    """County B's registry keeper, given the workforce admin by an administrator."""
    staff = builders.user("b_admin", Role.COUNTY, counties.county_b, is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="workforce"))
    client.force_login(staff)
    return staff


def test_the_person_admin_refuses_a_registered_id_number_in_one_wording(counties, admin_b, client):
    h = counties
    url = reverse("admin:workforce_person_add")
    blank = form_data(client.get(url))
    pages, errors = [], []
    for holder in (h.mine, h.theirs):
        response = client.post(url, {**blank, "name": "猜的名字", "id_number": holder.id_number,
                                     "registered_region": str(h.county_b.pk), "employments-TOTAL_FORMS": "1",
                                     "employments-0-station": str(h.station_b2.pk), "employments-0-role": "resident",
                                     "employments-0-start_on": "2025-01-01"})
        assert response.status_code == 200
        errors.append(response.context["adminform"].form.errors.get_json_data())
        pages.append(page_text(response, holder.id_number))
    assert errors == [{"id_number": [{"message": ID_TAKEN, "code": "unique"}]}] * 2
    assert pages[0] == pages[1]
    assert_refused_telling_nothing_of_county_a(h, pages[1], ID_TAKEN)
    assert Person.objects.count() == 3 and Employment.objects.count() == 3


def test_the_certificate_admin_refuses_a_registered_number_in_one_wording(counties, admin_b, client):
    h = counties
    url = reverse("admin:workforce_certificate_add")
    pages, errors = [], []
    for number in (h.my_certificate.number, h.their_certificate.number):
        response = client.post(url, {**form_data(client.get(url)), "person": str(h.newcomer.pk), "level": "1",
                                     "number": number, "obtained_on": "2024-06-01"})
        assert response.status_code == 200
        errors.append(response.context["adminform"].form.errors.get_json_data())
        pages.append(page_text(response, number))
    # the same on the person's page, adding the certificate there
    url = reverse("admin:workforce_person_change", args=[h.newcomer.pk])
    for number in (h.my_certificate.number, h.their_certificate.number):
        response = client.post(url, {**form_data(client.get(url)), "certificates-TOTAL_FORMS": "1",
                                     "certificates-0-level": "1", "certificates-0-number": number,
                                     "certificates-0-obtained_on": "2024-06-01"})
        assert response.status_code == 200
        certificates = next(f for f in response.context["inline_admin_formsets"]
                            if f.formset.model is Certificate).formset
        errors.append(certificates.errors[0].get_json_data())
        pages.append(page_text(response, number))
    assert errors == [{"number": [{"message": CERTIFICATE_TAKEN, "code": "unique"}]}] * 4
    assert pages[0] == pages[1] and pages[2] == pages[3]
    assert_refused_telling_nothing_of_county_a(h, pages[1] + pages[3], CERTIFICATE_TAKEN)
    assert not h.newcomer.certificates.exists()
