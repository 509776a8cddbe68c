# Pyrite's asyncio package (frozen into the binary).  See docs/library/asyncio.rst in
# MicroPython for the API; this is Pyrite's own implementation of it.

from .core import (
    CancelledError,
    TimeoutError,
    Task,
    Loop,
    sleep,
    sleep_ms,
    create_task,
    current_task,
    run,
    run_until_complete,
    get_event_loop,
    new_event_loop,
)
from .funcs import gather, wait_for, wait_for_ms
from .event import Event, ThreadSafeFlag
from .lock import Lock
from .stream import (
    Stream,
    StreamReader,
    StreamWriter,
    Server,
    open_connection,
    start_server,
)

__version__ = (3, 0, 0)
