"""The ``[[stipends]]`` section of a policy pack: checked whole, loaded idempotently."""

import datetime
from decimal import Decimal

import pytest

from stations.packs import PACK_DIR, PackError, load_packs, read_pack
from tests import builders
from tests.workforce import builders as wb
from workforce.models import CertificateLevel, StipendKind, StipendPolicy
from workforce.selectors import person_stipends

pytestmark = pytest.mark.django_db

HEAD = """
[document]
key = "TEST-COUNTY-2023"
title = "江岸区社会工作者补贴办法"
number = "岸民〔2023〕5号"
issued_on = 2023-03-01
region = "420102000000"
"""


def pack(tmp_path, body: str, name="county.toml"):
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def load(path):
    [result] = load_packs([path], actor=builders.superuser())
    return result.counts


RATES = """
[[stipends]]
kind = "monthly_post"
level = 1
amount = 200
clause = "第四条"
quote = "每月200元崗位津貼、中級300元崗位津貼"

[[stipends]]
kind = "monthly_post"
level = 2
amount = "300.50"
clause = "第四条"

[[stipends]]
kind = "one_off_award"
level = 2
amount = 3000
effective_from = 2023-07-01
effective_to = 2025-12-31
"""


def test_stipends_load_once_and_reload_changes_nothing(tmp_path, hierarchy):
    path = pack(tmp_path, RATES)
    counts = load(path)
    assert (counts.added, counts.changed, counts.removed) == (1 + 3, 0, 0)  # the document and three rates
    rates = {(r.kind, r.level): r for r in StipendPolicy.objects.select_related("document")}
    post = rates[(StipendKind.MONTHLY_POST, CertificateLevel.JUNIOR)]
    assert (post.region, post.amount, post.effective_from) == (hierarchy.county_a, Decimal("200.00"),
                                                               datetime.date(2023, 3, 1))
    assert post.citation == "依据：《江岸区社会工作者补贴办法》（岸民〔2023〕5号）第四条「每月200元崗位津貼、中級300元崗位津貼」"
    assert rates[(StipendKind.MONTHLY_POST, CertificateLevel.INTERMEDIATE)].amount == Decimal("300.50")
    award = rates[(StipendKind.ONE_OFF_AWARD, CertificateLevel.INTERMEDIATE)]
    assert (award.effective_from, award.effective_to) == (datetime.date(2023, 7, 1), datetime.date(2025, 12, 31))
    again = load(path)
    assert (again.added, again.changed, again.unchanged, again.removed) == (0, 0, 4, 0)


def test_a_changed_pack_updates_in_place_and_removes_what_it_dropped(tmp_path, hierarchy):
    load(pack(tmp_path, RATES))
    first = StipendPolicy.objects.get(kind=StipendKind.MONTHLY_POST, level=1)
    changed = RATES.replace("amount = 200\n", "amount = 250\n").split("[[stipends]]\nkind = \"one_off_award\"")[0]
    counts = load(pack(tmp_path, changed))
    assert (counts.changed, counts.removed, counts.unchanged) == (1, 1, 2)  # the rate; the award; doc + 1 rate
    first.refresh_from_db()
    assert first.amount == Decimal("250.00")  # the same row, its history kept
    assert first.history.count() == 2
    assert not StipendPolicy.objects.filter(kind=StipendKind.ONE_OFF_AWARD).exists()


def test_bad_stipend_entries_are_refused_whole_with_their_lines(tmp_path, hierarchy):
    body = """
[[stipends]]
kind = "monthly"
level = 4
amount = -1

[[stipends]]
kind = "monthly_post"
level = 1
amount = 100.005
effective_from = "2023-13-01"

[[stipends]]
kind = "monthly_post"
level = 1
amount = 100
effective_to = 2020-01-01
colour = "red"

[[stipends]]
level = true
"""
    with pytest.raises(PackError) as refused:
        read_pack(pack(tmp_path, body))
    messages = refused.value.messages
    expected = [
        "第10行（stipends.1.kind）：未知的补贴类别“monthly”；可选：monthly_level、monthly_post、one_off_award。",
        "第11行（stipends.1.level）：证书等级应为 1（助理社会工作师）、2（社会工作师）或 3（高级社会工作师）。",
        "第12行（stipends.1.amount）：金额应为不小于0、最多两位小数的数字（元）。",
        "第17行（stipends.2.amount）：金额应为不小于0、最多两位小数的数字（元）。",
        "第18行（stipends.2.effective_from）：日期无法识别，应写成 2021-02-26。",
        "第22行（stipends.3.level）：同一补贴类别、同一证书等级重复。",
        "第24行（stipends.3.effective_to）：截止日期不能早于生效日期。",
        "第25行（stipends.3.colour）：未知的键“colour”。",
        "第27行（stipends.4.kind）：必须填写。",
        "第27行（stipends.4.amount）：必须填写。",
        "第28行（stipends.4.level）：证书等级应为 1（助理社会工作师）、2（社会工作师）或 3（高级社会工作师）。",
    ]
    for message in expected:
        assert message in messages, (message, messages)
    assert not StipendPolicy.objects.exists()


def test_the_hubei_pack_pays_its_rates_and_cites_them(hierarchy):
    load(PACK_DIR / "d1_hubei_2021.toml")
    station = builders.station(hierarchy.a1)
    person = wb.person(station=station, start_on=datetime.date(2022, 1, 1))
    wb.certify(person, CertificateLevel.INTERMEDIATE, datetime.date(2022, 1, 1))
    owed = person_stipends(person=person, year=2024)
    assert owed.total == Decimal("2400.00")
    assert [used.citation for used in owed.rates] == [
        "依据：《湖北省民政厅关于促进乡镇（街道）社会工作发展的通知》「每月分別給予不低于100元、200元、300元的職業(yè)補(bǔ)貼」"]
    # before the notice took effect nothing was owed under it
    assert person_stipends(person=person, year=2020).total == Decimal("0.00")
