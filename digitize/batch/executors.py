"""Executors run a batch's dossiers: the local process pool, or a Dask cluster (`--cluster`), behind
one protocol. Both take dossiers in, yield each with its documents' outcomes as it finishes, and
leave signing and storing to the coordinator."""
from __future__ import annotations

import importlib
import itertools
from collections.abc import Iterator
from typing import Protocol

from digitize.batch.manifest import DossierEntry
from digitize.pipeline.context import RunContext
from digitize.pipeline.outcome import Outcome
from digitize.pipeline.scheduler import run_groups

Executed = Iterator[tuple[DossierEntry, list[Outcome]]]


class Executor(Protocol):
    def run(self, entries: Iterator[DossierEntry], ctx: RunContext) -> Executed:
        """Process the dossiers; yield (dossier, outcomes in file order) as each finishes."""
        ...


class LocalPool:
    """Dossiers on the local process pool, pages in parallel; consecutive dossiers with the same
    profile share one pool (a profile change restarts it, so sort mixed manifests by profile)."""

    def run(self, entries: Iterator[DossierEntry], ctx: RunContext) -> Executed:
        for profile, group in itertools.groupby(entries, key=lambda e: e.profile or ctx.settings.profile):
            yield from run_groups(((e, e.documents()) for e in group), ctx.with_profile(profile))


# Executors that live in modules of their own, imported only when asked for: the Dask one needs
# the optional `cluster` extra, and `distributed` takes half a second to import.
_REGISTRY = {"dask": ("digitize.batch.dask_executor", "DaskExecutor")}


def make_executor(cluster: str | None = None) -> Executor:
    """The local pool, or the Dask executor for a scheduler address (tcp://HOST:PORT)."""
    if not cluster:
        return LocalPool()
    module, name = _REGISTRY["dask"]
    return getattr(importlib.import_module(module), name)(cluster)
