"""The seed's class families: `Atomic` is the base of every owned atomic class and
`AtomicIntegral` of the integer ones (likewise `AtomicView`, `AtomicIntegralView`), as
in atomics 1.0.3. The native classes are separate types, so `shm_atomics.base.Atomic`
and the others are subclasses of the native class of the same name (so they can be
instantiated and subclassed) whose metaclass, `Family`, also counts the family's other
native classes in `isinstance` and `issubclass`:

    >>> import shm_atomics
    >>> from shm_atomics.base import AtomicIntegral
    >>> isinstance(shm_atomics.atomic(width=4, atype=shm_atomics.INT), AtomicIntegral)
    True
"""


class Family(type):
    """Metaclass: the classes in a class's own `_family` count as its subclasses (a
    subclass of it has its own, empty, family)."""

    def __instancecheck__(cls, obj):
        return cls.__subclasscheck__(type(obj))

    def __subclasscheck__(cls, sub):
        if type.__subclasscheck__(cls, sub):
            return True
        family = cls.__dict__.get("_family", ())
        return isinstance(sub, type) and any(issubclass(sub, f) for f in family)
