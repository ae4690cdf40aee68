import hashlib
import hmac
import time


def verify_pinwheel(secret: bytes, headers, body: bytes, tolerance: int = 300) -> bool:
    """True if body came from pinwheel: signed with secret within tolerance seconds."""
    timestamp = headers.get("X-Pinwheel-Timestamp", "")
    signature = headers.get("X-Pinwheel-Signature", "")
    if not (timestamp.isascii() and signature.isascii()):
        return False  # pinwheel sends ASCII only; compare_digest would raise
    if not timestamp.isdigit() or len(timestamp) > 12 or abs(time.time() - int(timestamp)) > tolerance:
        return False  # missing, malformed or replayed
    expected = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(("sha256=" + expected).encode(), signature.encode())
