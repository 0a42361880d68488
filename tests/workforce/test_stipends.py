import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from stations.models import Region, RegionLevel
from tests import builders
from tests.workforce import builders as wb
from workforce.models import CertificateLevel, StipendKind
from workforce.selectors import person_stipend_total, person_stipends, region_stipends

HUBEI_QUOTE = "每月分別給予不低于100元、200元、300元的職業(yè)補(bǔ)貼"


def hubei(h, start=datetime.date(2021, 1, 1), amounts=("100", "200", "300"), title="湖北省通知"):
    doc = wb.document(h.province, title=title, effective_from=start)
    for level, amount in zip(CertificateLevel.values, amounts, strict=True):
        wb.stipend(doc, StipendKind.MONTHLY_BY_LEVEL, level, amount, quote=HUBEI_QUOTE)
    return doc


def test_monthly_by_level_with_a_newer_document_mid_year_exact_to_the_fen(stations):
    h = stations
    hubei(h)
    hubei(h, start=datetime.date(2024, 7, 1), amounts=("150.50", "250.25", "350"), title="湖北省新通知")
    junior = wb.person(station=h.station_a1, start_on=datetime.date(2023, 1, 1))
    wb.certify(junior, CertificateLevel.JUNIOR, datetime.date(2023, 5, 1))
    upgraded = wb.person(station=h.station_a1, start_on=datetime.date(2023, 1, 1), name="升级")
    wb.certify(upgraded, CertificateLevel.JUNIOR, datetime.date(2022, 5, 1))
    wb.certify(upgraded, CertificateLevel.INTERMEDIATE, datetime.date(2024, 3, 15))
    uncertified = wb.person(station=h.station_a1, name="无证")
    assert person_stipend_total(person=junior, year=2024) == Decimal("1503.00")  # 6×100 + 6×150.50
    assert person_stipend_total(person=junior, year=2024, month=7) == Decimal("150.50")
    # Jan–Feb junior 2×100, Mar–Jun intermediate 4×200, Jul–Dec intermediate 6×250.25
    assert person_stipend_total(person=upgraded, year=2024) == Decimal("2501.50")
    assert person_stipend_total(person=uncertified, year=2024) == Decimal("0.00")
    report = region_stipends(user=builders.superuser(), region=h.county_a, year=2024)
    assert report.total == Decimal("4004.50")
    assert [row.total for row in report.rows] == [Decimal("2501.50"), Decimal("1503.00")]
    # 2023 is computed from the first document only, whatever was loaded since
    assert person_stipend_total(person=junior, year=2023) == Decimal("800.00")


def test_the_rates_used_are_shown_with_their_documents(stations):
    h = stations
    hubei(h)
    person = wb.person(station=h.station_a1, start_on=datetime.date(2023, 1, 1))
    wb.certify(person, CertificateLevel.INTERMEDIATE, datetime.date(2023, 5, 1))
    used = person_stipends(person=person, year=2024).rates
    assert [(u.rate.level, u.rate.amount) for u in used] == [(CertificateLevel.INTERMEDIATE, Decimal("200.00"))]
    assert used[0].citation == f"依据：《湖北省通知》「{HUBEI_QUOTE}」"
    report = region_stipends(user=builders.superuser(), region=h.county_a, year=2024)
    assert [u.citation for u in report.rates] == [used[0].citation]


def test_a_county_rate_overrides_the_province_and_moves_split_the_year(stations):
    h = stations
    hubei(h)
    county_doc = wb.document(h.county_b, effective_from=datetime.date(2021, 1, 1))
    wb.stipend(county_doc, StipendKind.MONTHLY_BY_LEVEL, CertificateLevel.JUNIOR, "120")
    person = wb.person(station=h.station_a1, start_on=datetime.date(2022, 1, 1), end_on=datetime.date(2024, 4, 15))
    wb.assign(person, h.station_b1, start_on=datetime.date(2024, 4, 16))
    wb.certify(person, CertificateLevel.JUNIOR, datetime.date(2022, 1, 1))
    a = region_stipends(user=builders.superuser(), region=h.county_a, year=2024)
    b = region_stipends(user=builders.superuser(), region=h.county_b, year=2024)
    assert a.total == Decimal("300.00")  # Jan–Mar at county A, province rate
    assert b.total == Decimal("1080.00")  # Apr–Dec at county B, county rate 120
    city = region_stipends(user=builders.superuser(), region=h.city, year=2024)
    assert city.total == Decimal("1380.00")


