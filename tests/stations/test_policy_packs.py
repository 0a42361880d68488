"""Policy packs: each shipped pack loads exactly what its document sets; loading again changes
nothing; a bad pack is refused whole with the line of each problem; a pack whose province is not
loaded is skipped with a message; a Hubei county is governed by Hubei's documents only."""

import csv
import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command

from stations import packs
from stations.models import (
    PolicyDocument,
    PolicyRule,
    StandardChecklist,
    StandardItem,
    Target,
    TargetMetric,
    ancestor_codes,
)
from stations.selectors.policies import RuleBook
from stations.selectors.targets import region_target
from tests.stations.pack_builders import EXPECTED, HUBEI_COUNTY, create_regions, load_policies

pytestmark = pytest.mark.django_db

LINE = re.compile(r"^(\S+\.toml)《.*》：新增 (\d+)，修改 (\d+)，未变 (\d+)，删除 (\d+)。$")


def counts(output: str) -> dict[str, tuple[int, ...]]:
    found = {}
    for line in output.splitlines():
        match = LINE.match(line)
        if match:
            found[match.group(1)] = tuple(int(n) for n in match.groups()[1:])
    return found


def test_one_pack_per_document():
    assert sorted(path.name for path in packs.shipped_packs()) == sorted(EXPECTED)


def test_every_shipped_pack_loads_what_its_document_sets():
    create_regions()

    output = load_policies()

    for name, expected in EXPECTED.items():
        if expected["region"] is None:
            assert re.search(rf"^跳过 {name}《.+》：文件未写明可确定的适用区划：.+。$", output, re.M), name
            assert not PolicyDocument.objects.filter(key=expected["key"]).exists()
            continue
        document = PolicyDocument.objects.get(key=expected["key"])
        assert document.region.code == expected["region"], name
        assert counts(output)[name][1:] == (0, 0, 0), name
        targets = list(document.targets.select_related("region"))
        assert {(t.metric, t.due_on.isoformat(), t.value) for t in targets} == expected["targets"], name
        assert all(t.region == document.region for t in targets)
        rules = list(document.rules.all())
        assert {rule.key: rule.value for rule in rules} == expected["rules"], name
        checklists = {
            checklist.name: ({item.metric: item.minimum for item in checklist.items.all() if item.metric},
                             checklist.items.count())
            for checklist in document.checklists.all()
        }
        assert checklists == expected["checklists"], name
        # Every figure can show its basis: a quote from the document, or the clause it reads.
        for cited in [*targets, *rules, *document.checklists.all()]:
            assert cited.quote or cited.clause, f"{name}: {cited}"


def test_loading_again_reports_everything_unchanged():
    create_regions()
    first = counts(load_policies())
    history = (PolicyRule.history.count(), Target.history.count(), StandardItem.history.count())

    second = counts(load_policies())

    assert set(first) == {name for name, expected in EXPECTED.items() if expected["region"]}
    assert second == {name: (0, 0, added, 0) for name, (added, *_rest) in first.items()}
    assert (PolicyRule.history.count(), Target.history.count(), StandardItem.history.count()) == history


GOOD = """\
[document]
key = "TEST-PACK"
title = "测试用政策文件"
issued_on = 2021-02-26
region = "420000000000"

[[rules]]
key = "fund.assistance_share_max"
value = 5
quote = "不高于上年度社会救助资金总支出5%"

[[targets]]
metric = "township_coverage_pct"
value = 50
due_on = 2022-12-31
"""

