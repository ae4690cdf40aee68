"""hello: a tiny HTTP service pinwheel builds in its examples and tests."""
