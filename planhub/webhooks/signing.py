"""The signature of a delivery: HMAC-SHA256, keyed with the webhook's secret, of
"<timestamp>.<body>". Signing the timestamp with the body lets a receiver refuse a replayed
request (docs/webhooks.md shows the receiver's check)."""

import hashlib
import hmac


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The X-PlanHub-Signature header's value."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
