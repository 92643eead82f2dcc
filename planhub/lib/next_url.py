from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def local_next(request: HttpRequest, project, fallback: str) -> str:
    """Where to go back after a write: the form's `next` if it is a page of this project."""
    target = request.POST.get("next", "")
    if target.startswith(project.get_absolute_url()) and url_has_allowed_host_and_scheme(
        target, allowed_hosts=None
    ):
        return target
    return fallback
