"""Sessions in the database, as Django's own ``db`` engine keeps them, read with one plain statement: the
session is read on every signed-in request, and building the ORM query took longer than running it.
(With Redis, ``cached_db`` reads sessions from the cache and this engine is not used.)"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        qn = connection.ops.quote_name
        meta = model._meta
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {qn(meta.get_field('session_data').column)}"
                f" FROM {qn(meta.db_table)} WHERE {qn(meta.pk.column)} = %s"
                f" AND {qn(meta.get_field('expire_date').column)} > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])  # what load() decodes
