"""Every project whose purchaser's document requires a supervisor has one of the required level:
Yuanzhou's plan asks the contractor for a full-time project supervisor holding the intermediate
certificate (社会工作师) or higher."""

import datetime

import pytest
from django.urls import reverse

from stations.models import RegionLevel, Role
from stations.packs import PACK_DIR, load_packs
from tests import builders
from tests.projects import builders as pjb
from tests.stations.pack_builders import create_regions
from tests.workforce import builders as wb
from workforce.models import CertificateLevel, EmploymentRole
from workforce.selectors import project_supervisor_violations

D = datetime.date
ON = D(2024, 6, 30)


@pytest.fixture
def world(db):
    regions = create_regions(["64", "6404", "640402", "42", "4205", "420525"])
    load_packs([PACK_DIR / "d4_ningxia_yuanzhou.toml"], actor=builders.superuser())
    w = type("World", (), {})()
    w.yuanzhou, w.yuanan = regions["640402"], regions["420525"]
    w.stations = [builders.station(builders.region(f"6404021{n:02d}", name, RegionLevel.TOWNSHIP, w.yuanzhou))
                  for n, name in enumerate(["三营镇", "官厅镇", "开城镇", "张易镇"])]
    w.hubei_station = builders.station(builders.region("420525100", "鸣凤镇", RegionLevel.TOWNSHIP, w.yuanan))
    w.org = pjb.organisation(w.yuanzhou, name="原州区社会工作服务中心")
    w.contracts = [pjb.contract(w.yuanzhou, w.org, stations=[station], number=f"YZ-2024-{n}", signed_on=D(2023, 12, 20))
                   for n, station in enumerate(w.stations, 1)]
    w.hubei_contract = pjb.contract(w.yuanan, pjb.organisation(w.yuanan), stations=[w.hubei_station],
                                    number="YA-2024-1", signed_on=D(2023, 12, 20))
    return w


def _supervisor(station, name, level=None, employer=None):
    person = wb.person(station=station, name=name, role=EmploymentRole.SUPERVISOR, start_on=D(2024, 1, 1),
                       employer=employer)
    if level is not None:
        wb.certify(person, level, D(2022, 1, 1))
    return person


def test_projects_without_a_supervisor_of_the_documents_level_are_listed(world):
    # Project 1: no supervisor at all. Project 2: a junior supervisor. Project 3: an intermediate
    # one of the contractor. Project 4: an intermediate supervisor employed by another organisation.
    junior = _supervisor(world.stations[1], "初级督导", CertificateLevel.JUNIOR, world.org)
    _supervisor(world.stations[2], "中级督导", CertificateLevel.INTERMEDIATE, world.org)
    _supervisor(world.stations[3], "他机构督导", CertificateLevel.SENIOR, pjb.organisation(world.yuanzhou))
    rows = {row.contract.number: row for row in project_supervisor_violations(user=builders.superuser(),
                                                                               on_date=ON)}
    assert set(rows) == {"YZ-2024-1", "YZ-2024-2", "YZ-2024-4"}  # Yuan'an: its document sets no level
    assert rows["YZ-2024-1"].unstaffed and rows["YZ-2024-4"].unstaffed
    assert [(a.person, level) for a, level in rows["YZ-2024-2"].supervisors] == [(junior, 1)]
    assert {row.required_level for row in rows.values()} == {2}
    assert rows["YZ-2024-1"].citation == "依据：《原州区乡镇（街道）社会工作服务站建设实施方案（试行）》" \
                                         "（承接机构配备专职项目督导，具有中级社会工作师及以上资格）"


def test_the_page_lists_unstaffed_projects_to_their_county_only(client, world):
    client.force_login(builders.user("yuanzhou", Role.COUNTY, world.yuanzhou))
    section = client.get(reverse("workforce:deadline-list"), {"on": ON.isoformat()}).content.decode()
    section = section.split('id="project-supervisors"', 1)[1].split("</section>", 1)[0]
    assert "项目督导配备不足（4）" in section and section.count("未配备督导") == 4
    assert "社会工作师（中级）及以上" in section and "YA-2024-1" not in section
    client.force_login(builders.user("yuanan", Role.COUNTY, world.yuanan))
    page = client.get(reverse("workforce:deadline-list"), {"on": ON.isoformat()}).content.decode()
    assert "YZ-2024" not in page and "项目督导配备不足（0）" in page
