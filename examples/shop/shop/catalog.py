"""The shop's catalog and orders, kept in memory."""
import threading

PRODUCTS = [
    {"id": 1, "name": "pinwheel", "price_cents": 450, "stock": 40},
    {"id": 2, "name": "kite", "price_cents": 1800, "stock": 12},
    {"id": 3, "name": "yo-yo", "price_cents": 300, "stock": 75},
    {"id": 4, "name": "spinning top", "price_cents": 650, "stock": 20},
]


class Orders:
    """Orders placed since the process started (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._orders = []

    def place(self, product_id, quantity):
        product = find(product_id)
        if product is None:
            raise LookupError(f"no product {product_id}")
        if not isinstance(quantity, int) or quantity < 1:
            raise ValueError("quantity must be a positive integer")
        with self._lock:
            order = {
                "id": len(self._orders) + 1,
                "product_id": product_id,
                "quantity": quantity,
                "total_cents": product["price_cents"] * quantity,
            }
            self._orders.append(order)
        return order

    def count(self):
        with self._lock:
            return len(self._orders)


def find(product_id):
    for p in PRODUCTS:
        if p["id"] == product_id:
            return p
    return None
