"""The policy documents' admin: a provincial official keeps the documents of the province and
below, types each rule's value in a natural form, and is refused exactly what a pack is refused."""

import datetime
from decimal import Decimal

import pytest

from stations.models import PolicyDocument, PolicyRule, Role, Target
from stations.packs import PackError, read_pack
from stations.roles import ensure_role_groups
from tests import builders
from tests.admin_forms import form_data
from tests.stations import policy_builders as pb

D = datetime.date
ADD = "/admin/stations/policydocument/add/"


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    groups = ensure_role_groups()
    h.hubei = builders.user("hubei", Role.PROVINCE, h.province, is_staff=True)
    h.hubei.groups.add(groups[Role.PROVINCE])
    h.gansu = builders.user("gansu", Role.PROVINCE, h.other_province, is_staff=True)
    h.gansu.groups.add(groups[Role.PROVINCE])
    h.hubei_doc = pb.document(h.province, title="湖北省民政厅关于促进乡镇（街道）社会工作发展的通知")
    h.county_doc = pb.document(h.county_a, title="江岸区社工站建设实施方案")
    h.gansu_doc = pb.document(h.other_province, title="甘肃省“十四五”民政事业发展规划")
    h.nowhere_doc = PolicyDocument.objects.create(key="UNNAMED-CITY", title="某市社工站建设工作汇报",
                                                  effective_from=D(2023, 7, 9))
    return h


def new_document(client, region, rules):
    """The add form as the official fills it: the document, then one inline row per rule."""
    data = form_data(client.get(ADD))
    data.update({"key": "JIANGHAN-2024", "title": "江汉区社工站建设方案", "issuer": "江汉区民政局",
                 "effective_from": "2024-03-01", "region": str(region.pk),
                 "rules-TOTAL_FORMS": str(len(rules)), "rules-INITIAL_FORMS": "0"})
    for index, (key, value) in enumerate(rules):
        data.update({f"rules-{index}-key": key, f"rules-{index}-value": value,
                     f"rules-{index}-clause": "第三条", f"rules-{index}-quote": "原文"})
    return data


def test_an_official_adds_a_document_with_rules_typed_in_a_natural_form(client, h):
    client.force_login(h.hubei)
    data = new_document(client, h.county_b, [
        ("qualification.deadline_years", "2"), ("qualification.routes", "degree, certificate"),
        ("fund.assistance_share_max", "5%"), ("payment.installments", "effective:50,midterm_passed:30,final_passed:20")])
    response = client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    document = PolicyDocument.objects.get(key="JIANGHAN-2024")
    assert document.region == h.county_b and document.history.get().history_user == h.hubei
    values = {rule.key: rule.value for rule in document.rules.all()}
    assert values == {"qualification.deadline_years": 2, "qualification.routes": ["degree", "certificate"],
                      "fund.assistance_share_max": "5",
                      "payment.installments": [{"percent": "50", "trigger": "effective"},
                                               {"percent": "30", "trigger": "midterm_passed"},
                                               {"percent": "20", "trigger": "final_passed"}]}
    assert PolicyRule.history.filter(document_id=document.pk).first().history_user == h.hubei
    change = client.get(f"/admin/stations/policydocument/{document.pk}/change/").content.decode()
    assert 'value="effective:50,midterm_passed:30,final_passed:20"' in change and 'value="degree,certificate"' in change


def pack_messages(tmp_path, key, value) -> list[str]:
    path = tmp_path / "bad.toml"
    path.write_text(f'[document]\nkey = "BAD"\ntitle = "坏文件"\neffective_from = 2024-03-01\n'
                    f'region = "420103000000"\n\n[[rules]]\nkey = "{key}"\nvalue = {value}\n', encoding="utf-8")
    with pytest.raises(PackError) as refused:
        read_pack(path)
    return refused.value.messages


@pytest.mark.parametrize(("key", "typed", "in_pack", "message"), [
    ("qualification.deadline_years", "两年", '"两年"', "取得专业资质期限（年）：应为整数。"),
    ("qualification.deadline_years", "12", "12", "取得专业资质期限（年）：不能大于10。"),
    ("qualification.routes", "degree,diploma", '["degree", "diploma"]',
     "取得专业资质的途径：未知的取值：diploma；可选：degree、certificate、training。"),
    ("payment.installments", "effective:50,final_passed:40", '[{trigger = "effective", percent = 50}, '
     '{trigger = "final_passed", percent = 40}]', "付款分期：各期比例合计应为100%，现为90%。"),
    ("payment.installments", "effective:50,final_passed", '[{trigger = "effective", percent = 50}, '
     '{trigger = "final_passed"}]', "付款分期：第2期应写明 percent（比例）和 trigger（支付条件）。"),
])
def test_a_bad_value_is_refused_on_the_field_with_the_packs_message(client, h, tmp_path, key, typed, in_pack,
                                                                  message):
    assert any(line.endswith(f"：{message}") for line in pack_messages(tmp_path, key, in_pack))
    client.force_login(h.hubei)
    response = client.post(ADD, new_document(client, h.county_b, [(key, typed)]))
    assert response.status_code == 200 and not PolicyDocument.objects.filter(key="JIANGHAN-2024").exists()
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert errors["value"] == [message]
    assert message in response.content.decode()


