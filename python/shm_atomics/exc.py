"""The seed's exceptions (`atomics.exc`)."""
from ._impl.exceptions import (AlignmentError, MemoryOrderError,
                               UnsupportedOperationException, UnsupportedWidthException)

__all__ = ["AlignmentError", "MemoryOrderError", "UnsupportedOperationException",
           "UnsupportedWidthException"]
