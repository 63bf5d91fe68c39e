"""The ``cloudcore`` command.

``cloudcore services`` lists the models on the search path; ``cloudcore describe SERVICE``
shows one model's operations, paginators and waiters; ``cloudcore emulator`` and
``cloudcore demo`` run the local cloud (see ``cloudcore.emulator``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["main"]


def _services(args: argparse.Namespace) -> int:
    from cloudcore.session import Session

    session = Session()
    for name in session.loader.list_available_services(args.provider, qualified=True):
        cloud, service = name.split(".", 1)
        versions = session.loader.list_api_versions(service, cloud)
        print(f"{name:32} {', '.join(versions)}")
    return 0


def _describe(args: argparse.Namespace) -> int:
    from cloudcore.session import Session

    model = Session().get_service_model(args.service, args.api_version, args.provider)
    meta = model.metadata
    print(f"{model.cloud}.{model.service_name} {model.api_version}")
    print(f"  protocol {model.protocol}, signature {model.signature_version}")
    print(f"  endpoint prefix {meta.get('endpointPrefix', '')}")
    for name in model.operation_names:
        op = model.operation_model(name)
        print(f"  {op.python_name:40} {name}")
    return 0


def _build_parser() -> argparse.ArgumentParser:
    from cloudcore import __version__

    parser = argparse.ArgumentParser(
        prog="cloudcore", description="A data-driven, multi-cloud SDK core."
    )
    parser.add_argument("--version", action="version", version=f"cloudcore {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    services = sub.add_parser("services", help="list the service models on the search path")
    services.add_argument("--provider", help="only this cloud (aliyun, tencentcloud, aws)")
    services.set_defaults(run=_services)

    describe = sub.add_parser("describe", help="show a service model's operations")
    describe.add_argument("service")
    describe.add_argument("--provider")
    describe.add_argument("--api-version")
    describe.set_defaults(run=_describe)

    for register in _extra_commands():
        register(sub)
    return parser


# Modules with a ``register_commands(subparsers)`` that adds their own subcommands.
_COMMAND_MODULES = ("cloudcore.emulator.cli", "cloudcore.demo")


def _extra_commands() -> list[Callable[[Any], None]]:
    """Subcommands that live beside the code they run (the emulator's, for one)."""
    import importlib

    found = []
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        found.append(module.register_commands)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    from cloudcore.exceptions import CloudcoreError

    try:
        code: int = args.run(args)
    except CloudcoreError as e:
        print(f"cloudcore: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
