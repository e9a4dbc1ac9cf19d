"""Pool processes die with the process that started them, so a batch killed with kill -9 leaves no
orphan workers holding memory. Imported in the forkserver (preload) and in every worker."""
from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


die_with_parent()  # on import: the forkserver preloads this module ...
os.register_at_fork(after_in_child=die_with_parent)  # ... and every worker it forks is covered at once
