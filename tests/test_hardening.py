"""Production settings and headers: CSP, clickjacking, cookies, logs, check --deploy."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_csp_forbids_inline_scripts_and_framing(client, owner, plan):
    client.force_login(owner)
    response = client.get(plan.get_absolute_url())
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script(client, owner, plan):
    from html.parser import HTMLParser

    inline = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
                inline.append(self.getpos())
            inline.extend(name for name in attrs if name.startswith("on"))

    client.force_login(owner)
    for url in (
        "/",
        plan.get_absolute_url(),
        plan.project.get_absolute_url(),
        "/accounts/tokens/",
        f"/p/{plan.project.slug}/plans/new/",
        f"/p/{plan.project.slug}/members/",
    ):
        Finder().feed(client.get(url).content.decode())
    client.logout()
    Finder().feed(client.get("/accounts/login/").content.decode())
    assert inline == []


def test_every_request_is_one_json_log_line(client, owner, caplog):
    from pythonjsonlogger.json import JsonFormatter

    client.force_login(owner)
    with caplog.at_level(logging.INFO, logger="planhub.request"):
        response = client.get("/", HTTP_HX_REQUEST="true")
    [record] = [r for r in caplog.records if r.name == "planhub.request"]
    line = json.loads(JsonFormatter("%(levelname)s %(name)s %(message)s").format(record))
    assert line["method"] == "GET" and line["path"] == "/" and line["status"] == 200
    assert line["user_id"] == owner.pk and line["htmx"] is True and line["duration_ms"] >= 0
    assert response["Server-Timing"].startswith("app;dur=")


def test_logging_a_request_costs_no_query(client, owner, caplog, django_assert_num_queries):
    """The log reads the user only when the view did: a constant page stays query-free."""
    client.force_login(owner)
    with caplog.at_level(logging.INFO, logger="planhub.request"), django_assert_num_queries(0):
        response = client.get("/bench/bare")
    assert response.status_code == 200
    [record] = [r for r in caplog.records if r.name == "planhub.request"]
    assert record.user_id is None and record.status == 200


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    environment = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "planhub.settings", **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env=environment)  # fmt: skip


def test_check_deploy_is_clean_with_production_settings():
    result = run_django(
        "import django, sys; django.setup(); from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'WARNING')",
        DEBUG="0", HTTPS="1", SECRET_KEY="k" * 20 + "-Vx9!q2#Lm8@Zr4$Tp6%Wn1^Bs7&Hd3*Jf5(",
        ALLOWED_HOSTS="plans.example.com", DATABASE_URL="sqlite:////tmp/planhub-deploy-check.db",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_json_logs_by_default():
    result = run_django(
        "import django, logging; django.setup(); logging.getLogger('planhub.x').warning('hi')",
        DEBUG="0", SECRET_KEY="x" * 50,
    )  # fmt: skip
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "planhub.x", "hi")


def test_the_benchmark_baseline_is_routed_only_for_the_benchmark():
    """/bench/bare exists where bench/run.py (and the test settings) ask for it, nowhere else."""
    code = (
        "import django; django.setup(); from django.urls import Resolver404, resolve\n"
        "try:\n    print(resolve('/bench/bare').url_name)\n"
        "except Resolver404:\n    print('not routed')"
    )
    for routes, expected in (("", "not routed"), ("0", "not routed"), ("1", "bench_bare")):
        result = run_django(code, DEBUG="0", SECRET_KEY="x" * 50, BENCH_ROUTES=routes)
        assert result.stdout.strip() == expected, result.stderr
