"""Private implementation modules of shm_atomics, laid out as the `atomics` package's
`atomics._impl` (so code written against its layout finds the same modules). Their
public names are imported from `shm_atomics`, `shm_atomics.exc`, `.base`, `.view` and
`.ctx`; the segment API is the public module `shm_atomics.segment`."""
