"""``python -m qa``: lab runs from the command line.

::

    python -m qa run --service {credit-card|id-card|stand-alone} [--truth FILE] [--sweep SPEC]...
                     [--preprocess] [--concurrency N] [--db URL] [--json] IMAGE_FOLDER_OR_ZIP...
    python -m qa runs [--db URL] [--json]
    python -m qa show RUN_ID [--db URL] [--json]
    python -m qa compare RUN_A RUN_B [--db URL] [--json]
    python -m qa report RUN_ID (--html FILE | --csv FILE | --json FILE) [--db URL]

``run`` executes its items in this process with the same functions the queue's workers use, so it
needs no dashboard. The backend is chosen as the dashboard does (``qa.backend``); the ``ocr_core``
CLI's connection options and ``NHN_OCR_*`` variables apply. On NHN Cloud the number of billed calls is
shown and must be confirmed (``--yes`` for scripts); ``STUDIO_QA_MAX_CALLS`` caps it, and each item
takes its unit of the quota of ``--user`` (else ``STUDIO_USER``, else the operating-system account) as
it is sent, leaving a ``qa-run:<id>`` audit row (``access.metering``); items past the quota end
``refused``. Exit codes as ``python -m ocr_core``: 0 done, 1 API failures only, 2 usage, 3 network,
4 bad input or items refused for quota; 130 stopped by Ctrl-C (the run ends ``cancelled``, every
answer kept).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.exc import OperationalError

from access.metering import command_line_user
from appconfig import SettingsProblem
from l10n import message, name_list
from ocr_core import OcrClient
from ocr_core import constants as C
from ocr_core.errors import SettingsError
from qa import analysis, report
from qa.backend import choose, max_cloud_calls
from qa.collect import (
    MEMBER_MAX_BYTES,
    CollectError,
    distinct_sources,
    file_source,
    from_folder,
    from_zip,
    read_capped,
)
from qa.names import from_os
from qa.runner import SERVICES, RunSpec, Source, billed_calls, create_run, execute_run
from qa.spool import Spool
from qa.sweeps import SweepError, parse_spec
from qa.truth import MAX_BYTES as TRUTH_MAX_BYTES
from qa.truth import TruthError, TruthFile, parse_truth, specimen_truth, truth_notes
from store import StoreUnavailable, default_url, session_factory

EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_NETWORK, EXIT_INPUT = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it (128 + SIGINT)
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m qa", description="QA lab runs from the command line.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def db(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", help="SQLAlchemy URL (env STUDIO_DATABASE_URL; default data/studio.sqlite3)")

    run = sub.add_parser("run", help="run images (and sweeps) against the backend in use")
    run.add_argument("--service", required=True, choices=SERVICES)
    run.add_argument("--truth", type=Path, help="JSON or CSV of expected values by image file name")
    run.add_argument(
        "--sweep",
        action="append",
        default=[],
        metavar="SPEC",
        help="NAME:LEVEL,LEVEL,… e.g. blur:0,1.5,3 (repeatable)",
    )
    run.add_argument("--preprocess", action="store_true", help="the dashboard's default preprocessing")
    run.add_argument("--concurrency", type=int, default=2)
    run.add_argument("--rate", type=float, help="at most this many calls per second")
    run.add_argument("--yes", action="store_true", help="confirm billed calls on NHN Cloud")
    run.add_argument(
        "--user",
        help="whose quota the run spends, for the audit trail (env STUDIO_USER; "
        "default the operating-system account)",
    )
    run.add_argument("--json", action="store_true")
    for name, help_ in (
        ("--base-url", "API endpoint URL"),
        ("--app-key", "appKey"),
        ("--secret-key", "v2.0"),
        ("--uak-id", "v2.1"),
        ("--uak-secret", "v2.1"),
        ("--token-url", "v2.1"),
    ):
        run.add_argument(name, help=help_)
    run.add_argument("--api-version", choices=C.API_VERSIONS)
    run.add_argument(
        "images",
        nargs="+",
        type=Path,
        metavar="IMAGE_FOLDER_OR_ZIP",
        help="image files, folders of them, ZIPs of them (read as the lab page reads a ZIP)",
    )
    db(run)
    runs = sub.add_parser("runs", help="list runs")
    runs.add_argument("--json", action="store_true")
    db(runs)
    show = sub.add_parser("show", help="one run's results")
    show.add_argument("run_id", type=int)
    show.add_argument("--json", action="store_true")
    db(show)
    cmp_ = sub.add_parser("compare", help="two runs side by side")
    cmp_.add_argument("run_a", type=int)
    cmp_.add_argument("run_b", type=int)
    cmp_.add_argument("--json", action="store_true")
    db(cmp_)
    rep = sub.add_parser("report", help="export a run (masked)")
    rep.add_argument("run_id", type=int)
    fmt = rep.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--html", type=Path)
    fmt.add_argument("--csv", type=Path)
    fmt.add_argument("--json", type=Path)
    db(rep)
    return parser


class Usage(Exception):
    pass


class BadInput(Exception):
    pass


def collect_images(paths: Sequence[Path], err: TextIO) -> list[Source]:
    """The images named on the command line, from files, folders and ZIPs.

    The files named, the JPEG and PNG images in the folders named, and those in the ZIPs named (read
    by ``qa.collect`` as the lab page reads an uploaded ZIP). What else a folder or ZIP holds is named on
    ``err`` as skipped, and what could not or may not be read with why. Images that share a name are
    told apart by their path (``qa.collect.distinct_sources``)."""
    groups: list[tuple[str, list[Source], list[str]]] = []
    for path in paths:
        shown = from_os(str(path))
        if path.is_dir() or (path.is_file() and path.suffix.lower() == ".zip"):
            try:
                found = from_folder(path) if path.is_dir() else from_zip(from_os(path.name), path)
            except CollectError as e:
                raise BadInput(str(e)) from None
            groups.append((from_os(path.name) or shown, found.sources, found.paths))
            if found.skipped:
                err.write(
                    message("lab.skipped", "en", n=len(found.skipped), names=name_list(found.skipped)) + "\n"
                )
            key = "lab.folder_unreadable" if path.is_dir() else "lab.zip_unreadable"
            err.writelines(
                message(key, "en", name=shown, member=member, why=message(f"lab.zip_why.{why}", "en")) + "\n"
                for member, why in found.unreadable
            )
        elif path.is_file():  # named explicitly: sent whatever its name, judged by its content
            data = read_capped(path)
            if data is None:  # over the API's limit (never read whole), or unreadable
                try:
                    why = "too_big" if path.stat().st_size > MEMBER_MAX_BYTES else "unreadable"
                except OSError:
                    why = "unreadable"
                err.write(f"{shown}: not read ({message(f'lab.zip_why.{why}', 'en')})\n")
                continue
            source = file_source(path, data)
            groups.append(("", [source], [source.name]))
        else:
            raise BadInput(f"{shown}: no such file or folder")
    sources = distinct_sources(groups)
    if not sources:
        raise BadInput("no image to run")
    return sources


def _progress(out: TextIO) -> Any:
    start = time.monotonic()

    def show(done: int, failed: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        elapsed = time.monotonic() - start
        eta = elapsed / done * (total - done) if done else 0.0
        out.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  failed {failed}  ETA {eta:4.0f} s "
        )
        out.flush()
        if done >= total:
            out.write("\n")

    return show


def _exit_code(data: analysis.RunData) -> int:
    states = [i for i in data.items if i.state != "done"]
    if any(
        i.state == "lost" or (i.result_message or "").startswith(("ConnectError", "TransportError"))
        for i in states
    ):
        return EXIT_NETWORK
    if any(i.result_code is None for i in states):
        return EXIT_INPUT
    return EXIT_API if states else EXIT_OK


def cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        sweep = [parse_spec(s) for s in args.sweep]
    except SweepError as e:
        raise Usage(str(e)) from None
    if not 1 <= args.concurrency <= 16:
        raise Usage("--concurrency must be between 1 and 16")
    truth: TruthFile | None = None
    if args.truth:
        try:
            with args.truth.open("rb") as f:  # never more than the limit read: a bigger file is refused
                truth = parse_truth(from_os(args.truth.name), f.read(TRUTH_MAX_BYTES + 1), args.service)
        except OSError as e:
            raise BadInput(f"{from_os(str(args.truth))}: {e.strerror}") from None
        except TruthError as e:
            raise BadInput(str(e)) from None
    sources = collect_images(args.images, err)
    if truth is None and all(Path(p).resolve().is_relative_to(SAMPLES) for p in args.images):
        truth = TruthFile("specimens", "", specimen_truth(SAMPLES))  # the specimens carry their truth
    elif truth is not None:
        err.writelines(line + "\n" for line in truth_notes(truth, [s.name for s in sources], "en"))
    backend = choose(
        base_url=args.base_url,
        app_key=args.app_key,
        secret_key=args.secret_key,
        api_version=args.api_version,
        uak_id=args.uak_id,
        uak_secret=args.uak_secret,
        token_url=args.token_url,
    )
    calls = billed_calls(len(sources), sweep)
    if backend.kind == "cloud":
        if calls > max_cloud_calls():
            raise Usage(
                f"this run would make {calls} billed calls; the per-run cap is {max_cloud_calls()} "
                "(STUDIO_QA_MAX_CALLS)"
            )
        if not args.yes:
            err.write(
                f"NHN Cloud: this run makes {calls} billed calls ({len(sources)} images × levels). "
                "Continue? [y/N] "
            )
            err.flush()
            if sys.stdin.readline().strip().lower() not in ("y", "yes"):
                raise Usage("not confirmed")
    factory = session_factory(args.db or default_url())
    spool = Spool(factory)
    spec = RunSpec(
        args.service,
        backend.kind,
        backend.settings.base_url,
        backend.settings.api_version,
        sweep=sweep,
        preprocess=args.preprocess,
        truth=truth,
        concurrency=args.concurrency,
        rate_limit=args.rate,
        started_by=command_line_user(args.user),
    )
    run_id = create_run(factory, spec, sources, spool)
    err.write(
        f"run {run_id}: {len(sources)} images, {calls} calls on {backend.kind} "
        f"({backend.settings.base_url})\n"
    )
    stopped = False
    with OcrClient(backend.settings) as client:
        try:
            execute_run(factory, run_id, client, spool, on_progress=_progress(err))
        except KeyboardInterrupt:
            stopped = True
    data = analysis.load_run(factory, run_id)
    if stopped:
        answered = sum(1 for i in data.items if i.state not in ("pending", "unknown"))
        unknown = sum(1 for i in data.items if i.state == "unknown")  # on the wire at Ctrl-C: maybe billed
        err.write(
            f"\nrun {run_id} cancelled (Ctrl-C): {answered} of {len(data.items)} items answered, all kept; "
            + (
                f"{unknown} was on the wire, its answer not kept (it may have been billed; it is never "
                "sent again); "
                if unknown
                else ""
            )
            + f"the rest were not sent. See: python -m qa show {run_id}\n"
        )
    if args.json:
        out.write(json.dumps(analysis.run_json(data), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(report.text_summary(data))
    refused = [i for i in data.items if i.state == "refused"]
    if refused:
        err.write(
            f"{len(refused)} of {len(data.items)} items were not sent: {refused[0].result_message}. "
            "Nothing was billed for them; ask an admin to raise the quota.\n"
        )
    return EXIT_INTERRUPTED if stopped else _exit_code(data)


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        if args.command == "run":
            return cmd_run(args, out, err)
        factory = session_factory(args.db or default_url())
        if args.command == "runs":
            runs = analysis.list_runs(factory)
            out.write(
                json.dumps(runs, ensure_ascii=False, indent=2) + "\n"
                if args.json
                else report.runs_table(runs)
            )
        elif args.command == "show":
            data = analysis.load_run(factory, args.run_id)
            out.write(
                json.dumps(analysis.run_json(data), ensure_ascii=False, indent=2) + "\n"
                if args.json
                else report.text_summary(data) + "\n" + report.items_table(data)
            )
        elif args.command == "compare":
            diff = analysis.compare(
                analysis.load_run(factory, args.run_a), analysis.load_run(factory, args.run_b)
            )
            out.write(
                json.dumps(diff, ensure_ascii=False, indent=2) + "\n"
                if args.json
                else report.compare_text(diff)
            )
        elif args.command == "report":
            data = analysis.load_run(factory, args.run_id)
            target: Path = args.html or args.csv or args.json
            text = (
                report.html_report(data)
                if args.html
                else report.csv_report(data)
                if args.csv
                else json.dumps(analysis.run_json(data), ensure_ascii=False, indent=2)
            )
            try:
                target.write_text(text, "utf-8")
            except OSError as e:
                raise BadInput(f"cannot write the report to {target}: {e.strerror or e}") from None
        return EXIT_OK
    except (Usage, SettingsError, SettingsProblem, LookupError, StoreUnavailable) as e:
        err.write(f"error: {e}\n")
        return EXIT_USAGE
    except OperationalError as e:  # the database went away after it was opened
        err.write(f"error: {StoreUnavailable.in_use(args.db or default_url(), e)}\n")
        return EXIT_USAGE
    except BadInput as e:
        err.write(f"error: {e}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
