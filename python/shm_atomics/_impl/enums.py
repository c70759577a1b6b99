"""`MemoryOrder` and `OpType`, with the seed's members and values."""
import enum


class MemoryOrder(enum.IntEnum):
    """C++11 memory orders (no CONSUME), as in the seed. Every operation defaults to
    `SEQ_CST`."""

    RELAXED = 0
    # CONSUME = 1
    ACQUIRE = 2
    RELEASE = 3
    ACQ_REL = 4
    SEQ_CST = 5

    def is_valid_store_order(self) -> bool:
        """Whether a store may take this order (RELAXED, RELEASE, SEQ_CST)."""
        return self.value not in (1, 2, 4)

    def is_valid_load_order(self) -> bool:
        """Whether a load (and `bit_test`) may take this order (RELAXED, ACQUIRE,
        SEQ_CST)."""
        return self.value not in (3, 4)

    def is_valid_fail_order(self, succ: "MemoryOrder") -> bool:
        """Whether a compare-exchange may fail with this order: any load order, whatever
        the success order `succ` (C++17 and Rust; the seed also required it to be no
        stronger than `succ`, the C++11 rule)."""
        del succ
        return self.is_valid_load_order()


class OpType(enum.IntEnum):
    """The atomic operations, with the seed's names and values (what `ops_supported`
    lists)."""

    STORE = 1
    LOAD = 2
    EXCHANGE = 3
    CMPXCHG_WEAK = 4
    CMPXCHG_STRONG = 5
    BIT_TEST = 6
    BIT_TEST_COMPL = 7
    BIT_TEST_SET = 8
    BIT_TEST_RESET = 9
    OR = 10
    XOR = 11
    AND = 12
    NOT = 13
    FETCH_OR = 14
    FETCH_XOR = 15
    FETCH_AND = 16
    FETCH_NOT = 17
    ADD = 18
    SUB = 19
    INC = 20
    DEC = 21
    NEG = 22
    FETCH_ADD = 23
    FETCH_SUB = 24
    FETCH_INC = 25
    FETCH_DEC = 26
    FETCH_NEG = 27
