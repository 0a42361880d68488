"""Demo organisations and the evaluator login."""

from projects.models import Organisation, OrganisationMember
from projects.validators import credit_code_check_character
from stations.models import Region, Role, User
from stations.roles import ensure_role_groups


def credit_code(body17: str) -> str:
    return body17 + credit_code_check_character(body17)


def seed(*, stdout, context):
    from stations.demo import DEMO_PASSWORD

    city = Region.objects.get(code="420500000000")
    evaluator_org = Organisation(
        name="宜昌市社会工作评估中心", credit_code=credit_code("52420500MJH000001"), region=city,
        is_local=True, rating="4A", rating_year=2024, has_party_organisation=True,
    )
    evaluator_org._history_user = context.get("admin")
    evaluator_org.full_clean()
    evaluator_org.save()
    user = User(username="pinggu_jigou", last_name="陈", first_name="评估员", role=Role.EVALUATOR, region=city)
    user.set_password(DEMO_PASSWORD)
    user.full_clean()
    user.save()
    user.groups.add(ensure_role_groups()[Role.EVALUATOR])
    OrganisationMember.objects.create(user=user, organisation=evaluator_org)
    context["evaluator_org"] = evaluator_org
    context["pinggu_jigou"] = user
    stdout.write("机构：1 个（评估机构）")
