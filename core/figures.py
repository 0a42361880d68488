"""Figures that change rarely, cached until a write changes them.

Each family of figures has a *generation*, a counter kept in the database (:class:`core.models.Generation`):
``registry`` for what coverage, workforce and contract figures are computed from (divisions, stations,
targets, standards, policies, people, contracts, evaluations), ``reports`` for the monthly reports.
Every committed write to a model a family is computed from moves its counter: saves and deletes through
the signals that :func:`watch` connects, and every bulk write through an explicit :func:`changed`. A
cached figure's key holds the counters it was computed under, so right after the write nobody reaches it
again, on any server and whatever the cache (a worker's memory or the shared Redis).

Race-free by order: a counter moves only after the write has committed, and a reader reads the counters
before it reads the data. A reader that saw the old counter may store newer data under the old key,
which nobody asks for any more; a reader that saw the new one reads data committed before it.

The key also holds the user's scope (role, region or station, superuser and staff flags), the page's
address with its query string and the language, so a fragment is only ever served to users who would be
shown the very same thing. ``FIGURES_CACHE_SECONDS`` bounds how long an entry lives, as a backstop only.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from core.scope import scope_of

REGISTRY = "registry"
REPORTS = "reports"
FAMILIES = (REGISTRY, REPORTS)
CSRF_FIELD = "csrfmiddlewaretoken"


def _timeout() -> int:
    return getattr(settings, "FIGURES_CACHE_SECONDS", 3600)


# -- the counters ---------------------------------------------------------------------------------------

# Within a request, the counters are read once, every family together, and kept until the request ends or
# a counter moves in this process: a page with several cached parts reads them with one statement.
_request = threading.local()


def _request_started(**kwargs) -> None:
    _request.counters = {}


def _request_finished(**kwargs) -> None:
    _request.counters = None


request_started.connect(_request_started, dispatch_uid="core.figures.request_started")
request_finished.connect(_request_finished, dispatch_uid="core.figures.request_finished")


def generations(names: Iterable[str]) -> tuple[int, ...]:
    """The families' counters now (one query, and none more within the same request). A family never
    written to yet starts at a random point, so a database created afresh never meets entries a cache kept
    from an earlier one."""
    from core.models import Generation

    names = tuple(names)
    if not names:
        return ()
    kept = getattr(_request, "counters", None)
    if kept is not None and all(name in kept for name in names):
        return tuple(kept[name] for name in names)
    wanted = tuple(dict.fromkeys((*names, *FAMILIES))) if kept is not None else names
    # Read on every page that shows cached figures: one statement, without building a query each time.
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT name, value FROM {Generation._meta.db_table} WHERE name IN ({', '.join(['%s'] * len(wanted))})",
                       wanted)
        found = dict(cursor.fetchall())
    for name in names:
        if name not in found:
            found[name] = Generation.objects.get_or_create(name=name, defaults={"value": time.time_ns()})[0].value
    if kept is not None:
        kept.update(found)
    return tuple(found[name] for name in names)


class _Bump:
    """The after-commit callback that moves ``names``' counters; one per transaction and family set."""

    def __init__(self, names: frozenset[str]):
        self.names = names

    def __call__(self) -> None:
        from core.models import Generation

        moved = Generation.objects.filter(name__in=self.names).update(value=F("value") + 1)
        if getattr(_request, "counters", None) is not None:
            _request.counters = {}  # the rest of this request reads the moved counters
        if moved < len(self.names):  # a family never counted yet: its first counter is new to every cache
            generations(self.names)


