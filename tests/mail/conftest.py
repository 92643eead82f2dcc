import pytest

from .smtp import SmtpServer


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    server.configure(settings)
    try:
        yield server
    finally:
        server.stop()
