"""Signing in by username and password, as Django's own backend does. The user of each request is read
with their region, station and the station's region, which every page's scope needs, and the count of
their unread reminders, which every page's bell shows: one statement, written once per process from the
models' fields, not built by the ORM on every request (that took more than the query itself)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth.backends import ModelBackend, UserModel
from django.core.exceptions import ValidationError
from django.db import connections, router


@dataclass(frozen=True)
class _Part:
    """One model's columns in the statement: its fields, their expressions and the database converters
    the ORM would apply to each value."""

    model: type
    attnames: list[str]
    converters: list[tuple]  # per field: ((converter, expression), ...)
    width: int

    def instance(self, using: str, connection, values):
        if values[0] is None:  # no row joined: no region, or no station
            return None
        converted = list(values)
        for i, field_converters in enumerate(self.converters):
            for converter, expression in field_converters:
                converted[i] = converter(converted[i], expression, connection)
        return self.model.from_db(using, self.attnames, converted)


@functools.cache
def _statement(using: str) -> tuple[str, tuple[_Part, ...]]:
    from config.models import Notification

    connection = connections[using]
    qn = connection.ops.quote_name
    user_meta = UserModel._meta
    region_field, station_field = user_meta.get_field("region"), user_meta.get_field("station")
    region_model, station_model = region_field.related_model, station_field.related_model
    station_region = station_model._meta.get_field("region")
    tables = (("u", UserModel), ("r", region_model), ("s", station_model), ("sr", region_model))
    columns, parts = [], []
    for alias, model in tables:
        fields = model._meta.concrete_fields
        columns += [f"{alias}.{qn(field.column)}" for field in fields]
        parts.append(_Part(model, [field.attname for field in fields], [
            tuple((converter, column) for converter in
                  [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)])
            for column in (field.get_col(alias) for field in fields)], len(fields)))
    notifications = Notification._meta
    unread = (f"(SELECT COUNT(*) FROM {qn(notifications.db_table)} n WHERE n.{qn(notifications.get_field('user').column)}"
              f" = u.{qn(user_meta.pk.column)} AND n.{qn(notifications.get_field('read_at').column)} IS NULL)")

    def pk(model):
        return qn(model._meta.pk.column)

    sql = (f"SELECT {', '.join(columns)}, {unread} FROM {qn(user_meta.db_table)} u"
           f" LEFT OUTER JOIN {qn(region_model._meta.db_table)} r ON r.{pk(region_model)} = u.{qn(region_field.column)}"
           f" LEFT OUTER JOIN {qn(station_model._meta.db_table)} s ON s.{pk(station_model)} = u.{qn(station_field.column)}"
           f" LEFT OUTER JOIN {qn(region_model._meta.db_table)} sr ON sr.{pk(region_model)} = s.{qn(station_region.column)}"
           f" WHERE u.{qn(user_meta.pk.column)} = %s")
    return sql, tuple(parts)


def user_with_scope(user_id):
    """The user ``user_id`` with their region, station and station's region attached as the ORM's
    ``select_related`` attaches them, and ``unread_notices_count``; None when there is no such user."""
    using = router.db_for_read(UserModel)
    connection = connections[using]
    sql, parts = _statement(using)
    try:
        user_id = UserModel._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    instances, start = [], 0
    for part in parts:
        instances.append(part.instance(using, connection, row[start:start + part.width]))
        start += part.width
    user, region, station, station_region = instances
    meta = UserModel._meta
    meta.get_field("region").set_cached_value(user, region)
    meta.get_field("station").set_cached_value(user, station)
    if station is not None:
        station._meta.get_field("region").set_cached_value(station, station_region)
    user.unread_notices_count = row[start]
    return user


class UserWithScopeBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_scope(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
