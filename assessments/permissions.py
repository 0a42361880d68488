"""Who may do what to an evaluation (reading is decided by ``visible_to``)."""

from __future__ import annotations

from assessments.models import Evaluation, EvaluationStatus
from core.scope import scope_of
from stations.models import Role

MANAGING_ROLES = {Role.PROVINCE, Role.CITY, Role.COUNTY}


def can_manage(user, evaluation: Evaluation) -> bool:
    """Civil-affairs staff whose region covers the evaluation's county: create, finalise, return."""
    scope = scope_of(user)
    if scope.everything:
        return True
    return bool(scope.prefix) and user.role in MANAGING_ROLES and evaluation.county.code.startswith(scope.prefix)


def can_create_in(user, county) -> bool:
    scope = scope_of(user)
    if scope.everything:
        return True
    return bool(scope.prefix) and user.role in MANAGING_ROLES and county.code.startswith(scope.prefix)


def can_score(user, evaluation: Evaluation) -> bool:
    """The assigned evaluator organisation's members; county staff when no evaluator is assigned."""
    if evaluation.status != EvaluationStatus.DRAFT:
        return False
    scope = scope_of(user)
    if evaluation.evaluator_id:
        return scope.everything or scope.organisation_id == evaluation.evaluator_id
    return can_manage(user, evaluation)


def can_submit(user, evaluation: Evaluation) -> bool:
    return can_score(user, evaluation)


def can_finalise(user, evaluation: Evaluation) -> bool:
    return evaluation.status == EvaluationStatus.SUBMITTED and can_manage(user, evaluation)
