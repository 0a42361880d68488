"""Upgrading keeps the rules and stipend rates entered before documents existed: each region's
become rules of its placeholder document, cited as such, until an official attaches the real one."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from stations.models import PolicyDocument, PolicyRule
from stations.selectors.policies import RuleBook
from workforce.models import StipendPolicy

BEFORE = ("workforce", "0005_placements")


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_turns_region_policies_into_rules_of_placeholder_documents(hierarchy):
    h = hierarchy
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE, ("stations", "0010_policy_documents_required")]).apps
    Region = old.get_model("stations", "Region")
    Document = old.get_model("stations", "PolicyDocument")
    province, county = Region.objects.get(pk=h.province.pk), Region.objects.get(pk=h.county_a.pk)
    # the province already has a placeholder document (made for its targets by stations' upgrade)
    Document.objects.create(key="legacy-420000000000", title="湖北省升级前录入的规则（未注明文件）",
                            effective_from=datetime.date(2000, 1, 1), region=province, note="目标")
    old.get_model("workforce", "WorkforcePolicy").objects.create(
        region=province, qualification_training_hours=Decimal("60.0"), qualification_deadline_years=2,
        continuing_education_hours=Decimal("0"), max_hiring_age=45, min_education=3, supervisor_min_level=2,
        staffing_mode="resident_workers", min_resident_social_workers=2, source="湖北省文件")
    Stipend = old.get_model("workforce", "StipendPolicy")
    for start, end, amount in ((datetime.date(2021, 1, 1), datetime.date(2024, 6, 30), "100"),
                               (datetime.date(2024, 7, 1), None, "150")):
        Stipend.objects.create(region=county, kind="monthly_level", level=1, amount=Decimal(amount),
                               effective_from=start, effective_to=end, source="江岸区补贴")

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("workforce"))

    document = PolicyDocument.objects.get(key="legacy-420000000000")
    assert document.note == "目标"  # the existing placeholder, not a second one
    rules = {rule.key: rule.value for rule in PolicyRule.objects.filter(document=document)}
    assert rules == {"qualification.training_hours": "60", "qualification.deadline_years": 2, "hiring.max_age": 45,
                     "hiring.min_education": "3", "supervisor.min_level": "2",
                     "staffing.min_resident_social_workers": 2}  # zero hours maps to no rule
    assert PolicyRule.objects.filter(document=document).first().quote == "湖北省文件"
    book = RuleBook()
    assert book.value(h.a1.code, "qualification.deadline_years", datetime.date(2024, 1, 1)) == 2
    assert book.rule(h.a1.code, "qualification.deadline_years", datetime.date(2024, 1, 1)).citation == \
        "依据：《湖北省升级前录入的规则（未注明文件）》「湖北省文件」"

    county_document = PolicyDocument.objects.get(key="legacy-420102000000")
    assert county_document.title == "江岸区升级前录入的规则（未注明文件）"
    assert (county_document.effective_from, county_document.effective_note) == (datetime.date(2000, 1, 1), "升级迁移生成")
    assert "请改为关联其真实文件" in county_document.note
    rates = list(StipendPolicy.objects.order_by("effective_from"))
    assert [(r.document, r.amount, r.quote) for r in rates] == [
        (county_document, Decimal("100.00"), "江岸区补贴"), (county_document, Decimal("150.00"), "江岸区补贴")]
