"""Old home of the segment API, kept so `from shm_atomics._impl.segment import ...` still
works: the public module is `shm_atomics.segment` (or import from `shm_atomics`)."""
from ..segment import (Event, Field, FieldArray, FieldGroup, FieldInfo, Layout,  # noqa: F401
                       PathError, Segment, SegmentError, SegmentInfo, SeqRecord, SeqSnapshot,
                       Striped)
