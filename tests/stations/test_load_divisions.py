from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from stations.models import Region, RegionKind, RegionLevel


def load(path=None, *args):
    out = StringIO()
    call_command("load_divisions", *([str(path)] if path else []), *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_shipped_file_loads_every_hubei_township_and_reloading_changes_nothing():
    output = load()
    assert Region.objects.filter(level=RegionLevel.PROVINCE).get().name == "湖北省"
    assert Region.objects.filter(level=RegionLevel.CITY).count() == 14
    assert Region.objects.filter(level=RegionLevel.COUNTY).count() == 105
    assert Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith="42").count() == 1475
    assert "乡镇（街道）: 1475（新增 1475" in output
    mingfeng = Region.objects.get(code="420525101000")
    assert (mingfeng.name, mingfeng.kind, mingfeng.parent.name) == ("鸣凤镇", RegionKind.ZHEN, "远安县")
    assert Region.objects.get(code="420102002000").kind == RegionKind.JIEDAO
    before = list(Region.objects.order_by("code").values_list("code", "name", "parent__code", "kind"))

    again = load()

    assert "乡镇（街道）: 1475（新增 0，更新 0，未变 1475）" in again
    assert list(Region.objects.order_by("code").values_list("code", "name", "parent__code", "kind")) == before


def write(tmp_path, rows):
    path = tmp_path / "divisions.csv"
    path.write_text("code,name,level,parent_code\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


GOOD = [
    "420000000000,湖北省,province,",
    "420100000000,武汉市,city,420000000000",
    "420102000000,江岸区,county,420100000000",
    "420102002000,大智街道,township,420102000000",
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("420102003000,一元街道,township,420199000000", "第 6 行（420102003000 一元街道）：上级代码 420199000000 不存在"),
        ("420102003123,一元街道,township,420102000000", "第 6 行（420102003123 一元街道）：代码与级别“乡镇（街道）”不符"),
        ("4201020030,一元街道,township,420102000000", "第 6 行（4201020030 一元街道）：代码必须是12位数字"),
        ("420103000000,江汉区,township,420100000000", "第 6 行（420103000000 江汉区）：代码与级别“乡镇（街道）”不符"),
    ],
)
def test_a_file_with_one_broken_row_is_rejected_whole_naming_the_row(tmp_path, bad_row, message):
    path = write(tmp_path, [*GOOD, bad_row])
    with pytest.raises(CommandError) as error:
        load(path)
    assert message in str(error.value)
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_a_parent_already_in_the_database_is_accepted(tmp_path):
    load(write(tmp_path, GOOD))
    load(write(tmp_path, ["420102003000,一元街道,township,420102000000"]))
    assert Region.objects.get(code="420102003000").parent.code == "420102000000"


@pytest.mark.django_db
def test_a_renamed_division_is_updated_not_duplicated(tmp_path):
    load(write(tmp_path, GOOD))
    # A rename is dated (tests/stations/test_dated_divisions.py): from that day on.
    output = load(write(tmp_path, [*GOOD[:3], "420102002000,大智路街道,township,420102000000"]),
                  "--effective", "2025-01-01")
    assert Region.objects.get(code="420102002000").name == "大智路街道"
    assert Region.objects.count() == 4
    assert "更新 1" in output
