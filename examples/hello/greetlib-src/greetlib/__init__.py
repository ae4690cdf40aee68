"""greetlib: the example service's one dependency, packaged as a wheel by
pinwheel's own wheelsrc package (see examples/hello/README.md)."""

__version__ = "1.0.0"


def greet(name: str) -> str:
    return f"hello, {name}!"


def main() -> None:
    """Console script `greet NAME`."""
    import sys

    print(greet(sys.argv[1] if len(sys.argv) > 1 else "world"))
