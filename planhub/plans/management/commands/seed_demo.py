from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from planhub.plans.builtin_templates import BUILTIN_TEMPLATES, sync_builtin_templates
from planhub.plans.models import Plan, PlanTemplate
from planhub.projects.models import Membership, Project, Role

DEMO_USERS = [
    ("alice", Role.OWNER),
    ("bob", Role.EDITOR),
    ("carol", Role.REVIEWER),
    ("dave", Role.VIEWER),
]
DEMO_TITLES = {
    "Feature Name": "Team Calendar",
    "FEATURE": "Audit Log",
    "X": "2",
    "Phase Name": "Payments",
}


class Command(BaseCommand):
    help = "Create the demo project with a plan from each built-in template and four users."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="planhub-demo", help="password for every user")

    @transaction.atomic
    def handle(self, password: str, **options):
        sync_builtin_templates()
        User = get_user_model()
        project, _ = Project.objects.get_or_create(
            slug="demo",
            defaults={"name": "Demo", "description": "A project to try PlanHub in."},
        )
        users = {}
        for username, role in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            user.set_password(password)
            user.save()
            # Verified and primary: the demo logins work by username and by e-mail address,
            # also where mail is configured (verification mandatory).
            EmailAddress.objects.update_or_create(
                user=user,
                email=user.email,
                defaults={"verified": True, "primary": True},
            )
            member = Membership.objects.filter(project=project, user=user).first()
            if member is None:
                Membership.add(project=project, user=user, role=role)
            else:
                member.change_role(role)
            users[username] = user
        if not project.plans.exists():
            for slug in BUILTIN_TEMPLATES:
                template = PlanTemplate.objects.get(project=None, slug=slug)
                values = {
                    name: DEMO_TITLES.get(name, name) for name in template.title_placeholders()
                }
                Plan.create_from_template(
                    project=project, template=template, author=users["alice"], values=values
                )
        self.stdout.write(f"Demo project: /p/{project.slug}/ with {project.plans.count()} plans.")
        self.stdout.write("Log in at http://127.0.0.1:8000/accounts/login/ as:")
        for username, role in DEMO_USERS:
            self.stdout.write(
                f"  {username:<6} or {username + '@example.com':<18} "
                f"({role.label.lower():<8}) password: {password}"
            )
