from decimal import Decimal as D

import pytest
from django.urls import reverse

from assessments.models import EvaluationKind, EvaluationTemplate, TemplateStatus
from stations.models import Role
from stations.roles import ensure_role_groups
from tests import builders
from tests.assessments import builders as ab

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(hierarchy):
    user = builders.user("hubei", Role.PROVINCE, hierarchy.province, is_staff=True)
    user.groups.add(ensure_role_groups()[Role.PROVINCE])
    return user


def changelist():
    return reverse("admin:assessments_evaluationtemplate_changelist")


def test_provincial_official_sees_only_their_provinces_templates(hierarchy, official, client):
    ab.template(hierarchy.province, name="湖北中期评估")
    ab.template(hierarchy.other_province, name="甘肃中期评估")
    client.force_login(official)
    page = client.get(changelist()).content.decode()
    assert "湖北中期评估" in page and "甘肃中期评估" not in page
    gansu = EvaluationTemplate.objects.get(name="甘肃中期评估")
    response = client.get(reverse("admin:assessments_evaluationtemplate_change", args=[gansu.pk]))
    assert response.status_code == 302  # admin redirects an object it cannot find


def test_published_template_is_read_only_in_admin(hierarchy, official, client):
    tpl = ab.template(hierarchy.province, name="湖北中期评估")
    client.force_login(official)
    url = reverse("admin:assessments_evaluationtemplate_change", args=[tpl.pk])
    page = client.get(url).content.decode()
    assert 'name="name"' not in page and 'name="dimensions-0-weight"' not in page
    client.post(url, {"name": "改名"})
    tpl.refresh_from_db()
    assert tpl.name == "湖北中期评估"


def test_publish_action_validates_weights_and_new_version_copies(hierarchy, official, client):
    bad = ab.template(hierarchy.province, EvaluationKind.FINAL, publish=False, name="终期草稿",
                      layout=[("服务成效", D("60"), [("服务人次", D("10"))])])
    good = ab.template(hierarchy.province, EvaluationKind.ANNUAL, publish=False, name="年度草稿")
    client.force_login(official)
    response = client.post(changelist(), {"action": "publish", "_selected_action": [bad.pk, good.pk]}, follow=True)
    page = response.content.decode()
    assert "各维度权重之和须为100，当前为 60" in page
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == TemplateStatus.DRAFT and good.status == TemplateStatus.PUBLISHED
    client.post(changelist(), {"action": "new_version", "_selected_action": [good.pk]}, follow=True)
    copy = EvaluationTemplate.objects.get(previous=good)
    assert copy.version == 2 and copy.dimensions.count() == 4
    # The new draft is editable in the admin.
    page = client.get(reverse("admin:assessments_evaluationtemplate_change", args=[copy.pk])).content.decode()
    assert 'name="name"' in page and 'name="dimensions-0-weight"' in page


def test_draft_dimensions_edited_inline(hierarchy, official, client):
    tpl = ab.template(hierarchy.province, publish=False, name="草稿", layout=[])
    client.force_login(official)
    url = reverse("admin:assessments_evaluationtemplate_change", args=[tpl.pk])
    response = client.post(url, {
        "name": "草稿", "excellent_min": "90", "good_min": "80", "pass_min": "60", "description": "",
        "dimensions-TOTAL_FORMS": "1", "dimensions-INITIAL_FORMS": "0", "dimensions-MIN_NUM_FORMS": "0",
        "dimensions-MAX_NUM_FORMS": "1000", "dimensions-0-order": "1", "dimensions-0-name": "行政监管",
        "dimensions-0-weight": "100", "dimensions-0-template": str(tpl.pk),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert tpl.dimensions.get().weight == D("100")


def test_new_template_of_an_existing_kind_gets_the_next_version(hierarchy, official, client):
    ab.template(hierarchy.province, EvaluationKind.MIDTERM, name="中期 v1")
    client.force_login(official)
    response = client.post(reverse("admin:assessments_evaluationtemplate_add"), {
        "province": hierarchy.province.pk, "kind": "midterm", "name": "中期（修订）", "excellent_min": "90",
        "good_min": "80", "pass_min": "60", "description": "", "dimensions-TOTAL_FORMS": "0",
        "dimensions-INITIAL_FORMS": "0", "dimensions-MIN_NUM_FORMS": "0", "dimensions-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302
    assert EvaluationTemplate.objects.get(name="中期（修订）").version == 2


def test_county_staff_cannot_reach_the_template_admin(hierarchy, client):
    county = builders.county_user(hierarchy)
    client.force_login(county)
    assert client.get(changelist()).status_code == 302