def changed(*names: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Call after writing data ``names`` are computed from (every family when none is named): their
    counters move when the transaction commits, at once outside one, and never if it rolls back."""
    names = frozenset(names or FAMILIES)
    connection = connections[using]
    if connection.in_atomic_block:
        # One callback per transaction is enough, provided the one already waiting cannot be rolled back
        # without this write: it was registered at this savepoint level or outside it.
        current = set(connection.savepoint_ids)
        for sids, func, _robust in connection.run_on_commit:
            if isinstance(func, _Bump) and func.names >= names and set(sids) <= current:
                return
    transaction.on_commit(_Bump(names), using=using)


def watch(model, *names: str, unless: Callable | None = None) -> None:
    """Move ``names``' counters after every save or delete of ``model`` (and every change of its
    many-to-many fields), except writes for which ``unless(instance, event)`` is true, the event being
    ``"created"``, ``"saved"`` or ``"deleted"``."""
    uid = f"figures:{model._meta.label}"

    def saved(sender, instance, created=False, **kwargs):
        if unless is None or not unless(instance, "created" if created else "saved"):
            changed(*names, using=kwargs.get("using") or DEFAULT_DB_ALIAS)

    def deleted(sender, instance, **kwargs):
        if unless is None or not unless(instance, "deleted"):
            changed(*names, using=kwargs.get("using") or DEFAULT_DB_ALIAS)

    def related(sender, action, **kwargs):
        if action.startswith("post_"):
            changed(*names, using=kwargs.get("using") or DEFAULT_DB_ALIAS)

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=uid)
    for field in model._meta.local_many_to_many:
        m2m_changed.connect(related, sender=field.remote_field.through, weak=False, dispatch_uid=f"{uid}:{field.name}")


def watch_app(app_config, family: Callable[[type], tuple[str, ...]]) -> None:
    """:func:`watch` every model of the app that a family is computed from, by ``family(model)``; the
    audit trail's historical copies are left out (each accompanies a write that is watched)."""
    for model in app_config.get_models():
        if model._meta.model_name.startswith("historical"):
            continue
        names = family(model)
        if names:
            watch(model, *names)


# -- the keys -------------------------------------------------------------------------------------------

def scope_key(user) -> str:
    """Whom a cached figure may be shown to: everyone with the same role, scope and flags."""
    scope = scope_of(user)
    return "|".join(str(part) for part in (
        getattr(user, "role", ""), scope.everything, scope.prefix, scope.station_id, scope.organisation_id,
        getattr(user, "is_superuser", False), getattr(user, "is_staff", False)))


def _hashed(part: str, *parts) -> str:
    raw = "\x1f".join(str(p) for p in (part, *parts))
    return f"figures:{part}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"


def _key(part: str, user, names: tuple[str, ...], *extra) -> str:
    counters = generations(names)  # before the data is read: see the module's description
    # Today's date too: a page without a date shows today's figures, which a new day may change.
    return _hashed(part, scope_key(user), translation.get_language(), timezone.localdate(), counters, *extra)


_MISSING = object()


def _remember(key: str, compute: Callable):
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, _timeout())
    return value


def cached(part: str, user, names: tuple[str, ...], compute: Callable, *extra):
    """``compute()``'s value for this user's scope (and ``extra``), from the cache while no write has
    moved ``names``' counters since it was computed."""
    if not _timeout():
        return compute()
    return _remember(_key(part, user, names, *extra), compute)


def shared(part: str, names: tuple[str, ...], compute: Callable, *extra):
    """``compute()``'s value for ``extra``, the same whoever asks (rules such as a region's filing
    deadlines or the policy in force: no user's records), from the cache while no write has moved
    ``names``' counters. Per language too, as a value may hold translated text."""
    if not _timeout():
        return compute()
    return _remember(_hashed(f"shared:{part}", translation.get_language(), generations(names), *extra), compute)


class Fragment:
    """A page's cached part, for ``{% figures %}…{% endfigures %}`` (``core.templatetags.figures``): the
    view passes it as ``figures`` with ``compute`` giving the context the part needs, which is only
    called when the part is not in the cache."""

    def __init__(self, request, part: str, names: tuple[str, ...], compute: Callable[[], dict]):
        self.request, self.part, self.names, self.compute = request, part, names, compute

    def render(self, render_with: Callable[[dict], str]) -> str:
        if not _timeout():
            return render_with(self.compute())
        key = _key(self.part, self.request.user, self.names, self.request.get_full_path())
        html = cache.get(key)
        if html is None:
            html = render_with(self.compute())
            if CSRF_FIELD not in html:  # a form's token is the user's own: such a part is never shared
                cache.set(key, html, _timeout())
        return mark_safe(html)
