"""Every URL of the project, with malformed values in every parameter its view reads: never a 5xx.

The walk is automatic, so a new URL or a new parameter is covered without touching this file:
1. Django's URL resolver lists the routes (admin included); path arguments are filled by their
   name (`plan_id` -> the fixture plan, ...) with the objects of the security suite's world.
2. A first, well-formed GET and POST per route (the URL matrix's rows give the form data;
   routes it has no data for get none) runs with QueryDict/MultiValueDict access recorded:
   every key the view read from request.GET, request.POST or request.FILES is a parameter.
3. Each parameter is sent again with each malformed value (and left out), and each integer in
   the path is replaced by a number no column can hold. Any 5xx fails, naming the request.

Everything runs as the project's owner, who is also a superuser (the admin), and is the
assignee of the sign-off slot; each request runs in a savepoint that is rolled back (and the
client's cookies are put back: a logout or a password change does not end the walk).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils.datastructures import MultiValueDict
from django.utils.encoding import force_bytes
from django.utils.http import int_to_base36, urlsafe_base64_encode

from planhub.invitations.models import Invitation
from planhub.plans.models import Plan

from .conftest import World, build_world
from .test_url_matrix import TABLE, a_review_request, a_version, an_invitation, owner_notification

# Routes not walked, with the reason (none today: every route is).
EXCLUDED: dict[str, str] = {}

HUGE_ID = "99999999999999999999999"
LONG_TEXT = "x" * 200_000
MALFORMED: dict[str, str] = {
    "non-digit": "abc",
    "400 digits": "9" * 400,
    "2**63": "9223372036854775808",
    "huge": HUGE_ID,
    "superscript two": "²",
    "arabic-indic three": "٣",
    "fullwidth one": "１",
    "negative": "-1",
    "zero": "0",
    "decimal": "1.5",
    "spaced": " 1 ",
    "empty": "",
    "NUL": "\x00",
    "NUL inside": "1\x00",
    "long text": LONG_TEXT,
    "year 1, UTC": "0001-01-01T00:00:00+00:00",
    "year 1, east": "0001-01-01T00:00:00+14:00",
    "year 9999, west": "9999-12-31T23:59:59-14:00",
    "garbage date": "2026-13-45T99:99:99+00:00",
    "naive date": "2026-01-01T10:00:00",
    "newline": "a\nb",
}


def _path_value(world: World, name: str, pattern: URLPattern):
    """The value for the path argument `name` of `pattern`, from the world's objects."""
    model_admin = getattr(pattern.callback, "model_admin", None)
    if name == "object_id":
        model = model_admin.model if model_admin else Plan
        first = model._default_manager.order_by("pk").first()
        return str(first.pk) if first else "1"
    values = {
        "slug": world.slug,
        "plan_id": world.plan.pk,
        "section_id": world.section.pk,
        "comment_id": world.thread.pk,
        "slot_id": world.slot.pk,
        "member_id": world.target.pk,
        "template_id": world.template.pk,
        "token_id": world.tokens["owner"][0].pk,
        "export_id": world.pdf_export.pk,
        "webhook_id": world.webhook.pk,
        "delivery_id": world.delivery.pk,
        "version_id": a_version(world, world.plan).pk,
        "request_id": a_review_request(world).pk,
        "invitation_id": (
            Invitation.objects.filter(project=world.project).first() or an_invitation(world)[0]
        ).pk,
        "notification_id": owner_notification(world).pk,
        "provider_id": "corp",  # no provider is configured here: allauth's 404
        "content_type_id": ContentType.objects.get_for_model(Plan).pk,
        "app_label": "plans",
        "id": world.users["owner"].pk,  # the admin's password change of a user
        # a password reset link of the owner's: a real one, so its form is walked too
        "uidb64": urlsafe_base64_encode(force_bytes(world.users["owner"].pk)),
        "token": default_token_generator.make_token(world.users["owner"]),
        # allauth's: a reset link of the owner's (real, so its form is walked too), an e-mail
        # confirmation key, a security key; Django's former password addresses
        "uidb36": int_to_base36(world.users["owner"].pk),
        "key": default_token_generator.make_token(world.users["owner"]),
        "pk": 1,
        "page": "password_change",
    }
    assert name in values, f"teach {__name__} which object fills the path argument {name!r}"
    return values[name]


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: URLPattern
    arguments: tuple[str, ...]  # every path argument, the including prefixes' ones too
    int_arguments: tuple[str, ...]  # those that are integers (to overflow)

    def url(self, world: World, **overrides) -> str:
        kwargs = {name: _path_value(world, name, self.pattern) for name in self.arguments}
        kwargs.update(overrides)
        return reverse(self.name, kwargs=kwargs)


