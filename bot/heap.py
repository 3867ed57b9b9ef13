"""The objects a process builds at start-up, kept out of the garbage collector's full passes.

Modules, the Bolt app, SQLAlchemy's mappers and compiled statements, the catalogs: about
200,000 objects that live as long as the process. CPython's full collection walks every one
of them, about 60 ms each time on this kind of machine, and it runs whenever enough new
objects have survived, so a request or a digest batch that happens to trigger it waits that
long. `gc.freeze` moves them into a generation no collection visits; what is built after
start-up is collected as usual. Frozen objects are still freed by reference counting; only a
cycle among them that becomes garbage stays until exit, which start-up's objects, living as
long as the process, do not become.
"""

from __future__ import annotations

import gc


def freeze_start_up() -> None:
    """Call once start-up is done, just before the process begins to serve."""
    gc.collect()  # what start-up left behind goes now, not into the frozen generation
    gc.freeze()
