"""bench/run.py's and bench/scales.py's reports (ratio to the bare view, targets, the scales side
by side), bench/dataset.py's database per scale, and bench/live_idle.py's open plan pages
against a real server: members' sockets open and stay open, an outsider's is refused, the
pages' polls are answered."""

import http.client

import pytest
from django.test import Client

from bench import dataset, live_idle, scales
from bench.run import Result, Sample, print_table, ratio_targets, ratio_to_bare
from bench.scales import compare
from planhub.live import consumers
from tests.factories import make_user

pytestmark = pytest.mark.bench


def result(name: str, requests: int, wall: float, cpu: float = 0.0, queries=None) -> Result:
    r = Result(name, clients=20, wall=wall, cpu=cpu, queries=queries)
    r.samples = [Sample(0.01, True) for _ in range(requests)]
    return r


def test_the_ratio_is_req_per_second_over_the_bare_views():
    bare = result("bare view", 1000, 2.0)  # 500 req/s
    plan = result("plan page", 150, 2.0, cpu=3.0, queries=13)  # 75 req/s, 20 ms CPU each
    assert ratio_to_bare(plan, bare) == pytest.approx(0.15)
    rows = {label.split(":")[0]: (verdict, detail) for label, verdict, detail in ratio_targets(
        {"bare view": bare, "plan page": plan, "search": result("search", 120, 2.0)}
    )}  # fmt: skip
    assert rows["plan page"][0] == "FAIL"  # 0.15 < 0.25
    assert rows["plan page"][1].startswith("0.150 (75.0 of 500.0 req/s; CPU 20.0 ms/req)")
    assert rows["search"][0] == "PASS"  # 60 req/s of 500: 0.12 >= 0.1
    assert rows["dashboard"][0] == "N/A"


def test_the_table_shows_ratio_cpu_and_queries(capsys):
    print_table([result("bare view", 1000, 2.0), result("plan page", 150, 2.0, 3.0, 13)])
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("plan page"))
    assert "0.150" in line and "20.0" in line and " 13 " in line


def test_scales_side_by_side():
    def figures(scale, ratio, queries):
        paths = {"plan page": {"ratio": ratio, "cpu_ms": 20.0, "queries": queries}}
        return {"scale": scale, "paths": paths}

    same = compare({1: figures(1, 0.30, 13), 10: figures(10, 0.28, 13)})
    assert "PASS" in same[-1] and "-6.7%" in same[-1]
    slower = compare({1: figures(1, 0.30, 13), 10: figures(10, 0.20, 13)})
    assert "FAIL" in slower[-1]
    more_queries = compare({1: figures(1, 0.30, 13), 10: figures(10, 0.30, 14)})
    assert "FAIL" in more_queries[-1] and "queries differ" in more_queries[-1]


def test_each_scale_has_its_own_database(monkeypatch):
    url = "postgres://postgres@127.0.0.1:5432/planhub_bench_x"
    assert dataset.scaled_url(url, 1) == url
    assert dataset.scaled_url(url, 10) == url + "_x10"
    monkeypatch.setenv("BENCH_SCALES", "1,10")
    assert scales.scales() == [1, 10]
    monkeypatch.setenv("BENCH_SCALES", "0")
    with pytest.raises(SystemExit):
        scales.scales()


def session_cookie(user) -> str:
    client = Client()  # one each: a log-in on a client ends the session it had
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.mark.django_db(transaction=True)
def test_open_plan_pages_stay_open_and_an_outsider_is_refused(
    server, plan, project, editor, reviewer
):
    cookies = [session_cookie(editor), session_cookie(reviewer)]
    target = [(project.slug, plan.pk)]

    def poll(n: int, page: tuple[str, int]) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
        connection.request(
            "GET", f"/p/{page[0]}/plans/{page[1]}/live/", headers={"Cookie": cookies[n % 2]}
        )
        return connection.getresponse().status == 200

    idle = live_idle.measure(server, cookies, target, 6, 1.0, lambda: 0.0, poll, poll_every=0.5)
    assert (idle.open, idle.refused) == (6, [])
    assert idle.polls >= 6 and idle.poll_errors == 0
    assert idle.wall >= 1.0

    outsider = live_idle.measure(
        server, [session_cookie(make_user("oscar"))], target, 2, 0.5, lambda: 0.0
    )
    assert outsider.open == 0
    assert outsider.refused and all(str(consumers.NOT_FOUND) in r for r in outsider.refused)
