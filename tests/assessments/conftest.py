import pytest

from tests.assessments import builders as ab


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder; passwords hash quickly in these tests."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.MEDIA_ROOT


@pytest.fixture
def world(hierarchy):
    """County A with a contract and a midterm template, an evaluator organisation with one member,
    a second evaluator organisation, and county staff of A and B. The province's document sets the
    payment period: installments fall due 15 working days after their trigger."""
    from tests import builders
    from tests.projects import builders as pb

    h = hierarchy
    h.root = builders.superuser()
    h.staff_a = builders.county_user(h)
    h.staff_b = builders.county_user(h, "county_b", h.county_b)
    h.org = ab.organisation(h.city, "武汉评估中心")
    h.other_org = ab.organisation(h.city, "另一评估机构")
    h.evaluator = ab.evaluator("pinggu", h.org)
    h.other_evaluator = ab.evaluator("pinggu2", h.other_org)
    pb.document(h.province, {"payment.due_within_working_days": 15})
    h.contract = ab.contract(h.county_a)
    h.midterm = ab.template(h.province)
    return h
