"""Large freed blocks go back to the system (planhub/lib/memory.py)."""

import os
import platform

import pytest

from planhub.lib.memory import keep_large_blocks_out_of_the_heap


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_a_freed_large_block_leaves_the_process():
    assert keep_large_blocks_out_of_the_heap()
    # Freeing a 16 MB block raised glibc's threshold to 16 MB; then 1 MB blocks came from the
    # heap, between small blocks still in use, and stayed in the process once freed (all 40 MB
    # kept, without this).
    once = bytearray(16 * 2**20)
    del once
    before = resident_mb()
    blocks, kept = [], []
    for _ in range(40):
        blocks.append(bytearray(b"x") * 2**20)  # written: calloc'd pages not yet touched
        kept.append(bytearray(b"x") * 1000)  # would not count in the resident size
    assert resident_mb() > before + 30
    del blocks
    assert resident_mb() < before + 10
