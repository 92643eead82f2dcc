"""Every URL of the app x method x role -> the status it must answer.

The table below is THE list of the app's routes: `test_every_route_has_rows` walks Django's
URL resolver and fails for any route without a GET and a POST row (and for any row naming a
route that no longer exists), so a new URL cannot ship without its access rules written down.

Roles: anonymous (not logged in), outsider (logged in, not a member of the project), and the
four project roles. Expected answers:
- anonymous: 302 to /accounts/login/ for pages; 401 for the JSON endpoints (API, live poll);
- outsider: 404 for anything inside a project (its existence is not revealed);
- a member without the capability: 403; allowed: 200 / 201 / 204 / 302 (redirect after a write);
- a method the view does not take: 405 (after the login check when login comes first);
- an object of another project addressed through this one (or a plan through another
  project's address): 404 for everyone, even an owner of both projects.

A row may also say what the answer must contain (`says`, e.g. the reason on a 401), what no
answer may show (`hides`, e.g. another project's template in a list), which headers every
answer carries (`carries`, e.g. the JSON type and Allow of the API), and how to tell that its
write took effect (`effect`): a write must land for every role that is let in and leave no
trace for every role that is refused. A refusal (401/403/404/405) never shows the plan's text
nor another project's; the login redirect names the exact page to come back to.

Each case runs in a savepoint that is rolled back, so every role acts on the same objects and
one test per row stays fast.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.views.generic import RedirectView

from planhub.api.models import ApiToken
from planhub.baselines.models import FrozenSection, PlanVersion
from planhub.invitations.models import Invitation, new_token
from planhub.live.models import Presence
from planhub.mail.models import OutgoingMail
from planhub.notifications.models import Notification, Preference
from planhub.notifications.unsubscribe import make_token
from planhub.plans.models import Plan, PlanTemplate, Section, SignOffSlot
from planhub.projects.models import Membership
from planhub.reviews.models import Comment, ReviewRequest, SectionDecision, SignOff
from planhub.reviews.status import review_plan
from planhub.webhooks.models import Delivery, Webhook
from tests.factories import PASSWORD, builtin_template

from .conftest import FOREIGN_TEMPLATE, ROLES, World

LOGIN = "login"  # 302 to /accounts/login/?next=...
MEMBERS = ("viewer", "reviewer", "editor", "owner")
WRITERS = ("editor", "owner")
REVIEWERS = ("reviewer", "owner")
COMMENTERS = ("reviewer", "editor", "owner")
AUTHOR = ("reviewer",)  # of the shared comment thread
OWNERS = ("owner",)
HX = {"HTTP_HX_REQUEST": "true"}
JSON = {"Content-Type": "application/json"}
# What no refusal may show: this plan's text, another project's plan and template.
SECRETS = (b"Security plan", b"alpha text", b"Alpha", b"their text", FOREIGN_TEMPLATE.encode())

# Django's auth URL names, kept as aliases of allauth's pages (rows under allauth's names), and
# the admin: left out on purpose.
EXCLUDED_NAMES = {"login", "logout", "password_change", "password_reset"}
EXCLUDED_NAMESPACES = {"admin"}
# Pages that answer 401 in HTML (allauth's "single sign-on failed" page), not JSON.
HTML_401 = {"socialaccount_login_error"}


def project_rule(ok: int, allowed=MEMBERS, *, anonymous=LOGIN) -> dict[str, object]:
    """A page inside a project: login first, outsiders 404, `allowed` roles `ok`, others 403."""
    expected = {"anonymous": anonymous, "outsider": 404}
    for role in MEMBERS:
        expected[role] = ok if role in allowed else 403
    return expected


def everyone(status, *, anonymous=LOGIN) -> dict[str, object]:
    """The same answer for every logged-in user (and `anonymous` for the anonymous one)."""
    return {"anonymous": anonymous, **{role: status for role in ROLES[1:]}}


NOT_ALLOWED = everyone(405)  # login_required first, then the method check
NOT_ALLOWED_ANYONE = everyone(405, anonymous=405)  # the method check comes first
GONE = everyone(404)  # another project's object: logged-in users all get 404
# allauth's pages that change how one logs in: the password again first (for anonymous, the
# log-in page with its `next` quoted differently from Django's decorator).
REAUTH = everyone(302, anonymous=302)


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    expected: dict[str, object]
    data: Callable[[World], dict] | None = None
    variant: str = ""
    headers: dict = field(default_factory=dict)
    auth: str = "session"  # "session", "token" (each role its own API token), "bad-token"
    args: Callable[[World], list] | None = None  # instead of ARGS[name] (another project's ids)
    says: dict[str, str] = field(default_factory=dict)  # role -> text the answer must contain
    hides: tuple[str, ...] = ()  # text no role's answer may contain
    carries: dict[str, str] = field(default_factory=dict)  # headers of every role's answer
    effect: Callable[[World], bool] | None = None  # did the request change what it writes?

    def url_args(self, world: World) -> list:
        return (self.args or ARGS[self.name])(world)

    @property
    def id(self) -> str:
        return f"{self.name}-{self.method}{'-' + self.variant if self.variant else ''}"


# What the API says: the plan to its members, the same 404 to anybody else.
NOT_FOUND = "No such plan, or you are not a member of its project."
API_SAYS = {
    "anonymous": "Authentication required",
    "outsider": NOT_FOUND,
    **dict.fromkeys(MEMBERS, '"title": "Security plan"'),
}
API_FOREIGN_SAYS = {**dict.fromkeys(ROLES[1:], NOT_FOUND), "owner": '"title": "Theirs"'}
USE_GET = dict.fromkeys(ROLES, "is not allowed here; use GET.")
API_405 = {**JSON, "Allow": "GET, HEAD"}

# How each route's arguments come from the shared objects.
ARGS: dict[str, Callable[[World], list]] = {
    "dashboard": lambda w: [],
    "project_new": lambda w: [],
    "healthz": lambda w: [],
    "bench_bare": lambda w: [],
    # Single sign-on (allauth's socialaccount): no provider is configured in this table.
    "openid_connect_login": lambda w: ["corp"],
    "openid_connect_callback": lambda w: ["corp"],
    "socialaccount_connections": lambda w: [],
    "socialaccount_login_cancelled": lambda w: [],
    "socialaccount_login_error": lambda w: [],
    "socialaccount_signup": lambda w: [],
    "search": lambda w: [],
    "api_tokens": lambda w: [],
    # Accounts (allauth's pages and PlanHub's profile): outside any project.
    **dict.fromkeys(
        [
            "profile",
            "logout_everywhere",
            "signing_key_options",
            "account_login",
            "account_logout",
            "account_inactive",
            "account_signup",
            "account_reauthenticate",
            "account_request_reauthentication_code",
            "account_confirm_reauthentication_code",
            "account_email",
            "account_email_verification_sent",
            "account_change_password",
            "account_set_password",
            "account_reset_password",
            "account_reset_password_done",
            "account_reset_password_from_key_done",
            "account_confirm_login_code",
            "mfa_index",
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_authenticate",
            "mfa_reauthenticate",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
            "mfa_add_webauthn",
            "mfa_list_webauthn",
            "mfa_reauthenticate_webauthn",
            "usersessions_list",
        ],
        lambda w: [],
    ),
    "account_confirm_email": lambda w: ["not-a-key"],
    "account_reset_password_from_key": lambda w: ["1", "not-a-key"],
    "mfa_edit_webauthn": lambda w: [999999],
    "mfa_remove_webauthn": lambda w: [999999],
    "old_password_page": lambda w: ["password_change"],
    "api_token_revoke": lambda w: [w.tokens["owner"][0].pk],
    "api_plan_status": lambda w: [w.plan.pk],
    "project_detail": lambda w: [w.slug],
    "project_settings": lambda w: [w.slug],
    "members": lambda w: [w.slug],
    "member_role": lambda w: [w.slug, w.target.pk],
    "member_remove": lambda w: [w.slug, w.target.pk],
    "plan_new": lambda w: [w.slug],
    "plan_import": lambda w: [w.slug],
    "comment_resolve": lambda w: [w.slug, w.plan.pk, w.thread.pk],
    "comment_edit": lambda w: [w.slug, w.plan.pk, w.thread.pk],
    "comment_delete": lambda w: [w.slug, w.plan.pk, w.thread.pk],
    "mention_suggestions": lambda w: [w.slug],
    "signoff_assign": lambda w: [w.slug, w.plan.pk, w.slot.pk],
    "signoff_decide": lambda w: [w.slug, w.plan.pk, w.slot.pk],
    "signoff_sso": lambda w: [w.slug, w.plan.pk, w.slot.pk],
    "section_restore": lambda w: [w.slug, w.plan.pk, w.deleted.pk],
    "section_restore_with_text": lambda w: [w.slug, w.plan.pk, w.deleted.pk],
    "template_library": lambda w: [w.slug],
    "template_detail": lambda w: [w.slug, w.template.pk],
    "template_archive": lambda w: [w.slug, w.template.pk],
    "template_placeholders": lambda w: [w.slug, w.template.pk],
    "pdf_export_status": lambda w: [w.slug, w.plan.pk, w.pdf_export.pk],
    "pdf_export_file": lambda w: [w.slug, w.plan.pk, w.pdf_export.pk],
    "versions": lambda w: [w.slug, w.plan.pk],
    "version_compare": lambda w: [w.slug, w.plan.pk],
    "version_detail": lambda w: [w.slug, w.plan.pk, a_version(w, w.plan).pk],
    "version_export_md": lambda w: [w.slug, w.plan.pk, a_version(w, w.plan).pk],
    "version_export_pdf": lambda w: [w.slug, w.plan.pk, a_version(w, w.plan).pk],
    "invitations": lambda w: [w.slug],
    "invitation_resend": lambda w: [w.slug, an_invitation(w)[0].pk],
    "invitation_revoke": lambda w: [w.slug, an_invitation(w)[0].pk],
    "invitation": lambda w: [an_invitation(w)[1]],
    "invitation_signup": lambda w: [an_invitation(w)[1]],
    "notifications": lambda w: [],
    "notification_open": lambda w: [owner_notification(w).pk],
    "notification_read": lambda w: [owner_notification(w).pk],
    "notifications_read_all": lambda w: [],
    "notifications_unread": lambda w: [],
    "notification_preferences": lambda w: [],
    "notification_unsubscribe": lambda w: [make_token(w.users["owner"].pk, ["mention"])],
    "webhooks": lambda w: [w.slug],
    "webhook_new": lambda w: [w.slug],
    "webhook_edit": lambda w: [w.slug, w.webhook.pk],
    "webhook_delete": lambda w: [w.slug, w.webhook.pk],
    "webhook_deliveries": lambda w: [w.slug, w.webhook.pk],
    "webhook_redeliver": lambda w: [w.slug, w.webhook.pk, w.delivery.pk],
    "review_requests": lambda w: [w.slug, w.plan.pk],
    "review_request_cancel": lambda w: [w.slug, w.plan.pk, a_review_request(w).pk],
}


def a_version(w: World, plan: Plan) -> PlanVersion:
    """A frozen version of `plan` (made in each role's savepoint, as freezing would)."""
    version = PlanVersion.objects.filter(plan=plan, name="matrix").first()
    if version is None:
        version = PlanVersion.objects.create(
            plan=plan, name="matrix", title=plan.title, frozen_by_name="olivia", content_hash="0"
        )
        for section in plan.sections.all():
            FrozenSection.objects.create(
                version=version,
                section_id=section.pk,
                position=section.position,
                level=section.level,
                heading=section.heading,
                heading_source=section.heading_source,
                body=section.body,
                body_html=section.body_html,
                section_version=section.version,
                status="approved",
            )
    return version


def foreign_version(w: World) -> list:
    """Another project's version, addressed through this project's plan."""
    return [w.slug, w.plan.pk, a_version(w, w.foreign_plan).pk]


def version_frozen(w: World) -> bool:
    return PlanVersion.objects.filter(plan=w.plan, name="matrix-freeze").exists()


def a_review_request(w: World) -> ReviewRequest:
    """The editor's open request to the reviewer (made inside the row's savepoint)."""
    return ReviewRequest.objects.get_or_create(
        plan=w.plan,
        reviewer=w.users["reviewer"],
        defaults={"requested_by": w.users["editor"], "asked": {str(w.section.pk): 2}},
    )[0]


def review_requested_of_reviewer(w: World) -> bool:
    return ReviewRequest.objects.filter(plan=w.plan, reviewer=w.users["reviewer"]).exists()


def review_request_cancelled(w: World) -> bool:
    return ReviewRequest.objects.filter(plan=w.plan, cancelled_at__isnull=False).exists()


def owner_notification(w: World) -> Notification:
    """The owner's notification (made in each role's savepoint): only the owner may touch it."""
    return Notification.objects.get_or_create(
        recipient=w.users["owner"],
        title="Matrix notification",
        defaults={"event": "mention", "url": w.plan.get_absolute_url(), "plan": w.plan},
    )[0]


def owner_notification_read(w: World) -> bool:
    return Notification.objects.filter(
        recipient=w.users["owner"], title="Matrix notification", read_at__isnull=False
    ).exists()


def owner_unsubscribed(w: World) -> bool:
    return Preference.objects.filter(
        user=w.users["owner"], event="mention", delivery="never"
    ).exists()


NOTIFICATION_EVENTS = [value for value, _ in Notification._meta.get_field("event").choices]
PLAN_ROUTES = [
    "plan_detail",
    "plan_outline",
    "export_md",
    "export_pdf",
    "plan_print",
    "audit_csv",
    "audit_json",
    "signoffs",
    "plan_activity",
    "live_poll",
    "plan_archive",
    "plan_save_as_template",
]
SECTION_ROUTES = [
    "section_detail",
    "section_edit",
    "section_preview",
    "draft_discard",
    "section_structure",
    "section_history",
    "section_restore_version",
    "section_task",
    "section_decide",
    "section_changes",
    "comments",
]
for _name in PLAN_ROUTES:
    ARGS[_name] = lambda w: [w.slug, w.plan.pk]
for _name in SECTION_ROUTES:
    ARGS[_name] = lambda w: [w.slug, w.plan.pk, w.section.pk]
# Review mode.
ARGS["plan_review"] = ARGS["review_approve_read"] = lambda w: [w.slug, w.plan.pk]
ARGS["review_decide"] = lambda w: [w.slug, w.plan.pk, w.section.pk]


def an_invitation(w: World) -> tuple[Invitation, str]:
    """A pending invitation of the project (made inside the row's savepoint) and its token;
    none of the roles has its address."""
    token, token_hash = new_token()
    invitation = Invitation.objects.create(
        project=w.project,
        email="invitee@example.com",
        role="editor",
        invited_by=w.users["owner"],
        token_hash=token_hash,
        expires_at=timezone.now() + timedelta(days=1),
    )
    return invitation, token


def markdown_upload(text: str = "# Imported\n\n## One\n\ntext\n", name: str = "plan.md"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/markdown")


def section_save(w: World) -> dict:
    return {"heading": "Alpha", "body": "saved by the matrix", "version": w.section.version}


def restore_with_text(w: World) -> dict:
    return {"heading": "Gamma", "body": "back, with my text", "version": w.deleted.version}


def review(w: World) -> dict:
    return {"decision": "approved", "version": w.section.version, "comment": "ok"}


def sign(w: World) -> dict:
    return {
        "decision": "signed",
        "content_hash": review_plan(w.plan).content_hash,
        "password": PASSWORD,  # re-authentication to sign
    }


def assign(w: World) -> dict:
    return {"assignee": w.project.memberships.get(user=w.users["owner"]).pk}


def foreign_plan(w: World) -> list:
    """Another project's plan (its owner is this project's owner) through this project."""
    return [w.slug, w.foreign_plan.pk]


def plan_elsewhere(w: World) -> list:
    """This project's plan through another project of its owner."""
    return [w.elsewhere.slug, w.plan.pk]


def foreign_export(w: World) -> list:
    """Another project's PDF through this project's plan."""
    return [w.slug, w.plan.pk, w.foreign_export.pk]


def export_elsewhere(w: World) -> list:
    """This plan's PDF through another plan (of another project of its owner)."""
    return [w.elsewhere.slug, w.foreign_plan.pk, w.pdf_export.pk]


def foreign_template(w: World) -> list:
    return [w.slug, w.foreign_template.pk]


# What each write changes, looked up afresh inside the row's savepoint.
def section_saved(w: World) -> bool:
    return Section.objects.get(pk=w.section.pk).version != w.section.version


def approval_recorded(w: World) -> bool:
    return SectionDecision.objects.filter(section=w.section).exists()


def comment_written(w: World) -> bool:
    return Comment.objects.filter(body__startswith="matrix").exists()


def thread_edited(w: World) -> bool:
    return Comment.objects.filter(pk=w.thread.pk, body="matrix edit").exists()


def thread_deleted(w: World) -> bool:
    return not Comment.objects.filter(pk=w.thread.pk).exists()


def slot_assigned_to_owner(w: World) -> bool:
    return SignOffSlot.objects.get(pk=w.slot.pk).assignee == w.users["owner"]


def signed(w: World) -> bool:
    return SignOff.objects.filter(slot=w.slot).exists()


def elsewhere_left(w: World) -> bool:
    return not Membership.objects.filter(project=w.elsewhere).exists()


def presence_recorded(w: World) -> bool:
    return Presence.objects.exists()


def token_made(w: World) -> bool:
    return ApiToken.objects.filter(name="matrix token").exists()


def owner_token_revoked(w: World) -> bool:
    return not ApiToken.objects.filter(pk=w.tokens["owner"][0].pk).exists()


def plan_made(w: World) -> bool:
    return Plan.objects.filter(title__contains="Matrix").exists()


def plan_imported(w: World) -> bool:
    return Plan.objects.filter(title="Imported").exists()


def template_imported(w: World) -> bool:
    return PlanTemplate.objects.filter(project=w.project, name="T").exists()


def template_saved(w: World) -> bool:
    return PlanTemplate.objects.filter(name="Matrix template").exists()


def template_archived(w: World) -> bool:
    return PlanTemplate.objects.get(pk=w.template.pk).archived_at is not None


def foreign_template_archived(w: World) -> bool:
    return PlanTemplate.objects.get(pk=w.foreign_template.pk).archived_at is not None


def syntaxes_changed(w: World) -> bool:
    return PlanTemplate.objects.get(pk=w.template.pk).placeholder_syntaxes == ["curly"]


def foreign_syntaxes_changed(w: World) -> bool:
    return PlanTemplate.objects.get(pk=w.foreign_template.pk).placeholder_syntaxes == ["curly"]


def builtin_syntaxes(w: World) -> list:
    return [w.slug, builtin_template().pk]


def deleted_section_written(w: World) -> bool:
    return Section.all_objects.get(pk=w.deleted.pk).version != w.deleted.version


def invitation_sent(w: World) -> bool:
    return OutgoingMail.objects.filter(kind="invitation").exists()


def invitation_revoked(w: World) -> bool:
    return Invitation.objects.filter(revoked_at__isnull=False).exists()


def invitation_accepted(w: World) -> bool:
    return Invitation.objects.filter(accepted_at__isnull=False).exists()


def deleted_section_back(w: World) -> bool:
    return Section.all_objects.get(pk=w.deleted.pk).deleted_at is None


def webhook_form(w: World) -> dict:
    return {
        "url": "https://hooks.example.com/matrix",
        "secret": "matrix-secret-0123456789",
        "events": ["plan.approved"],
        "format": "planhub",
        "active": "on",
    }


def webhook_added(w: World) -> bool:
    return Webhook.objects.filter(url="https://hooks.example.com/matrix").exists()


def foreign_webhook(w: World) -> list:
    """Another project's webhook (its owner is this one's) through this project."""
    return [w.slug, w.foreign_webhook.pk]


def foreign_webhook_changed(w: World) -> bool:
    return not Webhook.objects.filter(pk=w.foreign_webhook.pk, url__endswith="/b").exists()


def redelivered(w: World) -> bool:
    return Delivery.objects.filter(redelivery_of__isnull=False).exists()


# fmt: off
TABLE: list[Row] = [
    # Outside any project.
    Row("dashboard", "get", everyone(200)),
    Row("dashboard", "post", NOT_ALLOWED),
    Row("project_new", "get", everyone(200)),
    Row("project_new", "post", everyone(302),
        lambda w: {"name": "Matrix project", "slug": "matrix-project", "description": "d"}),
    Row("api_tokens", "get", everyone(200)),
    Row("api_tokens", "post", everyone(201), lambda w: {"name": "matrix token"},
        effect=token_made),
    # The owner's token: only its user can revoke it; for anybody else it does not exist.
    Row("api_token_revoke", "get", NOT_ALLOWED, effect=owner_token_revoked),
    Row("api_token_revoke", "post", {**everyone(404), "owner": 302}, effect=owner_token_revoked),
    # The API, by session or by each role's own token: members read the plan, anybody else
    # (and a plan of a project the member is not in: the owner is in `elsewhere`) is told the
    # same 404, all in JSON.
    Row("api_plan_status", "get", project_rule(200, anonymous=401), says=API_SAYS, carries=JSON),
    Row("api_plan_status", "get", project_rule(200, anonymous=401), variant="token",
        auth="token", says=API_SAYS, carries=JSON),
    Row("api_plan_status", "get", {**everyone(404, anonymous=401), "owner": 200},
        variant="foreign-plan", args=lambda w: [w.foreign_plan.pk], says=API_FOREIGN_SAYS,
        carries=JSON),
    Row("api_plan_status", "get", {**everyone(404, anonymous=401), "owner": 200},
        variant="foreign-plan-token", auth="token", args=lambda w: [w.foreign_plan.pk],
        says=API_FOREIGN_SAYS, carries=JSON),
    Row("api_plan_status", "get", everyone(401, anonymous=401), variant="bad-token",
        auth="bad-token", carries=JSON),
    Row("api_plan_status", "post", NOT_ALLOWED_ANYONE, says=USE_GET, carries=API_405),
    Row("api_plan_status", "put", NOT_ALLOWED_ANYONE, says=USE_GET, carries=API_405),
    Row("api_plan_status", "patch", NOT_ALLOWED_ANYONE, says=USE_GET, carries=API_405),
    Row("api_plan_status", "delete", NOT_ALLOWED_ANYONE, says=USE_GET, carries=API_405),
    # Accounts: the same for every role (none is inside a project). Pages for a logged-in
    # person send the anonymous one to log in; log-in and sign-up pages send a logged-in one on.
    Row("profile", "get", everyone(200)),
    Row("profile", "post", everyone(302), lambda w: {"display_name": "M", "time_zone": "UTC"}),
    # A WebAuthn challenge for signing with a security key (for anyone logged in: their keys).
    Row("signing_key_options", "get", NOT_ALLOWED),
    Row("signing_key_options", "post", everyone(200)),
    Row("old_password_page", "get", everyone(302, anonymous=302)),
    Row("old_password_page", "post", everyone(302, anonymous=302)),
    *[
        Row(name, method, expected)
        for name, get, post in [
            ("account_login", everyone(302, anonymous=200), everyone(302, anonymous=200)),
            ("account_inactive", everyone(200, anonymous=200), everyone(405, anonymous=405)),
            # Sign-up is by invitation by default: the "by invitation only" page.
            ("account_signup", everyone(302, anonymous=200), everyone(302, anonymous=200)),
            ("account_reauthenticate", everyone(200), everyone(200)),
            ("account_request_reauthentication_code", everyone(302), everyone(302)),
            ("account_confirm_reauthentication_code", everyone(302), everyone(302)),
            ("account_email", everyone(200), everyone(302)),
            ("account_email_verification_sent", everyone(200, anonymous=200),
             everyone(405, anonymous=405)),
            ("account_confirm_email", everyone(200, anonymous=200),
             everyone(404, anonymous=404)),  # no such key
            ("account_change_password", everyone(200), everyone(200)),
            ("account_set_password", everyone(302), everyone(302)),
            # Without mail (the tests' default) the reset pages say whom to ask instead.
            ("account_reset_password", everyone(200, anonymous=200), everyone(200, anonymous=200)),
            ("account_reset_password_done", everyone(200, anonymous=200),
             everyone(200, anonymous=200)),
            ("account_reset_password_from_key", everyone(200, anonymous=200),
             everyone(200, anonymous=200)),
            ("account_reset_password_from_key_done", everyone(200, anonymous=200),
             everyone(200, anonymous=200)),
            ("account_confirm_login_code", everyone(302, anonymous=302),
             everyone(302, anonymous=302)),
            ("mfa_index", everyone(200), everyone(405)),
            ("mfa_activate_totp", REAUTH, REAUTH),
            ("mfa_deactivate_totp", everyone(404), everyone(404)),
            ("mfa_authenticate", everyone(302, anonymous=302), everyone(302, anonymous=302)),
            ("mfa_reauthenticate", everyone(302), everyone(302)),
            ("mfa_view_recovery_codes", everyone(404), everyone(405)),  # none made yet
            ("mfa_generate_recovery_codes", REAUTH, REAUTH),
            ("mfa_download_recovery_codes", everyone(404), everyone(404)),
            ("mfa_add_webauthn", REAUTH, REAUTH),
            ("mfa_list_webauthn", everyone(200), everyone(405)),
            ("mfa_reauthenticate_webauthn", everyone(302), everyone(302)),
            ("mfa_edit_webauthn", REAUTH, REAUTH),
            ("mfa_remove_webauthn", REAUTH, REAUTH),
            ("usersessions_list", everyone(200), everyone(302)),
        ]
        for method, expected in (("get", get), ("post", post))
    ],
    Row("healthz", "get", everyone(200, anonymous=200)),
    Row("healthz", "post", NOT_ALLOWED_ANYONE),
    # The load benchmark's baseline: public, constant, no database.
    Row("bench_bare", "get", everyone(200, anonymous=200)),
    Row("bench_bare", "post", NOT_ALLOWED_ANYONE),
    # Single sign-on (tests/accounts/test_sso.py runs the flows against real providers): a
    # provider id that is not configured is 404 for everybody; the pages around a log-in are
    # public; the connections page is the user's own.
    Row("openid_connect_login", "get", everyone(404, anonymous=404)),
    Row("openid_connect_login", "post", everyone(404, anonymous=404)),
    Row("openid_connect_callback", "get", everyone(404, anonymous=404)),
    Row("openid_connect_callback", "post", everyone(404, anonymous=404)),
    Row("socialaccount_connections", "get", everyone(200),
        says={role: "No single sign-on account is connected" for role in ROLES[1:]}),
    Row("socialaccount_connections", "post", everyone(200)),
    Row("socialaccount_login_cancelled", "get", everyone(200, anonymous=200),
        says=dict.fromkeys(ROLES, "Log-in cancelled")),
    Row("socialaccount_login_cancelled", "post", NOT_ALLOWED_ANYONE),
    Row("socialaccount_login_error", "get", everyone(401, anonymous=401),
        says=dict.fromkeys(ROLES, "Single sign-on failed")),
    Row("socialaccount_login_error", "post", NOT_ALLOWED_ANYONE),
    # Without a pending SSO sign-up there is nothing to finish: back to the log-in page.
    Row("socialaccount_signup", "get", everyone(302, anonymous=302)),
    Row("socialaccount_signup", "post", everyone(302, anonymous=302)),
    # Site-wide search: any logged-in user, in their own projects only (none for the outsider).
    Row("search", "get", everyone(200)),
    Row("search", "get", everyone(200), variant="query", headers={"QUERY_STRING": "q=alpha"},
        says={**dict.fromkeys(MEMBERS, "<mark>Alpha</mark>"),
              "outsider": "Nothing matches “alpha” in your projects."}),
    Row("search", "post", NOT_ALLOWED),
    # Notifications: each person their own; an unsubscribe link works without logging in.
    Row("notifications", "get", everyone(200)),
    Row("notifications", "post", NOT_ALLOWED),
    Row("notification_open", "get", {**everyone(404), "owner": 302},
        effect=owner_notification_read),
    Row("notification_open", "post", NOT_ALLOWED),
    Row("notification_read", "get", NOT_ALLOWED),
    Row("notification_read", "post", {**everyone(404), "owner": 302},
        effect=owner_notification_read),
    Row("notification_read", "post", {**everyone(404), "owner": 200}, variant="htmx",
        headers=HX, effect=owner_notification_read),
    Row("notifications_read_all", "get", NOT_ALLOWED),
    Row("notifications_read_all", "post", everyone(302)),
    Row("notifications_unread", "get", everyone(200)),
    Row("notifications_unread", "post", NOT_ALLOWED),
    Row("notification_preferences", "get", everyone(200)),
    Row("notification_preferences", "post", everyone(302),
        lambda w: {"mention": "never", "frequency": "daily", "hour": "7",
                   **{e: "digest" for e in NOTIFICATION_EVENTS if e != "mention"}}),
    Row("notification_unsubscribe", "get", everyone(200, anonymous=200)),
    Row("notification_unsubscribe", "post", everyone(200, anonymous=200),
        effect=owner_unsubscribed),
    # Project pages.
    Row("project_detail", "get", project_rule(200)),
    Row("project_detail", "post", NOT_ALLOWED),
    Row("project_settings", "get", project_rule(200, OWNERS)),
    Row("project_settings", "post", project_rule(302, OWNERS),
        lambda w: {"name": "Apollo", "description": "", "required_approvals": 1}),
    Row("members", "get", project_rule(200)),
    Row("members", "post", project_rule(302, OWNERS),
        lambda w: {"username": "newbie", "role": "viewer"}),
    Row("member_role", "get", NOT_ALLOWED),
    Row("member_role", "post", project_rule(302, OWNERS), lambda w: {"role": "editor"}),
    Row("member_remove", "get", NOT_ALLOWED),
    Row("member_remove", "post", project_rule(302, OWNERS)),
    # Another project's membership (its owner is this one's): refused to non-owners first.
    Row("member_remove", "post", project_rule(404, OWNERS), variant="foreign-membership",
        args=lambda w: [w.slug, w.elsewhere.memberships.get().pk], effect=elsewhere_left),
    # Invitations by e-mail: owners invite, resend and revoke; the link's page is for anybody
    # holding it (the matrix's users do not have its address: they are told, and cannot join).
    Row("invitations", "get", project_rule(200, OWNERS)),
    Row("invitations", "get", project_rule(200, OWNERS), variant="htmx", headers=HX),
    Row("invitations", "post", project_rule(302, OWNERS),
        lambda w: {"email": "matrix@example.com", "role": "viewer"}, effect=invitation_sent),
    Row("invitation_resend", "get", NOT_ALLOWED, effect=invitation_sent),
    Row("invitation_resend", "post", project_rule(302, OWNERS), effect=invitation_sent),
    Row("invitation_revoke", "get", NOT_ALLOWED, effect=invitation_revoked),
    Row("invitation_revoke", "post", project_rule(302, OWNERS), effect=invitation_revoked),
    Row("invitation", "get", everyone(200, anonymous=200),
        says={**dict.fromkeys(ROLES[1:], "This invitation is for <strong>invitee@example.com"),
              "anonymous": "Create an account and join"}),
    Row("invitation", "post", everyone(403), effect=invitation_accepted),
    Row("invitation_signup", "get", NOT_ALLOWED_ANYONE),
    Row("invitation_signup", "post", everyone(302, anonymous=302)),
    # The chooser offers this project's templates only (and the built-in ones).
    Row("plan_new", "get", project_rule(200, WRITERS), hides=(FOREIGN_TEMPLATE,)),
    Row("plan_new", "get", project_rule(200, WRITERS), variant="template",
        headers={"QUERY_STRING": "template=TEMPLATE"}),
    Row("plan_new", "post", project_rule(302, WRITERS),
        lambda w: {"template": w.template.pk, "title": "Matrix plan"}, effect=plan_made),
    Row("plan_new", "post", project_rule(404, WRITERS),
        lambda w: {"template": w.foreign_template.pk, "title": "Matrix foreign plan"},
        variant="foreign-template", effect=plan_made),
    Row("plan_import", "get", project_rule(200, WRITERS)),
    Row("plan_import", "post", project_rule(302, WRITERS),
        lambda w: {"file": markdown_upload(), "kind": "plan", "name": ""}, effect=plan_imported),
    Row("plan_import", "post", project_rule(302, WRITERS),
        lambda w: {"file": markdown_upload(), "kind": "template", "name": "T"},
        variant="template", effect=template_imported),
    Row("plan_new", "get", project_rule(200, WRITERS), variant="blank",
        headers={"QUERY_STRING": "template=blank"}),
    Row("plan_new", "post", project_rule(302, WRITERS),
        lambda w: {"template": "blank", "title": "Matrix blank plan"}, variant="blank",
        effect=plan_made),
    Row("plan_new", "post", project_rule(302, WRITERS),
        lambda w: {"template": builtin_template().pk, "placeholder_0": "Matrix"},
        variant="builtin", effect=plan_made),
    # The templates library: every member browses; editors and owners archive and restore.
    # Another project's template (its owner is this one's) is neither listed nor found.
    Row("template_library", "get", project_rule(200), hides=(FOREIGN_TEMPLATE,)),
    Row("template_library", "post", NOT_ALLOWED),
    Row("template_detail", "get", project_rule(200)),
    Row("template_detail", "get", GONE, variant="foreign-template", args=foreign_template),
    Row("template_detail", "post", NOT_ALLOWED),
    Row("template_archive", "get", NOT_ALLOWED, effect=template_archived),
    Row("template_archive", "post", project_rule(302, WRITERS), lambda w: {"action": "archive"},
        effect=template_archived),
    Row("template_archive", "post", project_rule(404, WRITERS), lambda w: {"action": "archive"},
        variant="foreign-template", args=foreign_template, effect=foreign_template_archived),
    Row("template_archive", "post", project_rule(302, WRITERS), lambda w: {"action": "restore"},
        variant="restore"),
    Row("template_placeholders", "get", NOT_ALLOWED, effect=syntaxes_changed),
    Row("template_placeholders", "post", project_rule(302, WRITERS),
        lambda w: {"syntaxes": ["curly"]}, effect=syntaxes_changed),
    Row("template_placeholders", "post", project_rule(404, WRITERS),
        lambda w: {"syntaxes": ["curly"]}, variant="foreign-template", args=foreign_template,
        effect=foreign_syntaxes_changed),
    Row("template_placeholders", "post", project_rule(404, WRITERS),
        lambda w: {"syntaxes": ["curly"]}, variant="builtin", args=builtin_syntaxes),
    # Plan pages.
    Row("plan_detail", "get", project_rule(200)),
    Row("plan_detail", "get", GONE, variant="foreign-plan", args=foreign_plan),
    Row("plan_detail", "get", GONE, variant="elsewhere", args=plan_elsewhere),
    Row("plan_detail", "post", NOT_ALLOWED),
    Row("plan_outline", "get", project_rule(200)),
    Row("plan_outline", "get", project_rule(200), variant="htmx", headers=HX),
    Row("plan_outline", "post", NOT_ALLOWED),
    Row("export_md", "get", project_rule(200)),
    Row("export_md", "post", NOT_ALLOWED),
    Row("export_pdf", "get", project_rule(202)),  # the worker renders it
    Row("export_pdf", "get", GONE, variant="foreign-plan", args=foreign_plan),
    Row("export_pdf", "post", NOT_ALLOWED),
    Row("export_pdf", "post", everyone(frozenset({404, 405})), variant="foreign-plan",
        args=foreign_plan),
    # A PDF is found through its own plan only.
    Row("pdf_export_status", "get", project_rule(200)),
    Row("pdf_export_status", "get", GONE, variant="foreign-export", args=foreign_export),
    Row("pdf_export_status", "get", GONE, variant="elsewhere", args=export_elsewhere),
    Row("pdf_export_status", "post", project_rule(302)),
    Row("pdf_export_file", "get", project_rule(200)),
    Row("pdf_export_file", "get", GONE, variant="foreign-export", args=foreign_export),
    Row("pdf_export_file", "get", GONE, variant="elsewhere", args=export_elsewhere),
    Row("pdf_export_file", "post", NOT_ALLOWED),
    Row("plan_print", "get", project_rule(200)),
    Row("plan_print", "post", NOT_ALLOWED),
    # Versions: every member reads them; owners freeze (the shared plan is not approved: 409).
    Row("versions", "get", project_rule(200)),
    Row("versions", "post", project_rule(409, OWNERS),
        lambda w: {"name": "matrix-freeze", "content_hash": "0" * 64}, effect=version_frozen),
    Row("version_detail", "get", project_rule(200)),
    Row("version_detail", "get", GONE, variant="foreign-version", args=foreign_version),
    Row("version_detail", "post", NOT_ALLOWED),
    Row("version_compare", "get", project_rule(200)),
    Row("version_compare", "get", project_rule(400), variant="bad-side",
        headers={"QUERY_STRING": "from=nope&to=working"}),
    Row("version_compare", "post", NOT_ALLOWED),
    Row("version_export_md", "get", project_rule(200)),
    Row("version_export_md", "get", GONE, variant="foreign-version", args=foreign_version),
    Row("version_export_md", "post", NOT_ALLOWED),
    Row("version_export_pdf", "get", project_rule(202)),  # the worker renders it
    Row("version_export_pdf", "get", GONE, variant="foreign-version", args=foreign_version),
    Row("version_export_pdf", "post", NOT_ALLOWED),
    # A plan's audit trail: owners only (403 for other members, 404 for outsiders).
    Row("audit_csv", "get", project_rule(200, OWNERS), says={"owner": "seq,time,who,action"}),
    Row("audit_csv", "get", project_rule(404, OWNERS), variant="foreign-plan", args=foreign_plan),
    Row("audit_csv", "post", NOT_ALLOWED),
    Row("audit_json", "get", project_rule(200, OWNERS), says={"owner": '"entries": ['}),
    Row("audit_json", "post", NOT_ALLOWED),
    Row("signoffs", "get", project_rule(200)),
    Row("signoffs", "get", project_rule(200), variant="htmx", headers=HX),
    Row("signoffs", "post", NOT_ALLOWED),
    Row("signoff_assign", "get", NOT_ALLOWED),
    Row("signoff_assign", "post", project_rule(302, OWNERS), assign,
        effect=slot_assigned_to_owner),
    Row("signoff_assign", "post", project_rule(200, OWNERS), assign, variant="htmx", headers=HX,
        effect=slot_assigned_to_owner),
    # The slot is assigned to the reviewer: an owner may review, but this one is not theirs.
    Row("signoff_decide", "get", NOT_ALLOWED),
    Row("signoff_decide", "post", project_rule(302, ("reviewer",)), sign, effect=signed),
    Row("signoff_decide", "post", project_rule(200, ("reviewer",)), sign, variant="htmx",
        headers=HX, effect=signed),
    Row("review_requests", "get", project_rule(200)),
    Row("review_requests", "get", project_rule(200), variant="htmx", headers=HX),
    Row("review_requests", "get", GONE, variant="foreign-plan", args=foreign_plan),
    Row("review_requests", "post", project_rule(302, WRITERS),
        lambda w: {"reviewers": [w.users["reviewer"].pk], "message": "Please"},
        effect=review_requested_of_reviewer),
    Row("review_requests", "post", project_rule(200, WRITERS),
        lambda w: {"reviewers": [w.users["reviewer"].pk]}, variant="htmx", headers=HX,
        effect=review_requested_of_reviewer),
    Row("review_request_cancel", "get", NOT_ALLOWED),
    Row("review_request_cancel", "post", project_rule(302, WRITERS),
        effect=review_request_cancelled),
    Row("review_request_cancel", "post", project_rule(200, WRITERS), variant="htmx",
        headers=HX, effect=review_request_cancelled),
    # Signing by SSO: nothing pending for these password accounts, so back to the plan.
    Row("signoff_sso", "get", project_rule(302, REVIEWERS)),
    Row("signoff_sso", "post", NOT_ALLOWED),
    Row("plan_activity", "get", project_rule(200)),
    Row("plan_activity", "post", NOT_ALLOWED),
    Row("plan_archive", "get", NOT_ALLOWED),
    Row("plan_archive", "post", project_rule(302, WRITERS), lambda w: {"action": "archive"},
        effect=lambda w: Plan.objects.get(pk=w.plan.pk).archived_at is not None),
    Row("plan_archive", "post", project_rule(404, WRITERS), lambda w: {"action": "archive"},
        variant="foreign-plan",
        args=foreign_plan,
        effect=lambda w: Plan.objects.get(pk=w.foreign_plan.pk).archived_at is not None),
    Row("plan_archive", "post", project_rule(302, WRITERS), lambda w: {"action": "unarchive"},
        variant="unarchive"),
    Row("plan_save_as_template", "get", project_rule(200, WRITERS)),
    Row("plan_save_as_template", "get", project_rule(404, WRITERS), variant="foreign-plan",
        args=foreign_plan),
    Row("plan_save_as_template", "post", project_rule(302, WRITERS),
        lambda w: {"name": "Matrix template", "description": "from the matrix"},
        effect=template_saved),
    Row("plan_save_as_template", "post", project_rule(404, WRITERS),
        lambda w: {"name": "Matrix template"}, variant="foreign-plan", args=foreign_plan,
        effect=template_saved),
    # The live channel answers scripts: 401 JSON rather than the login page.
    Row("live_poll", "get", project_rule(200, anonymous=401), lambda w: {"since": w.an_hour_ago},
        says={"anonymous": "log in"}, effect=presence_recorded),
    Row("live_poll", "get", GONE | {"anonymous": 401}, lambda w: {"since": w.an_hour_ago},
        variant="foreign-plan", args=foreign_plan, effect=presence_recorded),
    Row("live_poll", "post", NOT_ALLOWED_ANYONE),
    # Section pages.
    Row("section_detail", "get", project_rule(200)),
    Row("section_detail", "get", project_rule(200), variant="htmx", headers=HX),
    Row("section_detail", "get", GONE, variant="foreign-plan",
        args=lambda w: [w.slug, w.foreign_plan.pk, w.section.pk]),
    Row("section_detail", "post", project_rule(302, WRITERS), section_save, effect=section_saved),
    Row("section_detail", "post", project_rule(200, WRITERS), section_save, variant="htmx",
        headers=HX, effect=section_saved),
    # A save into a section deleted meanwhile: 409 with the text, for those who may write.
    Row("section_detail", "post", project_rule(409, WRITERS), restore_with_text,
        variant="deleted", headers=HX, args=lambda w: [w.slug, w.plan.pk, w.deleted.pk],
        effect=deleted_section_written),
    Row("section_edit", "get", project_rule(200, WRITERS)),
    Row("section_edit", "get", project_rule(200, WRITERS), variant="htmx", headers=HX),
    Row("section_edit", "post", NOT_ALLOWED),
    Row("draft_discard", "get", NOT_ALLOWED),
    # No draft is open: writers are told so on the plan page (a redirect), nothing changes.
    Row("draft_discard", "post", project_rule(302, WRITERS)),
    Row("section_preview", "get", NOT_ALLOWED),
    Row("section_preview", "post", project_rule(200, WRITERS), lambda w: {"body": "*hi*"}),
    Row("section_structure", "get", NOT_ALLOWED),
    Row("section_structure", "post", project_rule(302, WRITERS), lambda w: {"action": "move_down"}),
    Row("section_structure", "post", project_rule(200, WRITERS), lambda w: {"action": "add_after"},
        variant="htmx", headers=HX),
    Row("section_restore", "get", NOT_ALLOWED),
    Row("section_restore", "post", project_rule(302, WRITERS)),
    # A save into a section deleted meanwhile offers this: restored with the editor's text.
    Row("section_restore_with_text", "get", NOT_ALLOWED),
    Row("section_restore_with_text", "post", project_rule(302, WRITERS), restore_with_text,
        effect=deleted_section_back),
    Row("section_restore_with_text", "post", project_rule(200, WRITERS), restore_with_text,
        variant="htmx", headers=HX, effect=deleted_section_back),
    Row("section_history", "get", project_rule(200)),
    Row("section_history", "post", NOT_ALLOWED),
    Row("section_restore_version", "get", NOT_ALLOWED),
    Row("section_restore_version", "post", project_rule(302, WRITERS),
        lambda w: {"version": 1, "base_version": w.section.version}),
    Row("section_restore_version", "post", project_rule(302, WRITERS), lambda w: {"version": 1},
        variant="no-base"),
    Row("section_task", "get", NOT_ALLOWED),
    Row("section_task", "post", project_rule(200, WRITERS),
        lambda w: {"index": 0, "done": "1", "version": w.section.version}),
    Row("section_task", "post", project_rule(200, WRITERS),
        lambda w: {"index": 0, "done": "1", "version": w.section.version}, variant="htmx",
        headers=HX),
    Row("section_decide", "get", NOT_ALLOWED),
    Row("section_decide", "post", project_rule(302, REVIEWERS), review, effect=approval_recorded),
    Row("section_decide", "post", project_rule(200, REVIEWERS), review, variant="htmx",
        headers=HX, effect=approval_recorded),
    Row("section_changes", "get", project_rule(200)),
    Row("section_changes", "get", project_rule(200), variant="htmx", headers=HX),
    Row("section_changes", "post", NOT_ALLOWED),
    # Review mode: every member reads it (the controls only for reviewers and owners).
    Row("plan_review", "get", project_rule(200)),
    Row("plan_review", "get", GONE, variant="foreign-plan", args=foreign_plan),
    Row("plan_review", "post", NOT_ALLOWED),
    Row("review_decide", "get", NOT_ALLOWED),
    Row("review_decide", "post", project_rule(302, REVIEWERS), review, effect=approval_recorded),
    Row("review_decide", "post", project_rule(200, REVIEWERS), review, variant="htmx",
        headers=HX, effect=approval_recorded),
    Row("review_approve_read", "get", NOT_ALLOWED),
    Row("review_approve_read", "post", project_rule(200, REVIEWERS),
        lambda w: {"section": f"{w.section.pk}:{w.section.version}"}, variant="confirmation"),
    Row("review_approve_read", "post", project_rule(302, REVIEWERS),
        lambda w: {"section": f"{w.section.pk}:{w.section.version}", "confirm": "1"},
        effect=approval_recorded),
    Row("comments", "get", project_rule(200)),
    Row("comments", "get", project_rule(200), variant="htmx", headers=HX),
    Row("comments", "post", project_rule(302, COMMENTERS), lambda w: {"body": "matrix comment"},
        effect=comment_written),
    Row("comments", "post", project_rule(200, COMMENTERS),
        lambda w: {"body": "matrix reply", "parent": w.thread.pk}, variant="reply-htmx",
        headers=HX, effect=comment_written),
    Row("comment_resolve", "get", NOT_ALLOWED),
    Row("comment_resolve", "post", project_rule(302, COMMENTERS), lambda w: {"resolved": "1"}),
    # Webhooks: owners only. Another project's webhook (its owner is this one's) is not found
    # through this project, nor one webhook's delivery through another.
    Row("webhooks", "get", project_rule(200, OWNERS)),
    Row("webhooks", "post", NOT_ALLOWED),
    Row("webhook_new", "get", project_rule(200, OWNERS)),
    Row("webhook_new", "post", project_rule(302, OWNERS), webhook_form, effect=webhook_added),
    Row("webhook_edit", "get", project_rule(200, OWNERS)),
    Row("webhook_edit", "get", project_rule(404, OWNERS), variant="foreign-webhook",
        args=foreign_webhook),
    Row("webhook_edit", "post", project_rule(302, OWNERS), webhook_form, effect=webhook_added),
    Row("webhook_edit", "post", project_rule(404, OWNERS), webhook_form,
        variant="foreign-webhook", args=foreign_webhook, effect=foreign_webhook_changed),
    Row("webhook_delete", "get", NOT_ALLOWED),
    Row("webhook_delete", "post", project_rule(302, OWNERS),
        effect=lambda w: not Webhook.objects.filter(pk=w.webhook.pk).exists()),
    Row("webhook_delete", "post", project_rule(404, OWNERS), variant="foreign-webhook",
        args=foreign_webhook, effect=foreign_webhook_changed),
    Row("webhook_deliveries", "get", project_rule(200, OWNERS)),
    Row("webhook_deliveries", "get", project_rule(200, OWNERS), variant="htmx", headers=HX),
    Row("webhook_deliveries", "get", project_rule(404, OWNERS), variant="foreign-webhook",
        args=foreign_webhook),
    Row("webhook_deliveries", "post", NOT_ALLOWED),
    Row("webhook_redeliver", "get", NOT_ALLOWED, effect=redelivered),
    Row("webhook_redeliver", "post", project_rule(302, OWNERS), effect=redelivered),
    Row("webhook_redeliver", "post", project_rule(200, OWNERS), variant="htmx", headers=HX,
        effect=redelivered),
    Row("webhook_redeliver", "post", project_rule(404, OWNERS), variant="foreign-delivery",
        args=lambda w: [w.slug, w.webhook.pk, w.foreign_webhook.deliveries.get().pk],
        effect=redelivered),
    # Editing and deleting a comment: its author only (the thread is the reviewer's).
    Row("comment_edit", "get", project_rule(200, AUTHOR)),
    Row("comment_edit", "get", project_rule(200, AUTHOR), variant="htmx", headers=HX),
    Row("comment_edit", "post", project_rule(302, AUTHOR), lambda w: {"body": "matrix edit"},
        effect=thread_edited),
    Row("comment_delete", "get", NOT_ALLOWED, effect=thread_deleted),
    Row("comment_delete", "post", project_rule(302, AUTHOR), effect=thread_deleted),
    # The @mention autocomplete: the project's members, to its members only.
    Row("mention_suggestions", "get", project_rule(200), headers={"QUERY_STRING": "q=ri"},
        says=dict.fromkeys(MEMBERS, '"username": "rita"')),
    Row("mention_suggestions", "post", NOT_ALLOWED),
    # Last: these end the session of the client that posts (the CSRF test reuses one).
    Row("logout_everywhere", "get", NOT_ALLOWED),
    Row("account_logout", "get", everyone(200, anonymous=302)),
    Row("account_logout", "post", everyone(302, anonymous=302)),
    Row("logout_everywhere", "post", everyone(302)),
]
# fmt: on


def app_routes() -> dict[str, str]:
    """{name: route} for every URL of the app, from Django's resolver (admin and auth views
    excluded by name above); an unnamed route is listed under its pattern."""
    routes: dict[str, str] = {}

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in EXCLUDED_NAMESPACES:
                    continue
                walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                if entry.name is None and getattr(entry.callback, "view_class", None) is (
                    RedirectView
                ):
                    continue  # allauth's former addresses: unnamed redirects to the named ones
                if entry.name not in EXCLUDED_NAMES:
                    routes[entry.name or f"<unnamed {route}>"] = route

    walk(get_resolver())
    return routes


def test_every_route_has_rows():
    routes = app_routes()
    covered = {(row.name, row.method) for row in TABLE}
    missing = sorted(
        f"{name} ({route}) {method.upper()}"
        for name, route in routes.items()
        for method in ("get", "post")
        if (name, method) not in covered
    )
    assert not missing, "routes without a row in the security URL table:\n" + "\n".join(missing)
    stale = sorted({row.name for row in TABLE} - set(routes))
    assert not stale, f"rows for routes that do not exist (any more): {stale}"
    assert set(ARGS) >= set(routes), set(routes) - set(ARGS)
    assert len({row.id for row in TABLE}) == len(TABLE), "duplicate row ids"


def request(client: Client, row: Row, world: World, role: str):
    url = reverse(row.name, args=row.url_args(world))
    headers = dict(row.headers)
    query = headers.pop("QUERY_STRING", "").replace("TEMPLATE", str(world.template.pk))
    if query:
        url += "?" + query
    if row.auth == "token" and role != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role][1]}"
    elif row.auth == "bad-token":
        headers["HTTP_AUTHORIZATION"] = "Bearer ph_not-a-real-token"
    data = row.data(world) if row.data else {}
    if row.method in ("get", "post"):
        return getattr(client, row.method)(url, data, **headers)
    return getattr(client, row.method)(url, **headers)


