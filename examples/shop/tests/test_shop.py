"""Unit tests for the shop: python3 -m unittest discover -s tests (from examples/shop)."""
import unittest

from shop import catalog
from shop.faults import Faults


class CatalogTest(unittest.TestCase):
    def test_place_order_totals_price(self):
        orders = catalog.Orders()
        order = orders.place(2, 3)
        self.assertEqual(order["total_cents"], 3 * 1800)
        self.assertEqual(orders.count(), 1)

    def test_unknown_product_and_bad_quantity(self):
        orders = catalog.Orders()
        with self.assertRaises(LookupError):
            orders.place(99, 1)
        with self.assertRaises(ValueError):
            orders.place(1, 0)


class FaultsTest(unittest.TestCase):
    def test_errors_fault_fails_about_the_configured_share(self):
        f = Faults({"SHOP_FAULT": "errors", "SHOP_FAULT_RATE": "0.25", "PORT": "1"})
        failed = sum(f.before_request() for _ in range(4000))
        self.assertTrue(800 < failed < 1200, failed)

    def test_no_fault_never_fails(self):
        f = Faults({})
        self.assertFalse(any(f.before_request() for _ in range(1000)))
        self.assertEqual(f.describe(), "none")


class FaultFileTest(unittest.TestCase):
    def test_fault_file_switches_a_running_release(self):
        import tempfile, os
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "fault")
            f = Faults({"SHOP_FAULT_FILE": path, "SHOP_FAULT_RATE": "1"})
            self.assertFalse(f.before_request())  # no file: no fault
            with open(path, "w") as fh:
                fh.write("errors\n")
            self.assertTrue(f.before_request())
            with open(path, "w") as fh:
                fh.write("")
            self.assertFalse(f.before_request())


class MetricsTest(unittest.TestCase):
    def test_histogram_is_cumulative_and_counts_match(self):
        from shop.metrics import Requests
        r = Requests()
        r.observe("GET", 200, 0.003)
        r.observe("GET", 200, 0.2)
        r.observe("GET", 500, 0.004)
        text = r.exposition()
        self.assertIn('http_requests_total{method="GET",code="200"} 2\n', text)
        self.assertIn('http_requests_total{method="GET",code="500"} 1\n', text)
        self.assertIn('http_request_duration_seconds_bucket{method="GET",code="200",le="0.005"} 1\n', text)
        self.assertIn('http_request_duration_seconds_bucket{method="GET",code="200",le="0.1"} 1\n', text)
        self.assertIn('http_request_duration_seconds_bucket{method="GET",code="200",le="0.25"} 2\n', text)
        self.assertIn('http_request_duration_seconds_bucket{method="GET",code="200",le="+Inf"} 2\n', text)
        self.assertIn('http_request_duration_seconds_count{method="GET",code="200"} 2\n', text)
        self.assertIn('http_request_duration_seconds_sum{method="GET",code="200"} 0.203', text)

    def test_server_counts_api_requests_by_status_only(self):
        import json, threading, urllib.error, urllib.request
        from http.server import ThreadingHTTPServer
        from shop import __main__ as app
        app.FAULTS = Faults({"SHOP_FAULT": "errors", "SHOP_FAULT_RATE": "1"})
        srv = ThreadingHTTPServer(("127.0.0.1", 0), app.Handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        self.addCleanup(srv.shutdown)
        base = f"http://127.0.0.1:{srv.server_address[1]}"
        for path in ("/api/products", "/api/products", "/healthz"):
            try:
                urllib.request.urlopen(base + path).read()
            except urllib.error.HTTPError as e:
                self.assertEqual(e.code, 500)
        with urllib.request.urlopen(base + "/metrics") as resp:
            self.assertTrue(resp.headers["Content-Type"].startswith("text/plain; version=0.0.4"))
            text = resp.read().decode()
        self.assertIn('http_requests_total{method="GET",code="500"} 2\n', text)
        self.assertNotIn('code="200"', text)  # /healthz and /metrics are not counted
        self.assertIn('http_request_duration_seconds_count{method="GET",code="500"} 2\n', text)


if __name__ == "__main__":
    unittest.main()
