"""A bounded load test of the chat API (steady phase, then a burst): ``python -m bench.load``.

The driver lives in :mod:`tests.support.load` (the e2e test runs it too); see its docstring for
what it measures and checks. The last line of output is one JSON object.
"""

from __future__ import annotations

import sys

from tests.support.load import main

if __name__ == "__main__":
    sys.exit(main())
