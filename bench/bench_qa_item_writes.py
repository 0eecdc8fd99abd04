"""What an item costs the studio database, side by side in one run: the answer's one transaction alone (the
lab before issue 17), and the ``sending`` mark written before the request leaves plus that transaction
(now: what lets a crash leave items of *unknown* fate instead of resending them).

Both are ``qa.runner``'s own statements on a real database (an SQLite file in WAL mode, as the dashboard
uses it; ``--url`` for PostgreSQL), on items of one run, interleaved in chunks so that other load falls on
both alike. Printed: microseconds per item for each, and the difference.

    .venv/bin/python bench/bench_qa_item_writes.py                 # 2000 items
    .venv/bin/python bench/bench_qa_item_writes.py --url postgresql+psycopg://…
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("STUDIO_DATA_DIR", tempfile.mkdtemp(prefix="bench-writes-"))

from sqlalchemy import insert, update

from store import Item, ItemField, Run, session_factory


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--chunk", type=int, default=100)
    ap.add_argument("--url", default=None)
    args = ap.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-writes-')}/studio.sqlite3"
    factory = session_factory(url)
    with factory() as s:
        run = Run(
            backend="sandbox",
            endpoint="http://x",
            api_version="v2.0",
            service="credit-card",
            total=2 * args.items,
            status="running",
        )
        s.add(run)
        s.flush()
        s.add_all(
            [Item(run_id=run.id, position=i, source=0, image_name="card.png") for i in range(2 * args.items)]
        )
        s.commit()
        run_id = run.id
        ids = [i.id for i in run.items]
    answer = {
        "state": "failed",
        "result_code": 5000001,
        "result_message": "x",
        "sent_sha256": "0" * 64,
        "sent_width": 856,
        "sent_height": 540,
        "quality_status": "pass",
        "quality": {"blur": {"status": "pass"}},
    }
    fields = [
        {"name": "totalCardNum", "value": "4396-31**-****-9782", "conf": 0.9, "correct": None, "checks": []},
        {"name": "validThru", "value": "04/29", "conf": 0.9, "correct": None, "checks": []},
    ]

    def mark(item_id: int) -> None:
        with factory() as s:
            s.execute(update(Item).where(Item.id == item_id).values(state="sending"))
            s.commit()

    def write(item_id: int) -> None:
        with factory() as s:
            s.execute(update(Item).where(Item.id == item_id, Item.state != "unknown").values(**answer))
            s.execute(insert(ItemField), [{"item_id": item_id, **f} for f in fields])
            s.execute(
                update(Run)
                .where(Run.id == run_id)
                .values(done=Run.done + 1, failed=Run.failed + 1)
                .returning(Run.done, Run.failed, Run.total, Run.status)
            ).one()
            s.commit()

    before = after = 0.0
    old, new = iter(ids[: args.items]), iter(ids[args.items :])
    for _ in range(0, args.items, args.chunk):
        t = time.perf_counter()
        for _ in range(args.chunk):
            write(next(old))
        before += time.perf_counter() - t
        t = time.perf_counter()
        for _ in range(args.chunk):
            item_id = next(new)
            mark(item_id)
            write(item_id)
        after += time.perf_counter() - t
    n = args.items
    print(
        f"database: {factory.kw['bind'].dialect.name}, {n} items each, interleaved in chunks of {args.chunk}"
    )
    print(f"  answer only (before):          {before / n * 1e6:8.0f} µs per item")
    print(f"  sending mark + answer (now):   {after / n * 1e6:8.0f} µs per item")
    print(
        f"  the mark adds:                 {(after - before) / n * 1e6:8.0f} µs per item "
        f"({(after / before - 1) * 100:.0f} % of the writes)"
    )


if __name__ == "__main__":
    main()
