"""A person's sessions (recorded at each log-in by allauth.usersessions)."""

from allauth.usersessions.models import UserSession


def end_every_session(user) -> int:
    """End every session of `user`, on every device (the caller's too): each is deleted from
    the session store, so its cookie no longer logs anyone in. Returns how many there were."""
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)
