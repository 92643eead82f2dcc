"""Django's database sessions, read with SQL compiled once per process (planhub/lib).

Still the database, on every request: a logout or "log out everywhere" (which deletes the rows)
takes effect at once on every app server, and an expired session is never read.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db.models import CharField, DateTimeField
from django.utils import timezone

from planhub.lib.compiled_query import CompiledQuery, Param

LIVE_SESSION = CompiledQuery(
    lambda: Session.objects.filter(
        session_key=Param("key", CharField()), expire_date__gt=Param("now", DateTimeField())
    )
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        session = LIVE_SESSION.get(key=self.session_key, now=timezone.now())
        if session is None:
            self._session_key = None
        return session
