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


if __name__ == "__main__":
    unittest.main()
