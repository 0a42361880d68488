"""Sessions in the database, as Django's own ``db`` engine keeps them, read with one plain statement: the
session is read on every signed-in request, and building the ORM query took longer than running it.
(With Redis, ``cached_db`` reads sessions from the cache and this engine is not used.)"""

import functools

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


@functools.cache
def _statement(using: str, model) -> str:
    """``SELECT session_data … WHERE session_key = %s AND expire_date > %s``, quoted for the database."""
    qn, meta = connections[using].ops.quote_name, model._meta
    expire_date = qn(meta.get_field("expire_date").column)
    return (f"SELECT {qn(meta.get_field('session_data').column)} FROM {qn(meta.db_table)}"
            f" WHERE {qn(meta.pk.column)} = %s AND {expire_date} > %s")


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        using = router.db_for_read(model)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(_statement(using, model),
                           [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])  # what load() decodes
