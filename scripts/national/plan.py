"""What to generate: the real sizes, the scale and seed, and the division tree they give.

Deterministic for a seed and a month: every step draws from its own seeded generator.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from core.dates import month_start, next_month
from stations import divisions
from stations.models import RegionLevel, ServiceDomain, TargetGroup

# Real totals (2023): 31 provincial units, 333 prefecture-level, 2,844 county-level, ~38,600 township-level.
SIZES = {"provinces": 31, "cities": 333, "counties": 2850, "townships": 41000}
STATION_SHARE = 0.927  # ~38,000 township stations
PEOPLE_PER_STATION = 3.16  # ~120,000 people
MONTHS = 60
PROVINCES = [
    ("11", "北京市"), ("12", "天津市"), ("13", "河北省"), ("14", "山西省"), ("15", "内蒙古自治区"),
    ("21", "辽宁省"), ("22", "吉林省"), ("23", "黑龙江省"), ("31", "上海市"), ("32", "江苏省"),
    ("33", "浙江省"), ("34", "安徽省"), ("35", "福建省"), ("36", "江西省"), ("37", "山东省"),
    ("41", "河南省"), ("42", "湖北省"), ("43", "湖南省"), ("44", "广东省"), ("45", "广西壮族自治区"),
    ("46", "海南省"), ("50", "重庆市"), ("51", "四川省"), ("52", "贵州省"), ("53", "云南省"),
    ("54", "西藏自治区"), ("61", "陕西省"), ("62", "甘肃省"), ("63", "青海省"), ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
]
SYLLABLES = "安宝昌德东丰福高广和华黄嘉江金康乐临龙平清仁山善石顺泰天通文西祥新兴阳永玉长中"
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "芳敏静丽强磊军洋勇艳杰娟涛明超秀英华平刚桂兰霞婷伟丹鹏雪琳"
LINE_COMBOS = [(d, g) for d in ServiceDomain.values for g in TargetGroup.values]
TRAININGS = [("pre_service", "新入职社工岗前培训"), ("continuing", "社会工作实务继续教育"),
             ("supervision", "个案督导"), ("exam_prep", "职业水平考试考前辅导"), ("practice", "社会救助实务实习")]
UTC = datetime.UTC


@dataclass
class Plan:
    scale: float = 1.0
    seed: int = 2026
    today: datetime.date = field(default_factory=timezone.localdate)

    def count(self, key: str, at_least: int = 1) -> int:
        return max(at_least, round(SIZES[key] * self.scale))

    @property
    def last_period(self) -> datetime.date:
        return month_start(month_start(self.today) - datetime.timedelta(days=1))

    @property
    def first_period(self) -> datetime.date:
        period = self.last_period
        return datetime.date(period.year - (MONTHS - 1) // 12 - (period.month <= (MONTHS - 1) % 12),
                             (period.month - 1 - (MONTHS - 1) % 12) % 12 + 1, 1)

    def rng(self, step: str) -> random.Random:
        return random.Random(f"{self.seed}:{step}")


def spread(total: int, parents: int, rng: random.Random, cap: int) -> list[int]:
    """``total`` children over ``parents`` parents, each at least 1 and at most ``cap``, unevenly."""
    weights = [rng.uniform(0.4, 1.6) for _ in range(parents)]
    scale = total / sum(weights)
    counts = [min(cap, max(1, int(w * scale))) for w in weights]
    index = 0
    while sum(counts) < min(total, cap * parents):
        if counts[index % parents] < cap:
            counts[index % parents] += 1
        index += 7
    return counts


def place_name(rng: random.Random, length: int = 2) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(length))


def contact_name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}"


def mobile_number(rng: random.Random) -> str:
    return f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}"


def synthetic_rows(plan: Plan) -> list[divisions.DivisionRow]:
    """The division tree, at the real sizes times ``plan.scale``."""
    rng = plan.rng("regions")
    provinces = PROVINCES[: min(len(PROVINCES), plan.count("provinces"))]
    cities = spread(plan.count("cities", len(provinces)), len(provinces), rng, 99)
    counties = spread(plan.count("counties", sum(cities)), sum(cities), rng, 99)
    townships = spread(plan.count("townships", sum(counties)), sum(counties), rng, 999)
    rows: list[divisions.DivisionRow] = []

    def add(code: str, name: str, level: str, parent: str):
        rows.append(divisions.DivisionRow(len(rows) + 2, code.ljust(12, "0"), name, level, parent.ljust(12, "0")
                                          if parent else ""))

    city_counts, county_counts, township_counts = iter(cities), iter(counties), iter(townships)
    for province, province_name in provinces:
        add(province, province_name, RegionLevel.PROVINCE, "")
        for c in range(1, next(city_counts) + 1):
            city = f"{province}{c:02d}"
            add(city, f"{place_name(rng)}市", RegionLevel.CITY, province)
            for k in range(1, next(county_counts) + 1):
                county = f"{city}{k:02d}"
                add(county, f"{place_name(rng)}{'区' if k % 4 == 1 else '县'}", RegionLevel.COUNTY, city)
                for t in range(1, next(township_counts) + 1):
                    draw = rng.random()
                    suffix = "镇" if draw < 0.5 else "乡" if draw < 0.75 else "街道" if draw < 0.96 else "开发区"
                    add(f"{county}{t:03d}", f"{place_name(rng)}{suffix}", RegionLevel.TOWNSHIP, county)
    return rows


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def months(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    period = first
    while period <= last:
        yield period
        period = next_month(period)
