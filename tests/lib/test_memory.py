"""Large freed blocks go back to the system (planhub/lib/memory.py)."""

import json
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# In a fresh interpreter: the test process's own heap (a gigabyte of pages freed and kept by
# earlier tests) would give the blocks back pages already resident.
SCENARIO = """
import json, os
from planhub.lib.memory import keep_large_blocks_out_of_the_heap

def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

applied = keep_large_blocks_out_of_the_heap() if os.environ.get("APPLY") else False
once = bytearray(16 * 2**20)
del once
before = resident_mb()
blocks, kept = [], []
for _ in range(40):
    blocks.append(bytearray(b"x") * 2**20)  # written: untouched pages are not resident
    kept.append(bytearray(b"x") * 1000)
grown = resident_mb() - before
del blocks
print(json.dumps({"applied": applied, "grown": grown, "left": resident_mb() - before}))
"""


def run(apply: bool) -> dict:
    env = {"APPLY": "1"} if apply else {}
    done = subprocess.run(
        [sys.executable, "-c", SCENARIO],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_a_freed_large_block_leaves_the_process():
    # Freeing a 16 MB block raises glibc's threshold to 16 MB; then 1 MB blocks come from the
    # heap, between small blocks still in use, and stay in the process once freed.
    without = run(apply=False)
    assert without["grown"] > 30 and without["left"] > 30, "the case this guards against"
    applied = run(apply=True)
    assert applied["applied"] and applied["grown"] > 30
    assert applied["left"] < 10
