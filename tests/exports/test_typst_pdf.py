"""The Typst PDF (exports/typst_pdf.py), compiled and read back with pypdf and pdftotext:
what a committee reading the printed plan sees."""

import subprocess
import time
from io import BytesIO
from pathlib import Path

from django.utils import timezone
from pypdf import PdfReader

from planhub.exports.typst_pdf import (
    compile_pdf,
    plan_document,
    with_generation_time,
)
from tests.factories import make_plan

SHOTS = Path("/tmp/shots/pdf")


def pdf_of(plan) -> bytes:
    return compile_pdf(with_generation_time(plan_document(plan), timezone.now()), {})


def page_texts(data: bytes) -> list[str]:
    """Each page's text as pdftotext reads it (poppler-utils)."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return out.split("\f")[: len(PdfReader(BytesIO(data)).pages)]


def save(data: bytes, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"{name}.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-l", "4", str(SHOTS / f"{name}.pdf"), str(SHOTS / name)],
        check=True,
    )


def test_scratch(project, owner):
    from bench.dataset import benchmark_plan_markdown

    plan = make_plan(project, owner, text=benchmark_plan_markdown())
    start = time.perf_counter()
    data = pdf_of(plan)
    print("time", time.perf_counter() - start)
    save(data, "bench")
