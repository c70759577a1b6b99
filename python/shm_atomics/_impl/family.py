"""The seed's class families: `Atomic` is the base of every owned atomic class and
`AtomicIntegral` of the integer ones (likewise `AtomicView`, `AtomicIntegralView`), as
in atomics 1.0.3. The native classes are separate types, so these bases are subclasses
of the native `Atomic`/`AtomicIntegral` (so they can be instantiated and subclassed) whose
metaclass also counts the family's
other native classes in `isinstance` and `issubclass`:

    >>> import shm_atomics
    >>> from shm_atomics.base import AtomicIntegral
    >>> isinstance(shm_atomics.atomic(width=4, atype=shm_atomics.INT), AtomicIntegral)
    True
"""


class Family(type):
    """Metaclass: a class whose `_family` (native classes) count as its subclasses."""

    def __instancecheck__(cls, obj):
        return cls.__subclasscheck__(type(obj))

    def __subclasscheck__(cls, sub):
        if type.__subclasscheck__(cls, sub):
            return True
        family = cls.__dict__.get("_family", ())
        return isinstance(sub, type) and any(issubclass(sub, f) for f in family)


def family(native, members, doc):
    """A subclass of `native` (same name) whose instances and subclasses include every
    class in `members`."""
    return Family(native.__name__, (native,),
                  {"_family": (native,) + tuple(members), "__doc__": doc,
                   "__module__": None})