def test_a_repealed_document_pays_nothing_after_its_repeal(stations):
    h = stations
    doc = hubei(h)
    doc.repealed_on = datetime.date(2024, 7, 1)
    doc.save()
    person = wb.person(station=h.station_a1, start_on=datetime.date(2023, 1, 1))
    wb.certify(person, CertificateLevel.JUNIOR, datetime.date(2023, 1, 1))
    assert person_stipend_total(person=person, year=2024) == Decimal("600.00")  # Jan–Jun


def test_huizhou_one_off_awards_and_post_allowances(hierarchy):
    gd = Region.objects.create(code="440000000000", name="广东省", level=RegionLevel.PROVINCE)
    hz = Region.objects.create(code="441300000000", name="惠州市", level=RegionLevel.CITY, parent=gd)
    district = Region.objects.create(code="441302000000", name="惠城区", level=RegionLevel.COUNTY, parent=hz)
    town = Region.objects.create(code="441302001000", name="桥东街道", level=RegionLevel.TOWNSHIP, parent=district,
                                 kind="jiedao")
    station = builders.station(town)
    start = datetime.date(2023, 1, 1)
    doc = wb.document(district, effective_from=start)
    wb.stipend(doc, StipendKind.ONE_OFF_AWARD, CertificateLevel.JUNIOR, "2000")
    wb.stipend(doc, StipendKind.ONE_OFF_AWARD, CertificateLevel.INTERMEDIATE, "3000")
    wb.stipend(doc, StipendKind.MONTHLY_POST, CertificateLevel.JUNIOR, "200")
    wb.stipend(doc, StipendKind.MONTHLY_POST, CertificateLevel.INTERMEDIATE, "300")
    person = wb.person(station=station, start_on=start, id_number=wb.id_number("441302"))
    wb.certify(person, CertificateLevel.JUNIOR, datetime.date(2024, 10, 20))
    wb.certify(person, CertificateLevel.INTERMEDIATE, datetime.date(2025, 11, 2))
    # 2024: award 2,000 in October + post allowance 200 × 3 (Oct–Dec)
    assert person_stipend_total(person=person, year=2024) == Decimal("2600.00")
    report = region_stipends(user=builders.superuser(), region=district, year=2024)
    assert report.totals_by_kind == {StipendKind.ONE_OFF_AWARD: Decimal("2000.00"),
                                     StipendKind.MONTHLY_POST: Decimal("600.00")}


def test_a_rate_takes_the_documents_date_and_region(stations):
    doc = wb.document(stations.county_a, effective_from=datetime.date(2022, 3, 1))
    rate = wb.stipend(doc, StipendKind.MONTHLY_POST, CertificateLevel.JUNIOR, "80")
    assert (rate.region, rate.effective_from) == (stations.county_a, datetime.date(2022, 3, 1))
    from workforce.models import StipendPolicy

    other = StipendPolicy(document=doc, region=stations.county_b, kind=StipendKind.MONTHLY_POST,
                          level=CertificateLevel.INTERMEDIATE, amount=Decimal(100))
    with pytest.raises(ValidationError, match="须为政策文件的适用区划（江岸区）"):
        other.full_clean()


def test_overlapping_rates_of_one_document_for_the_same_kind_and_level_are_refused(stations):
    doc = hubei(stations)
    with pytest.raises(ValidationError, match="已有一条"):
        wb.stipend(doc, StipendKind.MONTHLY_BY_LEVEL, CertificateLevel.JUNIOR, "150",
                   effective_from=datetime.date(2024, 1, 1))


def test_region_stipends_are_scoped(stations, county_a_user):
    hubei(stations)
    person = wb.person(station=stations.station_b1)
    wb.certify(person, CertificateLevel.JUNIOR, datetime.date(2023, 1, 1))
    assert region_stipends(user=county_a_user, region=stations.city, year=2024).total == Decimal("0.00")
