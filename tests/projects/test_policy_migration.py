"""The upgrade turns the purchase rules typed into ProcurementPolicy rows into rules of a
placeholder document per region, and derives the due dates of installments again."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from projects.models import InstallmentTrigger, PaymentInstallment
from stations.models import PolicyDocument, PolicyRule
from stations.selectors.policies import rule_in_force
from tests.projects import builders as pb

BEFORE = ("projects", "0005_known_organisations")


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_turns_each_regions_procurement_policy_into_rules_of_a_placeholder_document(world):
    contract = pb.contract(world.county_a, world.org, starts_on=datetime.date(2024, 1, 1))
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    policy = old.get_model("projects", "ProcurementPolicy")
    policy.objects.create(region_id=world.province.pk, signing_within_days=30, assistance_share_max=D("5.00"),
                          share_basis="last_year", source="湖北省：不超过上年度社会救助支出的5%")
    policy.objects.create(region_id=world.county_a.pk, signing_within_days=None, assistance_share_min=D("2.50"),
                          share_basis="this_year")
    policy.objects.create(region_id=world.county_b.pk, signing_within_days=None, share_basis="last_year")
    # County A's targets already have their placeholder document (stations 0009): the rules join it.
    PolicyDocument.objects.create(key="legacy-420102000000", title="江岸区升级前录入的规则（未注明文件）",
                                  effective_from=datetime.date(2000, 1, 1), region=world.county_a)
    # The due date the old constant gave (15 working days), which no document set.
    PaymentInstallment.objects.filter(contract=contract, trigger=InstallmentTrigger.EFFECTIVE).update(
        due_on=datetime.date(2024, 1, 22))
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("projects"))

    hubei = PolicyDocument.objects.get(key="legacy-420000000000")
    assert (hubei.title, hubei.region, hubei.effective_from, hubei.effective_note) == (
        "湖北省升级前录入的规则（未注明文件）", world.province, datetime.date(2000, 1, 1), "升级迁移生成")
    assert "真实文件" in hubei.note
    assert {(r.key, str(r.value), r.quote) for r in hubei.rules.all()} == {
        ("contract.signing_within_days", "30", "湖北省：不超过上年度社会救助支出的5%"),
        ("fund.assistance_share_max", "5", "湖北省：不超过上年度社会救助支出的5%"),
        ("fund.assistance_share_basis", "last_year", "湖北省：不超过上年度社会救助支出的5%")}
    jiangan = PolicyDocument.objects.get(key="legacy-420102000000")
    assert {(r.key, r.value) for r in jiangan.rules.all()} == {
        ("fund.assistance_share_min", "2.50"), ("fund.assistance_share_basis", "this_year")}
    assert not PolicyDocument.objects.filter(key="legacy-420103000000").exists()  # nothing was set there
    on = datetime.date(2024, 6, 1)
    assert rule_in_force(world.county_b, "contract.signing_within_days", on).value == 30  # the province's
    assert rule_in_force(world.county_a, "fund.assistance_share_basis", on).value == "this_year"  # its own
    assert rule_in_force(world.county_a, "fund.assistance_share_max", on).value == D("5")
    assert PaymentInstallment.objects.get(contract=contract, trigger=InstallmentTrigger.EFFECTIVE).due_on is None
    assert PolicyRule.objects.count() == 5
    assert "projects_procurementpolicy" not in connection.introspection.table_names()
