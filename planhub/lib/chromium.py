"""How this project launches Debian's Chromium (browser tests and the PDF engine benchmark):
`playwright install` needs the internet, so Playwright drives the system browser."""

import os

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
