"""channels.testing's WebsocketCommunicator for the consumer tests. channels.testing imports
daphne for its live-server test case, which PlanHub does not use (it serves with uvicorn):
without daphne installed, a stand-in module lets the communicator import.

Its waits default to 10 s instead of channels' 1 s: a first connection (imports, the channel
layer's first use) took over a second when the machine ran two test suites at once. A wait
that succeeds returns at once, so only a failing test waits longer."""

import sys
import types

try:
    import daphne.testing  # noqa: F401
except ImportError:
    stub = types.ModuleType("daphne.testing")
    stub.DaphneProcess = object
    sys.modules.setdefault("daphne", types.ModuleType("daphne"))
    sys.modules["daphne.testing"] = stub

from channels.testing import WebsocketCommunicator as ChannelsCommunicator  # noqa: E402

WAIT = 10


class WebsocketCommunicator(ChannelsCommunicator):
    async def connect(self, timeout=WAIT):
        return await super().connect(timeout)

    async def receive_from(self, timeout=WAIT):
        return await super().receive_from(timeout)

    async def receive_json_from(self, timeout=WAIT):
        return await super().receive_json_from(timeout)

    async def disconnect(self, code=1000, timeout=WAIT):
        return await super().disconnect(code, timeout)


__all__ = ["WebsocketCommunicator"]
