"""`Alignment`: the seed's alignment checker for a width."""
from .. import _native as _n


class Alignment:
    """Alignment requirements of atomics of `width` bytes; raises
    `UnsupportedWidthException` for a width no atomic has here."""

    def __init__(self, width: int):
        recommended, minimum = _n.alignment_of(width)
        self.width: int = width
        self.recommended: int = recommended
        self.minimum: int = minimum
        self.size_within: int = 0

    def __str__(self):
        return (f"{self.__class__.__name__}(width={self.width}, recommended="
                f"{self.recommended}, minimum={self.minimum}, size_within="
                f"{self.size_within})")

    def _address(self, buffer) -> int:
        try:
            address, nbytes, _ = _n.buffer_info(buffer)
        except TypeError:
            raise TypeError(
                "Positional argument 'buffer' must support the buffer protocol.") from None
        if nbytes != self.width:
            raise ValueError(
                f"Positional argument 'buffer' does not have matching width of {self.width}.")
        return address

    def is_valid(self, buffer, *, using_recommended: bool = True) -> bool:
        """Whether `buffer` (of exactly `width` bytes) is aligned for an atomic view."""
        address = self._address(buffer)
        align = self.recommended if using_recommended else self.minimum
        return address % align == 0

    def is_valid_recommended(self, buffer) -> bool:
        """`is_valid(buffer)` with the recommended alignment (what views require)."""
        return self.is_valid(buffer, using_recommended=True)

    def is_valid_minimum(self, buffer) -> bool:
        """`is_valid(buffer)` with the minimum alignment."""
        return self.is_valid(buffer, using_recommended=False)
