"""``python -m sandbox``: serve the local NHN Document OCR emulator in the foreground."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from sandbox.config import DEFAULT_HOST, DEFAULT_PORT, ENV_APPKEY, ENV_SECRETKEY, SandboxConfig
from sandbox.faults import Faults
from sandbox.server import serve


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m sandbox",
        description="A local emulator of the NHN Cloud Document OCR API (v2.0 and v2.1).",
    )
    p.add_argument("--host", default=DEFAULT_HOST, help="interface to bind (default %(default)s)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default %(default)s)")
    p.add_argument("--app-key", help=f"appKey to accept (env {ENV_APPKEY}; default sandbox-appkey)")
    p.add_argument(
        "--secret-key", help=f"secretKey to accept (env {ENV_SECRETKEY}; default sandbox-secretkey)"
    )
    p.add_argument("--registry", help="SQLite file for the authenticity registry (default in memory)")
    p.add_argument(
        "--admin",
        action="store_true",
        default=None,
        help="serve /_sandbox/* admin routes to 127.0.0.1 (env SANDBOX_ADMIN=1)",
    )
    p.add_argument("--latency-ms", type=int, default=0, help="fault: delay every API call")
    p.add_argument("--fault-code", type=int, help="fault: answer this result code ...")
    p.add_argument("--fault-rate", type=float, default=1.0, help="... for this share of billed calls")
    p.add_argument("--max-calls-per-second", type=float, help="fault: answer 4000006 beyond this rate")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        faults = Faults(
            latency_ms=args.latency_ms,
            result_code=args.fault_code,
            rate=args.fault_rate if args.fault_code is not None else 0.0,
            max_calls_per_second=args.max_calls_per_second,
        )
    except ValueError as err:
        print(f"invalid fault settings: {err}", file=sys.stderr)
        return 2
    config = SandboxConfig.from_env(
        os.environ,
        app_key=args.app_key,
        secret_key=args.secret_key,
        registry_path=args.registry,
        admin=args.admin,
        faults=faults,
    )
    print(f"NHN Document OCR sandbox on http://{args.host}:{args.port} (appKey {config.app_key})", flush=True)
    serve(config, args.host, args.port, args.log_level)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
