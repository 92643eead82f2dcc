"""Large blocks of memory go back to the system when freed (issue 19: an app process held 267 MB
after the benchmark, most of it freed but kept).

glibc's malloc serves a block above its mmap threshold with its own mapping, returned to the
system on free. But each time such a block is freed it raises the threshold to that block's
size (up to 32 MB): after a few large pages (a 1,000-section plan's HTML, its fragments, the
review page, several MB each) every later large block comes from the heap, whose freed holes
the process keeps. A fixed threshold stops that. Measured in-process after the 1,000-section
plan's page, export.md and review page: 187 MB without, 148 MB with, no CPU cost seen."""

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
LARGE_BLOCK = 64 * 1024


def keep_large_blocks_out_of_the_heap() -> bool:
    """Blocks over LARGE_BLOCK each in their own mapping, always; False where the C library
    is not glibc (nothing changes there)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return False
    if not hasattr(libc, "gnu_get_libc_version"):  # not glibc: musl's mallopt does nothing
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK))
