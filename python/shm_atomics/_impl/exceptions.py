"""The seed's exceptions, with its attributes and reprs (messages without the seed's
doubled spaces)."""
from .enums import MemoryOrder, OpType


class AlignmentError(Exception):
    """A buffer's address does not meet the alignment of its width."""

    def __init__(self, width: int, address: int, *, using_recommended: bool):
        self.width: int = width
        self.address: int = address
        self.using_recommended: bool = using_recommended
        u_type = "recommended" if using_recommended else "minimum"
        super().__init__(
            f"The alignment of address {hex(address)} does not meet the {u_type} "
            f"alignment requirements for atomic operations on objects with a width of "
            f"{width}."
        )

    def __repr__(self):
        return (f"{self.__class__.__name__}(width={self.width}, address={self.address}, "
                f"using_recommended={self.using_recommended})")


class MemoryOrderError(Exception):
    """An operation was given a memory order it cannot take."""

    def __init__(self, optype: OpType, order: MemoryOrder, *, is_fail: bool):
        self.optype: OpType = optype
        self.order: MemoryOrder = order
        self.is_fail: bool = is_fail
        f_type = "fail " if is_fail else ""
        v_type = "an" if optype.name.lower()[0] in "aeiou" else "a"
        super().__init__(
            f"{order.name} is not a valid {f_type}memory order for {v_type} "
            f"{optype.name} operation."
        )

    def __repr__(self):
        return (f"{self.__class__.__name__}(optype=OpType.{self.optype.name}, "
                f"order=MemoryOrder.{self.order.name}, is_fail={self.is_fail})")


class UnsupportedWidthException(Exception):
    """No atomic operations exist (lock-free) for objects of this width."""

    def __init__(self, width: int, *, readonly: bool):
        self.width: int = width
        self.readonly: bool = readonly
        r_type = " readonly " if readonly else " "
        super().__init__(
            f"No operations are supported on{r_type}objects with a width of {width}.")

    def __repr__(self):
        return f"{self.__class__.__name__}(width={self.width}, readonly={self.readonly})"


class UnsupportedOperationException(Exception):
    """The object does not offer this operation (its kind, or a read-only buffer)."""

    def __init__(self, optype: OpType, width: int, *, readonly: bool):
        self.optype: OpType = optype
        self.width: int = width
        self.readonly: bool = readonly
        r_type = "readonly " if readonly else ""
        super().__init__(
            f"Operation {optype.name} is not supported on {r_type}objects with a width "
            f"of {width}.")

    def __repr__(self):
        return (f"{self.__class__.__name__}(optype=OpType.{self.optype.name}, "
                f"width={self.width}, readonly={self.readonly})")
