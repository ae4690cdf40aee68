#!/usr/bin/env python3
# /// script
# requires-python = ">=3.12"
# dependencies = [
#     "httpx>=0.27",
#     "rich>=13",
#     "tzdata; sys_platform == 'win32'",
# ]
# ///
"""Nightly report: fetch yesterday's orders and print a summary table."""

import httpx
from rich.console import Console
from rich.table import Table


def main() -> None:
    orders = httpx.get("http://orders.internal/api/v1/orders?since=yesterday", timeout=10).json()
    table = Table("order", "total")
    for o in orders:
        table.add_row(o["id"], f'{o["total"]:.2f}')
    Console().print(table)


if __name__ == "__main__":
    main()
