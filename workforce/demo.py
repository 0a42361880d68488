"""Demo staff for the 远安县 and 兴山县 stations: assignments, certificates and training.

The rules they are measured against come from the policy packs, which the demo seeding loads
before this: Hubei's document sets the stipend rates (100 / 200 / 300 yuan a month by level)
and no qualification deadline, training hours, staffing numbers, hiring limits or supervisor
level, so the demo pages say 本地政策未规定 for those. The people still cover every case a
document could speak to (hired long ago or recently, short of training, a junior supervisor,
hired older than usual), so a county document loaded later shows its deadlines and shortfalls."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from projects.models import Organisation
from projects.validators import credit_code_check_character
from stations.models import Region, Station, StationKind
from workforce import services
from workforce.models import CertificateLevel, Education, EmploymentRole, TrainingKind
from workforce.validators import id_check_character

COUNTIES = ("420525000000", "420526000000")  # 远安县, 兴山县
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林"
GIVEN = ("芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华", "平", "刚", "桂英")


def _id_number(county_code: str, born: datetime.date, serial: int) -> str:
    body = f"{county_code[:6]}{born:%Y%m%d}{serial % 1000:03d}"
    return body + id_check_character(body)


def _organisation(county: Region, admin) -> Organisation:
    body = f"52{county.code[:6]}MJ{county.code[4:6]}00001"
    code = body + credit_code_check_character(body)
    org = Organisation.objects.filter(credit_code=code).first()
    if org is None:
        org = Organisation(name=f"{county.name}社会工作服务中心", credit_code=code, region=county, is_local=True)
        org._history_user = admin
        org.full_clean()
        org.save()
    return org


def seed(*, stdout, context):
    admin = context["admin"]
    today = timezone.localdate()
    counts = {"people": 0, "certificates": 0, "training": 0}
    serial = 0
    for county_code in COUNTIES:
        county = Region.objects.get(code=county_code)
        employer = _organisation(county, admin)
        stations = list(Station.objects.filter(region__code__startswith=county.prefix,
                                               kind=StationKind.TOWNSHIP_STATION).order_by("region__code"))
        for index, station in enumerate(stations):
            for slot, role in enumerate((EmploymentRole.STATION_HEAD, EmploymentRole.RESIDENT, EmploymentRole.RESIDENT,
                                         EmploymentRole.PROJECT)[: 4 - index % 3]):
                serial += 1
                _seed_person(admin, station, employer, role, serial, index * 4 + slot, today, counts)
        if stations:
            serial += 1
            _seed_supervisor(admin, stations[0], employer, serial, today, counts)
    stdout.write(f"社工人员：{counts['people']} 人，证书 {counts['certificates']} 本，培训记录 {counts['training']} 条")


def _seed_person(admin, station, employer, role, serial, n, today, counts) -> None:
    """Person ``n`` of a county; ``n % 7`` picks a profile so each county gets every case."""
    profile = n % 7
    born = datetime.date(1985 + n % 12, 1 + n % 12, 1 + n % 27)
    if profile == 5:
        born = datetime.date(today.year - 49, 3, 3)  # 49 when hired
    hired = {
        3: today - datetime.timedelta(days=2 * 365 - 40),  # hired almost two years ago, not qualified
        4: today - datetime.timedelta(days=2 * 365 + 30),  # hired over two years ago, not qualified
        6: today - datetime.timedelta(days=200),
    }.get(profile, datetime.date(2021 + n % 3, 1 + n % 6, 1))
    person = services.person_create(
        actor=admin, assignment={"station": station, "role": role, "employer": employer, "start_on": hired},
        name=SURNAMES[serial % len(SURNAMES)] + GIVEN[(serial * 7) % len(GIVEN)],
        id_number=_id_number(station.region.code, born, serial), phone=f"139{serial:08d}",
        education=Education.SENIOR_HIGH if profile == 6 else (Education.BACHELOR if n % 2 else Education.ASSOCIATE),
        major="社会工作" if profile == 0 else ("心理学" if n % 3 == 0 else "行政管理"),
        social_work_degree=profile == 0, local_hukou=n % 4 != 0,
    )
    counts["people"] += 1
    if profile in (1, 2, 5):
        level = CertificateLevel.INTERMEDIATE if profile == 2 else CertificateLevel.JUNIOR
        services.certificate_add(actor=admin, person=person, level=level, number=f"HB{hired.year}{serial:06d}",
                                 obtained_on=max(hired, datetime.date(2021, 6, 20)))
        counts["certificates"] += 1
    _seed_training(admin, person, profile, hired, today, counts)


def _seed_training(admin, person, profile, hired, today, counts) -> None:
    sessions = [(hired + datetime.timedelta(days=10), TrainingKind.PRE_SERVICE, "新入职社工岗前培训", Decimal(24))]
    if profile in (3, 4):
        sessions.append((hired + datetime.timedelta(days=120), TrainingKind.CONTINUING, "个案工作方法", Decimal(16)))
    else:
        for year in range(max(hired.year, 2022), today.year + 1):
            # profile 1 takes 40 hours a year, the others 64
            hours = Decimal(20) if profile == 1 else Decimal(32)
            for month, title in ((3, "社会救助政策与实务"), (9, "小组工作与社区活动")):
                day = datetime.date(year, month, 15)
                if hired < day <= today:
                    sessions.append((day, TrainingKind.CONTINUING, title, hours))
    for held_on, kind, title, hours in sessions:
        if held_on <= today:
            services.training_add(actor=admin, person=person, held_on=held_on, kind=kind, title=title,
                                  provider="宜昌市社会工作协会", hours=hours)
            counts["training"] += 1


def _seed_supervisor(admin, station, employer, serial, today, counts) -> None:
    """A county supervisor holding only the junior certificate: flagged where a document requires
    a higher level of supervisors."""
    person = services.person_create(
        actor=admin, assignment={"station": station, "role": EmploymentRole.SUPERVISOR, "employer": employer,
                                 "start_on": datetime.date(2022, 3, 1)},
        name="督导" + SURNAMES[serial % len(SURNAMES)] + "老师", id_number=_id_number(station.region.code,
                                                                                 datetime.date(1980, 5, 6), serial),
        education=Education.MASTER, major="社会工作", social_work_degree=True,
    )
    services.certificate_add(actor=admin, person=person, level=CertificateLevel.JUNIOR,
                             number=f"HBDD{serial:06d}", obtained_on=datetime.date(2019, 6, 20))
    counts["people"] += 1
    counts["certificates"] += 1
