"""shop: a small stdlib-only JSON web service used by pinwheel's demo and e2e tests."""

__version__ = "1.0.0"
