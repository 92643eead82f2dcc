"""channels.testing's WebsocketCommunicator for the consumer tests. channels.testing imports
daphne for its live-server test case, which PlanHub does not use (it serves with uvicorn):
without daphne installed, a stand-in module lets the communicator import."""

import sys
import types

try:
    import daphne.testing  # noqa: F401
except ImportError:
    stub = types.ModuleType("daphne.testing")
    stub.DaphneProcess = object
    sys.modules.setdefault("daphne", types.ModuleType("daphne"))
    sys.modules["daphne.testing"] = stub

from channels.testing import WebsocketCommunicator  # noqa: E402

__all__ = ["WebsocketCommunicator"]