def login_url(response) -> str:
    """Where login_required sends the request: the log-in page, back to the very same page."""
    query = QueryDict(mutable=True)
    query["next"] = response.wsgi_request.get_full_path()
    return f"/accounts/login/?{query.urlencode(safe='/')}"


def check(response, expected, row: Row, role: str) -> str | None:
    """None when the response is what the table says, else a description of the difference."""
    status = response.status_code
    # Streamed downloads (the audit trail) are read whole here.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if status in (401, 403, 404, 405) and any(s in content for s in SECRETS):
        return f"{status}, but the answer shows a plan's or template's content"
    text = content.decode(errors="replace")
    says = row.says.get(role)
    if says is not None and says not in text:
        return f"{status}, without {says!r}"
    shown = [hidden for hidden in row.hides if hidden in text]
    if shown:
        return f"{status}, showing {shown}"
    for header, value in row.carries.items():
        if response.get(header) != value:
            return f"{status}, {header}: {response.get(header)!r} instead of {value!r}"
    if expected == LOGIN:
        location = response.get("Location", "")
        if status == 302 and location == login_url(response):
            return None
        return f"expected 302 to {login_url(response)}, got {status} {location}"
    if status != expected and not (isinstance(expected, frozenset) and status in expected):
        return f"expected {expected}, got {status}"
    if (
        status == 401
        and not response["Content-Type"].startswith("application/json")
        and row.name not in HTML_401
    ):
        return f"401 without JSON: {response['Content-Type']}"
    return None


def let_in(expected) -> bool:
    """Whether the table lets the role in (the request may write): a 2xx or 3xx other than the
    login redirect."""
    return isinstance(expected, int) and 200 <= expected < 400


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.id)
def test_url_matrix(row, world, clients, newbie):
    failures = []
    for role in ROLES:
        client = clients[role] if row.auth == "session" else Client()
        with transaction.atomic():  # a savepoint: every role acts on the same state
            response = request(client, row, world, role)
            changed = row.effect(world) if row.effect else None
            transaction.set_rollback(True)
        problem = check(response, row.expected[role], row, role)
        if problem is None and changed is not None and changed != let_in(row.expected[role]):
            problem = "the write landed" if changed else "the write did not land"
        if problem:
            body = response.content[:300].decode(errors="replace")
            failures.append(f"{role}: {problem} — {body!r}")
    assert not failures, f"{row.method.upper()} {row.name}:\n" + "\n".join(failures)
