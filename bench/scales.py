"""`make bench`: the load benchmark (bench/run.py) at each data scale of BENCH_SCALES ("1,10"
by default; "1" for one run), then the ratio tables side by side: each path's req/s ratio to
the bare view at scale 1 and at the larger scale, the change, the queries per request at both
(issue 19: ratios within 10 %, queries identical).

    .venv/bin/python bench/scales.py [bench/run.py's arguments]
    BENCH_SCALES=1 .venv/bin/python bench/scales.py --reuse

Scale 1 runs everything bench/run.py measures (the arguments are passed on). A larger scale
measures the paths of the ratio table only (the PDF parts, the 1,000-section rows, the idle
live channel and the Markdown inputs do not depend on the amount of data around and would
double the run's time); its data set (bench/dataset.py, database `<name>_x<N>`) is built once
and reused by later runs. Each run's figures are kept as JSON beside each other in a temporary
directory, whose path is printed.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import RATIO_TARGETS  # noqa: E402 - needs ROOT on sys.path

CHANGE_LIMIT = 0.10  # a ratio may move this much between the scales


def scales() -> list[int]:
    text = os.environ.get("BENCH_SCALES", "").strip() or "1,10"
    try:
        found = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise SystemExit(f"BENCH_SCALES={text!r}: whole numbers separated by commas") from None
    if not found or min(found) < 1:
        raise SystemExit(f"BENCH_SCALES={text!r}: each scale is 1 or more")
    return found


def run_at(scale: int, argv: list[str], only: list[str], out: Path) -> int:
    env = dict(os.environ, BENCH_SCALE=str(scale))
    args = [sys.executable, str(ROOT / "bench" / "run.py"), *argv, "--json", str(out)]
    if scale != 1:
        env["BENCH_BIG_PDF"] = "0"
        paths = [name for name in RATIO_TARGETS if not only or name in only]
        args += ["--only", ",".join(paths)]
    elif only:
        args += ["--only", ",".join(only)]
    return subprocess.run(args, cwd=ROOT, env=env, check=False).returncode


def compare(figures: dict[int, dict]) -> list[str]:
    """The ratio tables of the first scale and each larger one, side by side."""
    base_scale = min(figures)
    base = figures[base_scale]["paths"]
    lines = []
    for scale, data in sorted(figures.items()):
        if scale == base_scale:
            continue
        other = data["paths"]
        a, b = f"x{base_scale}", f"x{scale}"
        lines += [
            f"Scale {base_scale} beside scale {scale} (req/s ratio to the bare view of the same "
            f"run; target: within {CHANGE_LIMIT:.0%}, queries identical):",
            f"  {'path':<20} {'ratio ' + a:>9} {'ratio ' + b:>9} {'change':>7} "
            f"{'CPU ms ' + a:>10} {'CPU ms ' + b:>10} {'queries':>9}  verdict",
        ]
        for name in RATIO_TARGETS:
            small, large = base.get(name), other.get(name)
            if not small or not large or not small["ratio"] or not large["ratio"]:
                continue
            change = large["ratio"] / small["ratio"] - 1
            same = small["queries"] == large["queries"]
            verdict = "PASS" if abs(change) <= CHANGE_LIMIT and same else "FAIL"
            queries = f"{small['queries']}/{large['queries']}"
            lines.append(
                f"  {name:<20} {small['ratio']:>9.3f} {large['ratio']:>9.3f} {change:>+7.1%} "
                f"{small['cpu_ms'] or 0:>10.1f} {large['cpu_ms'] or 0:>10.1f} {queries:>9}  "
                f"{verdict}" + ("" if same else "  (queries differ)")
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], add_help=False)
    parser.add_argument("--only", type=lambda t: [n.strip() for n in t.split(",") if n.strip()])
    known, argv = parser.parse_known_args()
    if any(a in ("--profile", "--cpu", "-h", "--help") for a in argv):  # not a load run
        return subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), *sys.argv[1:]],
                              cwd=ROOT, check=False).returncode  # fmt: skip
    outdir = Path(tempfile.mkdtemp(prefix="planhub-bench-scales-"))
    figures, status, took = {}, 0, {}
    for scale in scales():
        print(f"=== BENCH_SCALE={scale} ===", flush=True)
        began = time.perf_counter()
        out = outdir / f"scale-{scale}.json"
        code = run_at(scale, argv, known.only or [], out)
        took[scale] = time.perf_counter() - began
        status = max(status, code)
        if out.exists():
            figures[scale] = json.loads(out.read_text())
        print(f"=== BENCH_SCALE={scale}: {took[scale]:.0f} s, exit status {code} ===\n", flush=True)
    if len(figures) > 1:
        print("\n".join(compare(figures)))
    print(
        "Runs: " + ", ".join(f"scale {s} {t:.0f} s" for s, t in took.items()) + f"; JSON: {outdir}"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