def test_a_rule_set_twice_in_one_document_is_refused(client, h):
    client.force_login(h.hubei)
    response = client.post(ADD, new_document(client, h.county_b, [("hiring.max_age", "45"), ("hiring.max_age", "35")]))
    assert response.status_code == 200 and "规则“hiring.max_age”重复。" in response.content.decode()


def test_a_provincial_official_keeps_the_documents_of_the_province_and_below_only(client, h):
    client.force_login(h.gansu)
    listed = client.get("/admin/stations/policydocument/").context["cl"].result_list
    assert [d.title for d in listed] == ["甘肃省“十四五”民政事业发展规划"]
    for document in (h.hubei_doc, h.county_doc, h.nowhere_doc):
        assert client.get(f"/admin/stations/policydocument/{document.pk}/change/").status_code == 302  # not found
        assert client.get(f"/admin/stations/policydocument/{document.pk}/history/").status_code == 404
    response = client.post(ADD, new_document(client, h.county_b, [("hiring.max_age", "45")]))
    assert response.status_code == 200 and not PolicyDocument.objects.filter(key="JIANGHAN-2024").exists()
    client.force_login(h.hubei)
    listed = client.get("/admin/stations/policydocument/").context["cl"].result_list
    assert {d.title for d in listed} == {"湖北省民政厅关于促进乡镇（街道）社会工作发展的通知", "江岸区社工站建设实施方案"}


def test_a_document_without_a_region_is_for_superusers_only(client, h):
    client.force_login(h.hubei)
    data = new_document(client, h.county_b, [])
    data["region"] = ""
    response = client.post(ADD, data)
    assert response.status_code == 200 and "只有系统管理员可以维护适用区划无法确定的政策文件。" in response.content.decode()


def test_target_admin_needs_a_document_and_offers_only_documents_in_scope(client, h):
    client.force_login(h.hubei)
    form = client.get("/admin/stations/target/add/").context["adminform"].form
    offered = set(form.fields["document"].queryset)
    assert offered == {h.hubei_doc, h.county_doc} and form.fields["document"].required
    data = {"region": h.county_a.pk, "metric": "township_coverage_pct", "due_on": "2025-12-31", "value": "90",
            "unit": "percent", "clause": "", "quote": ""}
    response = client.post("/admin/stations/target/add/", data)
    assert response.status_code == 200 and "document" in response.context["adminform"].form.errors
    response = client.post("/admin/stations/target/add/", {**data, "document": h.gansu_doc.pk})
    assert response.status_code == 200 and not Target.objects.exists()
    response = client.post("/admin/stations/target/add/", {**data, "document": h.hubei_doc.pk})
    assert "目标只能由适用于该区划的政策文件设定。" in response.content.decode()  # a province's document, a county's target
    assert client.post("/admin/stations/target/add/", {**data, "document": h.county_doc.pk}).status_code == 302
    assert Target.objects.get().value == Decimal(90)


def test_checklist_admin_offers_only_provincial_documents_in_scope(client, h):
    client.force_login(h.hubei)
    form = client.get("/admin/stations/standardchecklist/add/").context["adminform"].form
    assert set(form.fields["document"].queryset) == {h.hubei_doc}
    assert {"clause", "quote"} <= set(form.fields)


def test_a_refused_rule_undoes_the_whole_save(client, h, monkeypatch):
    from django.core.exceptions import ValidationError

    from stations import services

    def refuse(**kwargs):
        raise ValidationError("上级民政部门不同意这次修改")

    monkeypatch.setattr(services, "policy_rule_save", refuse)
    client.force_login(h.hubei)
    response = client.post(ADD, new_document(client, h.county_b, [("hiring.max_age", "45")]))
    assert response.status_code == 200 and "上级民政部门不同意这次修改" in response.content.decode()
    assert not PolicyDocument.objects.filter(key="JIANGHAN-2024").exists()
    assert not PolicyDocument.history.filter(key="JIANGHAN-2024").exists()