def project_routes() -> dict[str, Route]:
    routes: dict[str, Route] = {}

    def walk(resolver, namespace: str = "", chain: tuple = ()) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, inner, (*chain, entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                name = namespace + entry.name
                if name in EXCLUDED or name in routes:
                    continue
                patterns = (*chain, entry.pattern)
                arguments = tuple(arg for p in patterns for arg in p.regex.groupindex)
                ints = tuple(
                    arg
                    for p in patterns
                    for arg, converter in getattr(p, "converters", {}).items()
                    if isinstance(converter, IntConverter)
                )
                if "object_id" in arguments:
                    ints += ("object_id",)  # the admin's <path:object_id> holds a primary key
                routes[name] = Route(name, entry, arguments, ints)

    walk(get_resolver())
    return routes


ROUTES = project_routes()


@dataclass
class Request:
    """One request of the walk: the well-formed one, or one parameter replaced."""

    method: str
    get: dict = field(default_factory=dict)
    post: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    label: str = "well-formed"

    def send(self, client: Client, url: str):
        query = f"?{urlencode(self.get, doseq=True)}" if self.get else ""
        for value in self.post.values():
            if hasattr(value, "seek"):  # an upload sent before: from its start again
                value.seek(0)
        if self.method == "get":
            return client.get(url + query, **self.headers)
        return client.post(url + query, self.post, **self.headers)


def well_formed_requests(name: str, world: World) -> list[Request]:
    """The URL matrix's rows for the route (with their data and headers), or a bare GET and
    POST for a route it has no row for (the admin)."""
    requests = []
    for row in TABLE:
        if row.name != name or row.auth != "session" or row.method not in ("get", "post"):
            continue
        if row.args is not None:  # another project's ids: refused before any parameter is read
            continue
        headers = dict(row.headers)
        query = headers.pop("QUERY_STRING", "").replace("TEMPLATE", str(world.template.pk))
        data = row.data(world) if row.data else {}
        requests.append(Request(row.method, dict(QueryDict(query).items()), data, headers, row.id))
    return requests or [Request("get"), Request("post")]


@contextmanager
def reads_recorded() -> Iterator[list]:
    """Records (dict, key) for every key looked up in any MultiValueDict (QueryDicts and
    request.FILES); a copy's lookups count as its original's."""
    reads: list = []
    origin: dict[int, object] = {}
    keep: list = []  # copies stay alive, so their ids are not reused meanwhile

    def recorded(method):
        def wrapper(self, key, *args, **kwargs):
            reads.append((origin.get(id(self), self), key))
            return method(self, key, *args, **kwargs)

        return wrapper

    def copied(method):
        def wrapper(self, *args, **kwargs):
            result = method(self, *args, **kwargs)
            origin[id(result)] = origin.get(id(self), self)
            keep.append(result)
            return result

        return wrapper

    with (
        mock.patch.object(MultiValueDict, "__getitem__", recorded(MultiValueDict.__getitem__)),
        mock.patch.object(MultiValueDict, "get", recorded(MultiValueDict.get)),
        mock.patch.object(MultiValueDict, "getlist", recorded(MultiValueDict.getlist)),
        mock.patch.object(MultiValueDict, "__contains__", recorded(dict.__contains__)),
        mock.patch.object(QueryDict, "__deepcopy__", copied(QueryDict.__deepcopy__)),
        mock.patch.object(QueryDict, "copy", copied(QueryDict.copy)),
    ):
        yield reads


def parameters_read(request, reads) -> dict[str, set[str]]:
    """{"get"|"post"|"files": keys} the view read from the request's own dicts."""
    sources = {"get": request.GET, "post": request.POST, "files": request.FILES}
    found: dict[str, set[str]] = {source: set() for source in sources}
    for container, key in reads:
        for source, held in sources.items():
            if container is held and isinstance(key, str):
                found[source].add(key)
    return found


def replaced(base: Request, source: str, keys, label: str, value: str | None) -> Request:
    """`base` with the parameters `keys` of `source` set to `value` (None: left out)."""
    target = "get" if source == "get" else "post"
    data = dict(getattr(base, target))
    for key in keys:
        if value is None:
            data.pop(key, None)
        elif source == "files":
            data[key] = SimpleUploadedFile("bad.md", value.encode(), "text/markdown")
        else:
            data[key] = value
    parts = {"get": base.get, "post": base.post, target: data}
    return Request(base.method, parts["get"], parts["post"], base.headers, label)


def malformed_requests(
    base: Request, read: dict[str, set[str]], values: dict[str, str | None], batch_forms: bool
) -> Iterator[tuple[Request, list[Request]]]:
    """`base` with each parameter read replaced by each of `values` (None: left out), each
    with the single-parameter requests that say which parameter is to blame if it fails.

    With `batch_forms`, a value goes into every form field (POST, FILES) at once: a form
    validates each field whatever the others hold, so one request finds what one per field
    would, and the walk of the admin's large forms stays fast; the query string is then tried
    on GET requests only."""
    for source, keys in read.items():
        if batch_forms and source == "get" and base.method != "get":
            continue
        if batch_forms and source != "get" and keys:
            for label, value in values.items():
                each = [replaced(base, source, [k], f"{k}: {label}", value) for k in sorted(keys)]
                yield replaced(base, source, keys, f"every form field: {label}", value), each
            continue
        for key in sorted(keys):
            for label, value in values.items():
                yield replaced(base, source, [key], f"{key}: {label}", value), []


@pytest.fixture
def walk_world(members, project) -> World:
    world = build_world(members, project)
    owner = world.users["owner"]
    owner.is_staff = owner.is_superuser = True
    owner.save(update_fields=["is_staff", "is_superuser"])
    world.slot.assign(owner, by=owner)  # so that the owner's sign-off reaches the form
    return world


def sent(client: Client, request: Request, url: str):
    """The response to `request`, with the database and the client's cookies as they were."""
    cookies = client.cookies
    with transaction.atomic():
        client.cookies = cookies.__class__(cookies)  # a copy: Set-Cookie changes only it
        response = request.send(client, url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


def problem(response, request: Request, url: str) -> str | None:
    if response.status_code < 500:
        return None
    error = getattr(response, "exc_info", None)
    cause = repr(error[1])[:300] if error else response.content[:200]
    return (
        f"{request.method.upper()} {url[:120]} [{request.label}] -> {response.status_code} {cause}"
    )


def walk(
    name: str, world: World, values: dict[str, str | None], *, batch_forms: bool = False
) -> list[str]:
    """The server errors answered on route `name` to well-formed and malformed requests."""
    route = ROUTES[name]
    client = Client(raise_request_exception=False)
    client.force_login(world.users["owner"])
    url = route.url(world)
    failures, tried = [], 0
    for base in well_formed_requests(name, world):
        with reads_recorded() as reads:
            response = sent(client, base, url)
        tried += 1
        if failure := problem(response, base, url):
            failures.append(failure)
        read = parameters_read(response.wsgi_request, reads)
        for request, narrowed in malformed_requests(base, read, values, batch_forms):
            tried += 1
            if failure := problem(sent(client, request, url), request, url):
                blamed = [problem(sent(client, one, url), one, url) for one in narrowed]
                failures.extend([blame for blame in blamed if blame] or [failure])
        for argument in route.int_arguments:
            overflowing = route.url(world, **{argument: HUGE_ID})
            request = Request(base.method, base.get, base.post, base.headers, f"{argument}: huge")
            tried += 1
            if failure := problem(sent(client, request, overflowing), request, overflowing):
                failures.append(failure)
    return failures


def assert_none(failures: list[str]) -> None:
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)


APP_ROUTES = sorted(name for name in ROUTES if not name.startswith("admin:"))
ADMIN_ROUTES = sorted(name for name in ROUTES if name.startswith("admin:"))

# Server errors of Django's admin that this walk found and that are fixed outside the app's
# views (Django itself, the apps' admin.py): tolerated here, by exact signature, so that any
# other error on the same pages still fails. Each says where the fix belongs.
KNOWN_ADMIN_ERRORS = {
    "[_to_field: empty] -> 500 FieldDoesNotExist": (
        "Django's admin looks up the field named by an empty _to_field (to_field_allowed "
        "skips the empty name, get_object then calls get_field(''))"
    ),
    "[q: long text] -> 500 OperationalError('LIKE or GLOB pattern too complex')": (
        "SQLite refuses LIKE patterns over 50,000 bytes: the admin's search needs a length cap"
    ),
    "-> 500 OverflowError('Python int too large to convert to SQLite INTEGER')": (
        "Django's ModelMultipleChoiceField filters pk__in with the raw number (SQLite only)"
    ),
}
# The admin is Django's code, tried by Django's own tests: the values that reach the database
# differently (and the project's admin options) are enough, and keep the walk fast.
ADMIN_VALUES = {
    label: MALFORMED[label]
    for label in ("400 digits", "superscript two", "negative", "NUL", "long text", "empty")
}


@pytest.mark.parametrize("name", APP_ROUTES)
def test_no_malformed_parameter_gives_a_server_error(name, walk_world):
    assert_none(walk(name, walk_world, {**MALFORMED, "left out": None}))


@pytest.mark.parametrize("name", ADMIN_ROUTES)
def test_no_malformed_admin_parameter_gives_a_server_error(name, walk_world):
    failures = walk(name, walk_world, ADMIN_VALUES, batch_forms=True)
    known = [f for f in failures if any(signature in f for signature in KNOWN_ADMIN_ERRORS)]
    assert_none([failure for failure in failures if failure not in known])


def test_the_walk_discovers_the_parameters_views_read(walk_world):
    """The recording finds what views read (a broken recorder would pass vacuously)."""
    client = Client()
    client.force_login(walk_world.users["owner"])
    found = {}
    for name in ("live_poll", "section_detail", "plan_import"):
        for base in well_formed_requests(name, walk_world):
            with reads_recorded() as reads:
                response = sent(client, base, ROUTES[name].url(walk_world))
            for source, keys in parameters_read(response.wsgi_request, reads).items():
                found.setdefault(name, set()).update(f"{source}:{key}" for key in keys)
    assert {"get:since", "get:editing"} <= found["live_poll"]
    assert {"post:heading", "post:body", "post:version", "post:resolving"} <= found[
        "section_detail"
    ]
    assert {"files:file", "post:kind", "post:name"} <= found["plan_import"]


def test_the_walk_covers_the_app():
    """The resolver walk finds the app's routes (a broken walk would pass vacuously)."""
    assert {"plan_detail", "section_detail", "live_poll", "api_plan_status"} <= set(ROUTES)
    assert any(name.startswith("admin:") for name in ROUTES)
    assert not set(EXCLUDED) & set(ROUTES)
