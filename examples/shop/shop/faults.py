"""Regression knobs for demos and tests.

SHOP_FAULT=errors  answer about SHOP_FAULT_RATE (default 0.08) of API requests 500
SHOP_FAULT=slow    add SHOP_FAULT_DELAY_MS (default 300) to every API request
Anything else (or unset) injects nothing.

SHOP_FAULT_FILE=PATH  the fault is read from this file (its first word) on
every request instead, so a regression can be injected into a release that is
already running (bench/rollback measures how fast pinwheel reacts).

/healthz is never affected, so a faulty release still becomes ready and only
its SLIs give it away.
"""
import os
import random
import time


class Faults:
    def __init__(self, environ=os.environ):
        self.kind = environ.get("SHOP_FAULT", "").strip().lower()
        self.rate = float(environ.get("SHOP_FAULT_RATE", "0.08"))
        self.delay = float(environ.get("SHOP_FAULT_DELAY_MS", "300")) / 1000.0
        self.file = environ.get("SHOP_FAULT_FILE", "")
        self._rng = random.Random(environ.get("PORT", "0"))

    def current(self):
        if not self.file:
            return self.kind
        try:
            with open(self.file) as f:
                return (f.read().split() or [""])[0].lower()
        except OSError:
            return ""

    def describe(self):
        kind = self.current()
        if kind == "errors":
            return f"errors ({self.rate:.0%} of API requests answer 500)"
        if kind == "slow":
            return f"slow (+{self.delay * 1000:.0f} ms per API request)"
        return "none"

    def before_request(self):
        """Returns True when this request must fail."""
        kind = self.current()
        if kind == "slow":
            time.sleep(self.delay)
        return kind == "errors" and self._rng.random() < self.rate
