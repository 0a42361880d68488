"""Who may do what to an evaluation (reading is decided by ``visible_to``).

Civil-affairs staff (province, city, county) whose region covers the evaluated county start,
finalise and return evaluations; the assigned evaluating organisation's members score and
submit them, or county staff when no evaluator is assigned.
"""

from __future__ import annotations

from assessments.models import Evaluation, EvaluationStatus
from core.scope import scope_of
from stations.models import Role

MANAGING_ROLES = {Role.PROVINCE, Role.CITY, Role.COUNTY}


def _covers(user, county) -> bool:
    scope = scope_of(user)
    if scope.everything:
        return True
    return bool(scope.prefix) and user.role in MANAGING_ROLES and county.code.startswith(scope.prefix)


def can_manage_evaluation(user, evaluation: Evaluation) -> bool:
    """Civil-affairs staff whose region covers the evaluation's county."""
    return _covers(user, evaluation.county)


def can_create_evaluation(user, county=None) -> bool:
    """Start an evaluation of a subject in ``county``; without one, whether the user is of a role
    that starts evaluations at all (the button and the form)."""
    if county is None:
        return user.is_superuser or user.role in MANAGING_ROLES
    return _covers(user, county)


def can_score_evaluation(user, evaluation: Evaluation) -> bool:
    """A draft: the assigned evaluator organisation's members; county staff when no evaluator is assigned."""
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
