"""``cloudcore emulator``: run the local cloud in the foreground until SIGINT/SIGTERM.

Prints exactly one line when ready: ``cloudcore emulator listening on http://HOST:PORT``.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from cloudcore.emulator.credential_table import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET

__all__ = ["register_commands", "run"]


def register_commands(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "emulator",
        help="run the local cloud emulator",
        description="Serve every shipped model on one loopback port (see docs/emulator.md).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--access-key-id", default=DEFAULT_ACCESS_KEY_ID)
    parser.add_argument("--access-key-secret", default=DEFAULT_ACCESS_KEY_SECRET)
    parser.add_argument(
        "--faults", default=None, help="fault SPEC, e.g. 'ecs.DescribeInstances:throttle=0.3'"
    )
    parser.add_argument("--seed", type=int, default=None, help="seed for fault injection")
    parser.add_argument(
        "--transition-seconds",
        type=float,
        default=1.0,
        help="how long transient states such as Pending last",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cloudcore.emulator.faults import FaultSpecError
    from cloudcore.emulator.server import Emulator

    try:
        emulator = Emulator(
            host=args.host,
            port=args.port,
            credentials=(args.access_key_id, args.access_key_secret),
            faults=args.faults,
            seed=args.seed,
            transition_seconds=args.transition_seconds,
        )
    except FaultSpecError as e:
        print(f"cloudcore emulator: bad --faults: {e}", file=sys.stderr)
        return 2
    try:
        emulator.bind()
    except OSError as e:
        print(f"cloudcore emulator: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1

    def stop(signum: int, frame: Any) -> None:
        # shutdown() waits for serve_forever to return, so it must run on another thread.
        threading.Thread(target=emulator.stop, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(f"cloudcore emulator listening on {emulator.url}", flush=True)
    emulator.serve_forever()
    return 0
