"""Who may do what to an evaluation (reading is decided by ``visible_to``).

An evaluation belongs to the civil-affairs bureau that started it (``initiating_region``): the
county runs its own evaluations, the city and the province above it run spot checks (抽查) of
the county (shared/DOMAIN.md, roles; shared/POLICIES.md D6: "County: 2 concentrated evaluations
per year. Province and city: spot-check evaluations"). Only that bureau's staff finalise and
return it, attach files to it as its managers, and score it when no evaluating organisation is
assigned; the bureaus above or below it read it and nothing more. The assigned evaluating
organisation's members score and submit it, whoever started it. Superusers may do everything.
"""

from __future__ import annotations

from assessments.models import Evaluation, EvaluationOrigin, EvaluationStatus
from core.scope import scope_of
from stations.models import Role

MANAGING_ROLES = {Role.PROVINCE, Role.CITY, Role.COUNTY}


def bureau_of(user):
    """The region of the civil-affairs bureau the user works for; None for other roles (and for
    superusers without a bureau)."""
    if user.role in MANAGING_ROLES and user.region_id and not scope_of(user).nothing:
        return user.region
    return None


def origin_for(user) -> EvaluationOrigin | None:
    """What an evaluation the user starts is: the county's own, or a city's or province's spot check."""
    bureau = bureau_of(user)
    return EvaluationOrigin(user.role) if bureau is not None else None


def can_manage_evaluation(user, evaluation: Evaluation) -> bool:
    """Staff of the bureau that started the evaluation (the county for its own, the city or the
    province for its spot check)."""
    scope = scope_of(user)
    if scope.everything:
        return True
    bureau = bureau_of(user)
    return bureau is not None and bureau.pk == evaluation.initiating_region_id \
        and evaluation.county.code.startswith(bureau.prefix)


def can_create_evaluation(user, county=None, initiating_region=None) -> bool:
    """Start an evaluation of a subject in ``county`` on behalf of ``initiating_region`` (by default
    the user's own bureau): county staff their county's own, city and provincial staff a spot
    check of a county in their city or province. Without a county, whether the user is of a role
    that starts evaluations at all (the button and the form)."""
    if county is None:
        return user.is_superuser or user.role in MANAGING_ROLES
    scope = scope_of(user)
    if scope.everything:
        return True
    bureau = bureau_of(user)
    if bureau is None or not county.code.startswith(bureau.prefix):
        return False
    return initiating_region is None or initiating_region.pk == bureau.pk


def can_score_evaluation(user, evaluation: Evaluation) -> bool:
    """A draft: the assigned evaluator organisation's members; when none is assigned, the staff of
    the bureau that started it."""
    if evaluation.status != EvaluationStatus.DRAFT:
        return False
    scope = scope_of(user)
    if evaluation.evaluator_id:
        return scope.everything or scope.organisation_id == evaluation.evaluator_id
    return can_manage_evaluation(user, evaluation)


def can_submit_evaluation(user, evaluation: Evaluation) -> bool:
    return can_score_evaluation(user, evaluation)


def can_import_evaluation_scores(user, evaluation: Evaluation) -> bool:
    """The offline scoring sheet is another way to score."""
    return can_score_evaluation(user, evaluation)


def can_finalise_evaluation(user, evaluation: Evaluation) -> bool:
    """A submitted evaluation, by the bureau that started it."""
    return evaluation.status == EvaluationStatus.SUBMITTED and can_manage_evaluation(user, evaluation)


def can_return_evaluation(user, evaluation: Evaluation) -> bool:
    """Send a submitted evaluation back to its scorer: whoever may finalise it."""
    return can_finalise_evaluation(user, evaluation)


def can_add_evidence(user, evaluation: Evaluation) -> bool:
    """Attach a file: whoever may score it, or its managing staff until it is finalised."""
    return can_score_evaluation(user, evaluation) or (
        evaluation.status != EvaluationStatus.FINALISED and can_manage_evaluation(user, evaluation))


def can_edit_evaluation_template(user, template=None) -> bool:
    """Superusers, and provincial officials for their own province's templates (whether the
    template is still a draft is the admin's and the services' business)."""
    scope = scope_of(user)
    if scope.everything:
        return True
    return user.role == Role.PROVINCE and bool(scope.prefix) and (
        template is None or template.province.code.startswith(scope.prefix))
