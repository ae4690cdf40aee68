"""Regression knobs for demos and tests, read once from the environment.

SHOP_FAULT=errors  answer about SHOP_FAULT_RATE (default 0.08) of API requests 500
SHOP_FAULT=slow    add SHOP_FAULT_DELAY_MS (default 300) to every API request
Anything else (or unset) injects nothing. /healthz is never affected, so a
faulty release still becomes ready and only its SLIs give it away.
"""
import os
import random
import time


class Faults:
    def __init__(self, environ=os.environ):
        self.kind = environ.get("SHOP_FAULT", "").strip().lower()
        self.rate = float(environ.get("SHOP_FAULT_RATE", "0.08"))
        self.delay = float(environ.get("SHOP_FAULT_DELAY_MS", "300")) / 1000.0
        self._rng = random.Random(environ.get("PORT", "0"))

    def describe(self):
        if self.kind == "errors":
            return f"errors ({self.rate:.0%} of API requests answer 500)"
        if self.kind == "slow":
            return f"slow (+{self.delay * 1000:.0f} ms per API request)"
        return "none"

    def before_request(self):
        """Returns True when this request must fail."""
        if self.kind == "slow":
            time.sleep(self.delay)
        return self.kind == "errors" and self._rng.random() < self.rate
