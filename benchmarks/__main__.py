"""`python -m benchmarks <name> [--database-url URL] …`: run one benchmark, or `all` of them.

Each prints its figures beside a baseline measured in the same run. `--database-url` names a
PostgreSQL server where the benchmark may create (and drop) a database of its own; without
it a SQLite file in a temporary folder is used.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from benchmarks import (
    dashboard_bench,
    digests_bench,
    dms_bench,
    growth_bench,
    import_bench,
    load_bench,
    reminders_bench,
    reschedule_bench,
    soak,
    startup_bench,
    status_bench,
)

BENCHMARKS: dict[str, ModuleType] = {
    module.NAME: module
    for module in (
        status_bench,
        load_bench,
        digests_bench,
        reminders_bench,
        startup_bench,
        dms_bench,
        reschedule_bench,
        growth_bench,
        dashboard_bench,
        import_bench,
        soak,
    )
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    names = parser.add_subparsers(dest="name", required=True, metavar="NAME")
    for name, module in [*BENCHMARKS.items(), ("all", None)]:
        doc = (module.__doc__ if module else "every benchmark, one after the other, with its defaults") or ""
        sub = names.add_parser(
            name,
            help=doc.splitlines()[0],
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("--database-url", help="a PostgreSQL server URL (default: a SQLite file)")
        if module is not None:
            module.add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # The app logs every scheduled send; a benchmark prints figures, not thousands of lines.
    logging.basicConfig(level=logging.ERROR)
    if args.name != "all":
        BENCHMARKS[args.name].run(args)
        return 0
    for module in BENCHMARKS.values():
        defaults = build_parser().parse_args([module.NAME])
        defaults.database_url = args.database_url
        module.run(defaults)
    return 0


if __name__ == "__main__":
    sys.exit(main())