BAD = {
    "unknown document key": ('title = "测试用政策文件"', 'title = "测试用政策文件"\nsource = "某文件"',
                             'source = "某文件"', "未知的键“source”"),
    "unknown rule": ('key = "fund.assistance_share_max"', 'key = "fund.share_cap"', 'key = "fund.share_cap"',
                     "未知的规则“fund.share_cap”"),
    "target over 100%": ("value = 50", "value = 120", "value = 120", "百分比目标不能超过100"),
    "rule over 100%": ("value = 5\n", "value = 105\n", "value = 105", "百分比应在0到100之间"),
    "date that does not parse": ("due_on = 2022-12-31", 'due_on = "2022-12-32"', 'due_on = "2022-12-32"',
                                 "日期无法识别"),
    "date that TOML cannot read": ("issued_on = 2021-02-26", "issued_on = 2021-02-30", "issued_on = 2021-02-30",
                                   "文件格式错误"),
    "region that does not exist": ('region = "420000000000"', 'region = "420999000000"',
                                   'region = "420999000000"', "区划代码 420999000000 不存在"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_pack_is_refused_whole_naming_the_line(tmp_path, case):
    create_regions(["42"])
    old, new, bad_line, message = BAD[case]
    text = GOOD.replace(old, new)
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index(bad_line) + 1

    with pytest.raises(CommandError) as refused:
        load_policies(path)

    assert "文件包 bad.toml 未载入" in str(refused.value)
    assert f"第{line}行" in str(refused.value) and message in str(refused.value)
    assert (PolicyDocument.objects.count(), PolicyRule.objects.count(), Target.objects.count()) == (0, 0, 0)


def test_a_good_pack_loaded_with_a_bad_one_is_not_written_either(tmp_path):
    create_regions(["42"])
    good, bad = tmp_path / "a_good.toml", tmp_path / "b_bad.toml"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(GOOD.replace("TEST-PACK", "OTHER-PACK").replace("value = 50", "value = 120"), encoding="utf-8")

    with pytest.raises(CommandError):
        load_policies(good, bad)

    assert PolicyDocument.objects.count() == 0
    assert "新增 3" in load_policies(good)  # the document, its rule and its target


def test_a_pack_whose_province_is_not_loaded_is_skipped_with_a_message():
    create_regions(["42"])

    output = load_policies(packs.PACK_DIR / "d2_gansu_14fyp.toml")

    assert output.strip() == "跳过 d2_gansu_14fyp.toml《甘肃省“十四五”民政事业发展规划》：区划 620000000000 所在省份的区划未载入。"
    assert PolicyDocument.objects.count() == 0


def test_without_a_path_a_hubei_only_database_loads_hubei_and_says_why_it_skips_the_rest():
    create_regions(["42"])

    output = load_policies()

    assert set(PolicyDocument.objects.values_list("key", flat=True)) == {"HUBEI-PROV-2021"}
    assert "d1_hubei_2021.toml" in counts(output)
    for name, expected in EXPECTED.items():
        if name == "d1_hubei_2021.toml":
            continue
        why = "文件未写明可确定的适用区划" if expected["region"] is None else f"区划 {expected['region']} 所在省份的区划未载入"
        assert re.search(rf"^跳过 {name}《.+》：{why}", output, re.M), name


def test_production_setup_gives_hubei_its_2022_target():
    call_command("load_divisions", stdout=io.StringIO())
    load_policies()
    out = io.StringIO()

    call_command("coverage_report", "--region", "42", "--at", "2022-12-31", stdout=out)

    province = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert (province["region_code"], province["target_pct"], province["target_due"]) == (
        "420000000000", "50", "2022-12-31")


WALK_DATES = [datetime.date(2020, 6, 30), datetime.date(2021, 2, 25), datetime.date(2021, 2, 26),
              datetime.date(2021, 12, 31), datetime.date(2022, 12, 31), datetime.date(2024, 6, 30),
              datetime.date(2026, 1, 1)]


def test_a_hubei_county_is_governed_by_hubei_documents_only():
    regions = create_regions()
    load_policies()
    others = PolicyDocument.objects.exclude(key="HUBEI-PROV-2021")
    assert set(others.values_list("key", flat=True)) == {
        "GANSU-PROV-14FYP", "NX-YUANZHOU", "HENAN-PROV", "HEBEI-ZHUOLU", "SHANXI-LINFEN"}
    assert PolicyRule.objects.filter(document__in=others).count() > 40
    chain = set(ancestor_codes(HUBEI_COUNTY))
    county, book = regions["420525"], RuleBook()

    for day in WALK_DATES:
        rules = book.rules_for(HUBEI_COUNTY, day)
        assert all(rule.document.region.code in chain for rule in rules), day
        in_force = set() if day < datetime.date(2021, 2, 26) else {"fund.assistance_share_max",
                                                                   "fund.assistance_share_basis"}
        assert {rule.key for rule in rules} == in_force, day
        for metric in TargetMetric.values:
            target = region_target(region=county, metric=metric, on_date=day, inherit=True)
            if target is not None:
                row = Target.objects.get(region__code=target.region_code, metric=metric, due_on=target.due_on)
                assert row.document.region.code in chain, (day, metric)
    coverage_2022 = region_target(region=county, metric=TargetMetric.TOWNSHIP_COVERAGE_PCT,
                                  on_date=datetime.date(2022, 12, 31), inherit=True)
    assert (coverage_2022.value, coverage_2022.region_code) == (50, "420000000000")

    checklists = StandardChecklist.objects.filter(province__code=HUBEI_COUNTY[:2].ljust(12, "0"))
    assert [(c.name, c.document.key) for c in checklists] == [("五有", "HUBEI-PROV-2021")]

    from workforce.selectors.stipends import stipend_rates_in_force

    for day in WALK_DATES:
        rates = [row.rate for row in stipend_rates_in_force(region_code=HUBEI_COUNTY, on_date=day)]
        assert all(rate.region.code in chain and rate.document.region.code in chain for rate in rates), day
        expected = set() if day < datetime.date(2021, 2, 26) else {
            ("HUBEI-PROV-2021", "monthly_level", 1, 100), ("HUBEI-PROV-2021", "monthly_level", 2, 200),
            ("HUBEI-PROV-2021", "monthly_level", 3, 300)}
        assert {(rate.document.key, rate.kind, rate.level, rate.amount) for rate in rates} == expected, day
