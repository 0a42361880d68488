"""Row-level scope: who may see which records.

Every read path starts from a model's ``visible_to(user)`` QuerySet method,
which is built on :func:`scope_of`. Scope fails closed: an anonymous or
inactive user, or a user without a role and region, sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.http import Http404


@dataclass(frozen=True)
class Scope:
    """What a user may see. ``everything`` for superusers; otherwise a region
    code prefix (province/city/county staff), or a station (station heads),
    or an evaluating organisation (evaluators)."""

    everything: bool = False
    prefix: str | None = None
    station_id: int | None = None
    organisation_id: int | None = None

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.prefix or self.station_id or self.organisation_id)


NO_SCOPE = Scope()


def scope_of(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    if user.is_superuser:
        return Scope(everything=True)
    return user.scope()


class ScopedQuerySet(models.QuerySet):
    """Base for every scoped model's QuerySet.

    Subclasses name the lookup path to the official division code that places
    a row (``region_code_path``), and, where a station head may see rows, the
    path to the station's id (``station_path``). Evaluators see nothing unless
    a subclass overrides :meth:`evaluator_q`.
    """

    region_code_path: str = ""
    station_path: str | None = None

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.everything:
            return self.all()
        condition = self.scope_q(scope)
        if condition is None:
            return self.none()
        return self.filter(condition).distinct() if self.scope_needs_distinct else self.filter(condition)

    scope_needs_distinct = False

    def scope_q(self, scope: Scope) -> Q | None:
        if scope.station_id:
            if self.station_path is None:
                return None
            return Q(**{self.station_path: scope.station_id})
        if scope.organisation_id:
            return self.evaluator_q(scope)
        if scope.prefix:
            return Q(**{f"{self.region_code_path}__startswith": scope.prefix})
        return None

    def evaluator_q(self, scope: Scope) -> Q | None:
        return None


def get_visible_or_404(queryset_or_model, user, **lookup):
    """One object the user may see, or 404: "missing" and "not yours" look the same."""
    queryset = queryset_or_model
    if isinstance(queryset_or_model, type) and issubclass(queryset_or_model, models.Model):
        queryset = queryset_or_model.objects.all()
    try:
        return queryset.visible_to(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
