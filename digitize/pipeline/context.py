"""The run context: everything a run of the pipeline needs besides its inputs, in one object handed
down from the CLI (or a test) through batch, intake and the scheduler."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from digitize.model import PageRef
from digitize.profiles.loader import ProfileSet
from digitize.settings import Settings
from digitize.store.protocol import DocumentWriter, Store

if TYPE_CHECKING:  # pyHanko is loaded only by those who sign
    from pyhanko.sign.signers import Signer

    from digitize.stages.sign import SignOptions


@dataclass
class Signing:
    """A ready signer (opened once per run) and its options (digitize.stages.sign.SignOptions).
    `review`: store each document as an unsigned draft; it is signed once reviewed (digitize.review)."""

    signer: Signer | None  # None with `review`: drafts now, signed later by whoever holds the key
    options: SignOptions | None
    review: bool = False


class RunEvents:
    """Progress hooks; the default does nothing. The CLI's progress bar overrides both."""

    def pages_known(self, count: int) -> None:
        """`count` more pages are going to be read."""

    def page(self, ref: PageRef) -> None:
        """A page was read (or failed)."""


@dataclass(frozen=True)
class RunContext:
    settings: Settings
    store: Store
    profiles: ProfileSet | None = None  # None: no field extraction
    signing: Signing | None = None  # None: documents are stored unsigned
    jobs: int = 1  # worker processes for page work (1: in this process)
    events: RunEvents = field(default_factory=RunEvents)
    writer: DocumentWriter | None = None  # where documents go when not straight into `store` (a guard)

    @property
    def documents(self) -> DocumentWriter:
        """Where the pipeline looks documents up and stores them."""
        return self.writer if self.writer is not None else self.store

    def with_profile(self, profile: str | None) -> "RunContext":
        """The same run with another document type (a manifest row may name its own)."""
        if not profile or profile == self.settings.profile:
            return self
        return replace(self, settings=replace(self.settings, profile=profile))

    def writing_to(self, writer: DocumentWriter) -> "RunContext":
        return replace(self, writer=writer)

    def telling(self, events: RunEvents) -> "RunContext":
        return replace(self, events=events)
