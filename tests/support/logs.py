"""Capturing every log line the process writes, for tests that no secret or personal data
reaches one."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager


@contextmanager
def every_log_line(loggers: Iterable[str]) -> Iterator[io.StringIO]:
    """Every record of ``loggers`` and of every ``travelbot.*`` logger, all set to DEBUG, as the
    service's own formatter prints it (Powertools' JSON, extras included) into the stream
    yielded. The handler is removed and the levels restored afterwards."""
    stream = io.StringIO()
    service = logging.getLogger("travelbot")
    handler = logging.StreamHandler(stream)
    if service.handlers and service.handlers[0].formatter is not None:
        handler.setFormatter(service.handlers[0].formatter)
    names = [*loggers, *(n for n in logging.root.manager.loggerDict if n.startswith("travelbot."))]
    touched = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in touched]
    for logger in touched:
        logger.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    service.addHandler(handler)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)
        service.removeHandler(handler)
        for logger, level in zip(touched, levels, strict=True):
            logger.setLevel(level)
