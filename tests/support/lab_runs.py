"""QA-lab runs made directly in a studio database, for tests of who may do what with a run."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from access.policy import Identity, Role
from qa.runner import RunSpec, Source, create_run
from store import Item, Run
from tests.support.apptest import SAMPLES

CARD = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()
ANN = Identity("ann", "ann@corp.test", "Ann Analyst", Role.ANALYST, "oidc")


def card_sweep_run(
    factory: Any,
    spool: Any,
    sandbox: Any,
    items: int,
    *,
    backend: str = "sandbox",
    concurrency: int = 2,
    **spec: Any,
) -> int:
    """A queued run of ``items`` items (one card as given, then blurred ``items - 1`` times) to
    ``sandbox``'s URL, on no queue: ``spec`` adds to its ``RunSpec`` (``started_by=``, ...)."""
    return create_run(
        factory,
        RunSpec(
            "credit-card",
            backend,
            sandbox.base_url,
            "v2.0",
            concurrency=concurrency,
            sweep=[("blur", list(range(1, items)))],
            **spec,
        ),
        [Source("card.png", CARD)],
        spool,
    )


def interrupted_run(
    factory: Any, spool: Any, sandbox: Any, owner: Identity, backend: str, items: int = 7
) -> int:
    """A run of ``items`` items, started by ``owner``, one answered, left interrupted by a dead worker."""
    run_id = card_sweep_run(
        factory, spool, sandbox, items, backend=backend, concurrency=1, started_by=owner.email
    )
    with factory() as s:
        run = s.get_one(Run, run_id)
        run.status = "interrupted"
        first = s.scalars(select(Item).where(Item.run_id == run_id).order_by(Item.position)).first()
        first.state, first.result_code = "failed", 5000001
        run.done = run.failed = 1
        s.commit()
    return run_id
