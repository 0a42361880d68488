"""Regions the shipped policy packs name, and what each pack is expected to load."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from stations.models import Region, RegionLevel
from tests import builders

P, C, X = RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY

# code prefix → (name, level); parents are found by prefix. Shaanxi and Guangdong (with the
# county that holds 大亚湾区's subdistricts) are there to show that their packs are skipped for
# an undetermined region, not for a missing one.
PACK_REGIONS = {
    "42": ("湖北省", P), "4205": ("宜昌市", C), "420525": ("远安县", X),
    "62": ("甘肃省", P),
    "64": ("宁夏回族自治区", P), "6404": ("固原市", C), "640402": ("原州区", X),
    "61": ("陕西省", P),
    "41": ("河南省", P),
    "13": ("河北省", P), "1307": ("张家口市", C), "130731": ("涿鹿县", X),
    "14": ("山西省", P), "1410": ("临汾市", C),
    "44": ("广东省", P), "4413": ("惠州市", C), "441303": ("惠阳区", X),
}

HUBEI_COUNTY = "420525000000"


def create_regions(prefixes=None) -> dict[str, Region]:
    """The named regions (all of them by default), each under its parent."""
    created: dict[str, Region] = {}
    for prefix in sorted(prefixes or PACK_REGIONS, key=len):
        name, level = PACK_REGIONS[prefix]
        parent = next((created[p] for p in (prefix[:4], prefix[:2]) if p != prefix and p in created), None)
        created[prefix] = builders.region(prefix, name, level, parent)
    return created


def load_policies(*paths) -> str:
    out = StringIO()
    call_command("load_policies", *[str(path) for path in paths], stdout=out)
    return out.getvalue()


# Per shipped pack: its document key, its region (None: undetermined, skipped), its targets
# (metric, due, value), its rules (key → stored value) and its checklists (name → the numeric
# items as {metric: minimum}, and the item count). Numbers are the documents' own (POLICIES.md).
EXPECTED = {
    "d1_hubei_2021.toml": {
        "key": "HUBEI-PROV-2021", "region": "420000000000",
        "targets": {("township_coverage_pct", "2021-12-31", 30), ("township_coverage_pct", "2022-12-31", 50),
                    ("township_coverage_pct", "2023-12-31", 70), ("township_coverage_pct", "2024-12-31", 100),
                    ("village_coverage_pct", "2025-12-31", 100), ("local_organisations_per_county", "2021-12-31", 1)},
        "rules": {"fund.assistance_share_max": "5", "fund.assistance_share_basis": "last_year"},
        "checklists": {"五有": ({}, 5)},
    },
    "d2_gansu_14fyp.toml": {
        "key": "GANSU-PROV-14FYP", "region": "620000000000",
        "targets": {("social_work_professionals", "2025-12-31", 24000), ("certified_social_workers", "2025-12-31", 10000),
                    ("social_work_organisations", "2025-12-31", 380)},
        "rules": {"training.cumulative_hours": "120"},
        "checklists": {"六有": ({}, 6)},
    },
    "d3_unnamed_city_report.toml": {"key": "UNNAMED-CITY-REPORT", "region": None},
    "d4_ningxia_yuanzhou.toml": {
        "key": "NX-YUANZHOU", "region": "640402000000",
        "targets": {("township_coverage_pct", "2021-12-31", 100)},
        "rules": {"supervisor.min_level": "2", "qualification.routes": ["certificate"],
                  "qualification.deadline_years": 2, "contract.cycle_years": 2, "contract.max_term_months": 12,
                  "contract.renewal_condition": "annual_pass", "fund.assistance_share_min": "3",
                  "fund.assistance_share_basis": "this_year",
                  "payment.installments": [{"percent": "50", "trigger": "effective"},
                                           {"percent": "30", "trigger": "midterm_passed"},
                                           {"percent": "20", "trigger": "final_passed"}],
                  "payment.due_within_working_days": 15},
        "checklists": {},
    },
    "d5_shaanxi_county.toml": {"key": "SHAANXI-COUNTY", "region": None},
    "d6_henan_prov.toml": {
        "key": "HENAN-PROV", "region": "410000000000",
        "targets": {("stations_per_county_min", "2021-12-31", 2), ("township_coverage_pct", "2022-12-31", 60),
                    ("local_organisations_per_county", "2021-12-31", 1)},
        "rules": {"staffing.min_resident_social_workers": 2, "hiring.max_age": 45, "hiring.min_education": "3",
                  "qualification.routes": ["degree", "certificate", "training"], "qualification.training_hours": "60",
                  "qualification.deadline_years": 2, "qualification.deadline_from": "project",
                  "training.continuing_hours_per_year": "60",
                  "training.continuing_kinds": ["continuing", "supervision", "exam_prep", "practice"],
                  "contract.signing_within_days": 30, "contract.cycle_years": 3, "contract.max_term_months": 12,
                  "contract.renewal_condition": "annual_pass", "fund.assistance_share_max": "2",
                  "subsidy.city_per_station_min": "50000"},
        "checklists": {"社工站建设标准": ({"site_area_m2": 12, "resident_social_workers": 2}, 3)},
    },
    "d7_hebei_zhuolu.toml": {
        "key": "HEBEI-ZHUOLU", "region": "130731000000",
        "targets": {("township_coverage_pct", "2021-09-30", 100)},
        "rules": {"staffing.min_resident_social_workers": 2, "staffing.max_resident_social_workers": 5,
                  "hiring.max_age": 35, "hiring.min_education": "3", "qualification.routes": ["certificate"],
                  "qualification.deadline_years": 2, "qualification.deadline_from": "hire", "contract.cycle_years": 3,
                  "contract.max_term_months": 12, "contract.renewal_condition": "annual_pass",
                  "cost.personnel_min_pct": "90", "wage.min_wage_uplift_pct": "10",
                  "fund.assistance_share_max": "3", "fund.assistance_share_basis": "last_year"},
        "checklists": {},
    },
    "d8_shanxi_linfen.toml": {
        "key": "SHANXI-LINFEN", "region": "141000000000",
        "targets": {("township_coverage_pct", "2022-12-31", 100)},
        "rules": {"staffing.min_resident_social_workers": 2, "hiring.max_age": 45, "hiring.min_education": "3",
                  "qualification.routes": ["certificate"], "qualification.deadline_years": 3,
                  "qualification.deadline_from": "post", "contract.signing_within_days": 30,
                  "contract.filing_within_working_days": 15, "contract.setup_within_months": 1,
                  "contract.cycle_years": 3, "contract.max_term_months": 12,
                  "contract.renewal_condition": "annual_pass", "reward.city_annual_min": "1000000"},
        "checklists": {},
    },
    "d9_huizhou_dayawan.toml": {"key": "HUIZHOU-DAYAWAN", "region": None},
}
