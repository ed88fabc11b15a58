"""`spoki-actions fake-server`: run the local Spoki API simulator from the command line.

Stage: command-line entry. Input: argparse flags (`configure` adds them to the dispatcher's
subparser; `python -m spoki_actions.simulator` uses the same). Output: `run` prints the base URL
(ending `/api/1`), the keys and the control URL, then serves on loopback until Ctrl-C; exit code 0,
2 for bad flags, 1 for a runtime failure (no `[simulator]` extra, port taken, unusable `--db` file), each
with one `fake-server: ...` line on stderr. `config_from_args` is the flags-to-`SimulatorConfig` step.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from . import extra, jsontext
from .config import (
    DEFAULT_API_KEY,
    DEFAULT_PARTNER_KEY,
    ROUTE_NAMES,
    THROTTLE_SCOPES,
    FaultConfig,
    FaultSpec,
    RateLimitConfig,
    SimulatorConfig,
    is_number,
)

HELP = "serve the local Spoki API simulator"

_FAULT_FLAGS = ("latency", "latency_jitter", "error_rate", "error_statuses", "throttle_rate", "retry_after",
                "drop_rate", "truncate_rate", "nonjson_rate", "fault_count")


def configure(parser: argparse.ArgumentParser) -> None:
    """Adds the fake-server flags to `parser`."""
    parser.description = parser.description or "Serve a local, seeded imitation of the Spoki REST API."
    server = parser.add_argument_group("server")
    server.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    server.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one (default: 8765)")
    server.add_argument("--seed", type=int, default=None,
                        help="seed for the data and the fault draws; same seed, same data (default data seed: 0)")
    server.add_argument("--db", metavar="FILE", default=None,
                        help="keep state in this SQLite file across restarts (default: in memory)")
    server.add_argument("--api-key", default=DEFAULT_API_KEY, help=f"account key (default: {DEFAULT_API_KEY})")
    server.add_argument("--partner-key", default=DEFAULT_PARTNER_KEY,
                        help=f"partner-level key for partners/ (default: {DEFAULT_PARTNER_KEY})")
    server.add_argument("--bare-lists", action="store_true",
                        help="answer agencies/ and custom-fields/ with a bare JSON array, not a DRF page "
                             "(both shapes are seen from the live API)")
    server.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"],
                        help="uvicorn log level; debug also logs each request (default: warning)")

    limits = parser.add_argument_group("rate limits")
    limits.add_argument("--no-rate-limits", action="store_true", help="turn per-endpoint rate limits off")
    limits.add_argument("--rate-limit", action="append", default=[], metavar="NAME=N",
                        help="override one limit (requests per window; 0 = unlimited); NAME is a route name "
                             f"or 'default'. Repeatable. Names: {', '.join(THROTTLE_SCOPES)}")
    limits.add_argument("--rate-window", type=float, default=60.0, metavar="SECONDS",
                        help="length of the rate-limit window (default: 60)")

    faults = parser.add_argument_group("fault injection (off by default; deterministic with --seed)")
    faults.add_argument("--latency", type=float, metavar="SECONDS", help="add this delay to every answer")
    faults.add_argument("--latency-jitter", type=float, metavar="SECONDS", help="plus a random 0..SECONDS")
    faults.add_argument("--error-rate", type=float, metavar="SHARE", help="share of answers replaced by a 5xx")
    faults.add_argument("--error-statuses", metavar="CODES", help="comma-separated 5xx codes (default: 500,502,503)")
    faults.add_argument("--throttle-rate", type=float, metavar="SHARE", help="share of answers replaced by 429")
    faults.add_argument("--retry-after", type=int, metavar="SECONDS", help="Retry-After of injected 429s (default 1)")
    faults.add_argument("--drop-rate", type=float, metavar="SHARE", help="share of connections closed unanswered")
    faults.add_argument("--truncate-rate", type=float, metavar="SHARE", help="share of bodies cut off mid-way")
    faults.add_argument("--nonjson-rate", type=float, metavar="SHARE", help="share of bodies replaced by HTML")
    faults.add_argument("--fault-count", type=int, metavar="N", help="stop injecting after N faulty answers")
    faults.add_argument("--fault-endpoint", action="append", default=[], metavar="NAME",
                        help="apply the fault flags to this route only (repeatable; default: every route). "
                             f"Names: {', '.join(ROUTE_NAMES)}")
    faults.add_argument("--faults", metavar="JSON|@FILE",
                        help='a full fault config, as for POST /_control/faults: {"global": {...}, "endpoints": {...}}')


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    """The `SimulatorConfig` the flags describe; ValueError (every problem) if they make no sense."""
    errors: list[str] = []
    if not 0 <= args.port <= 65535:
        errors.append(f"--port {args.port}: must be between 0 and 65535 (0 picks a free one)")
    if args.db:
        db = Path(args.db)
        if db.is_dir():
            errors.append(f"--db {args.db}: is a directory; give a file name in it")
        elif not db.parent.is_dir():
            errors.append(f"--db {args.db}: directory {db.parent} does not exist")
    if not args.api_key or not args.partner_key:
        errors.append("--api-key and --partner-key must not be empty")
    elif args.api_key == args.partner_key:
        errors.append("--api-key and --partner-key must differ")
    for flag, key in (("--api-key", args.api_key), ("--partner-key", args.partner_key)):
        if key and not all(0x21 <= ord(ch) <= 0x7E for ch in key):
            errors.append(f"{flag}: use printable ASCII without spaces (an HTTP header value clients can send)")
    rate_limits = RateLimitConfig(enabled=not args.no_rate_limits)
    overrides: dict[str, Any] = {"limits": {}}
    if is_number(args.rate_window) and args.rate_window > 0:
        overrides["window_seconds"] = args.rate_window
    else:
        errors.append(f"--rate-window {args.rate_window}: must be a positive number of seconds")
    for item in args.rate_limit:
        name, sep, raw = item.partition("=")
        try:
            limit = int(raw)
        except ValueError:
            limit = -1
        if not sep or limit < 0:
            errors.append(f"--rate-limit {item!r}: expected NAME=N with N >= 0")
        elif name == "default":
            overrides["default_limit"] = limit
        else:
            overrides["limits"][name] = limit
    try:
        rate_limits = rate_limits.updated(overrides)
    except ValueError as exc:
        errors.append(f"--rate-limit: {exc}")
    faults = FaultConfig()
    try:
        faults = _faults_from_args(args)
    except ValueError as exc:
        errors.append(str(exc))
    if errors:
        raise ValueError("; ".join(errors))
    return SimulatorConfig(api_key=args.api_key, partner_key=args.partner_key, seed=args.seed,
                           db_path=Path(args.db) if args.db else None, rate_limits=rate_limits, faults=faults,
                           bare_lists=args.bare_lists)


def _faults_from_args(args: argparse.Namespace) -> FaultConfig:
    base: dict[str, Any] = {}
    if args.faults:
        text = args.faults
        if text.startswith("@"):
            try:
                text = jsontext.decode(Path(text[1:]).read_bytes())
            except OSError as exc:
                raise ValueError(f"--faults {args.faults}: cannot read it ({exc.strerror or exc})") from None
            except ValueError as exc:
                raise ValueError(f"--faults {args.faults}: {exc}") from None
        try:
            base = jsontext.loads(text)
        except ValueError as exc:
            raise ValueError(f"--faults: not JSON ({exc})") from None
        if not isinstance(base, dict):
            raise ValueError("--faults: must be a JSON object")
    spec: dict[str, Any] = {}
    for flag in _FAULT_FLAGS:
        value = getattr(args, flag, None)
        if value is None:
            continue
        if flag == "error_statuses":
            try:
                value = [int(code) for code in str(value).split(",") if code.strip()]
            except ValueError:
                raise ValueError("--error-statuses: expected comma-separated status codes") from None
        spec["count" if flag == "fault_count" else flag] = value
    if spec:
        FaultSpec.from_dict(spec, "flags")  # report flag problems by their own names
        if args.fault_endpoint:
            endpoints = dict(base.get("endpoints") or {})
            endpoints.update({name: spec for name in args.fault_endpoint})
            base["endpoints"] = endpoints
        else:
            base["global"] = {**(base.get("global") or {}), **spec}
    elif args.fault_endpoint:
        raise ValueError("--fault-endpoint: give at least one fault flag to apply to it")
    return FaultConfig.from_dict(base)


def _fail(message: str, code: int) -> int:
    print(f"fake-server: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    """Serves until interrupted. Prints where, and with which key; returns the exit code: 2 for bad
    flags, 1 when the extra is missing, the port is taken or the `--db` file cannot be used."""
    if extra.missing() is not None:
        print(extra.needs_extra("spoki-actions fake-server"), file=sys.stderr)
        return 1
    try:
        config = config_from_args(args)
    except (ValueError, OSError) as exc:
        return _fail(str(exc), 2)

    import socket
    import sqlite3

    import uvicorn

    from .app import create_app, sim_state
    from .server import bind_socket, uvicorn_config

    try:
        sock = bind_socket(args.host, args.port)
    except socket.gaierror as exc:
        return _fail(f"--host {args.host}: unknown host ({exc.strerror or exc})", 2)
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", 1)
    try:
        app = create_app(config)
    except (sqlite3.Error, OSError, ValueError, TypeError, KeyError) as exc:
        sock.close()
        detail = str(exc).replace("\n", " ") or type(exc).__name__
        return _fail(f"cannot use --db {config.db_path}: {detail}", 1)
    # a wildcard bind serves every interface; clients reach it (and the runtime accepts plain http) on loopback
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(args.host, args.host)
    host = f"[{shown}]" if ":" in shown else shown
    root = f"http://{host}:{sock.getsockname()[1]}"
    storage = f"SQLite file {config.db_path}" if config.db_path else "memory"
    print(f"Spoki simulator: {root}/api/1", flush=True)
    print(f"  X-Spoki-Api-Key: {config.api_key}   (partner key, partners/ only: {config.partner_key})")
    print(f"  data seed {config.data_seed}, state in {storage}, "
          f"rate limits {'on' if config.rate_limits.enabled else 'off'}, "
          f"faults {'ON' if config.faults.active else 'off'}"
          + (", agencies/ and custom-fields/ as bare arrays" if config.bare_lists else ""))
    print(f"  control: {root}/_control/  (reset/, faults/, rate-limits/, clock/, bare-lists/; same account key)")
    print("  Ctrl-C to stop.", flush=True)
    try:
        uvicorn.Server(uvicorn_config(app, args.log_level)).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        sim_state(app).close()
    return 0
