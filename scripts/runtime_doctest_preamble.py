#!/usr/bin/env python3
"""Make the runtime's doctests independent of the facade, which `cargo publish` strips
from the runtime's dev-dependencies (a versioned dev-dependency would be a publish cycle).

Each Rust code block in runtime/src gets a hidden `# use shm_atomics_runtime as
shm_atomics;`, so the visible `use shm_atomics::...` lines still read as users write them
and the block stays mergeable. Blocks using #[atomic_layout] instead get a hidden
`# extern crate shm_atomics_runtime as shm_atomics;` (the expansion names `::shm_atomics`,
which must be a crate) and `# use shm_atomics_macros::atomic_layout;`, drop the macro
from the visible import, and are marked `standalone_crate`. Idempotent; run from the
repository root; it also replaces the runtime's dev-dependency on the facade with one on
`shm-atomics-macros` (versioned, published before the runtime: no cycle)."""
import pathlib, re

EXTERN = "# extern crate shm_atomics_runtime as shm_atomics;"
ALIAS = "# use shm_atomics_runtime as shm_atomics;"
MACRO = "# use shm_atomics_macros::atomic_layout;"
FENCE = re.compile(r'^(\s*//[/!] ?)```([\w,]*)\s*$')


def drop_macro_import(line):
    m = re.match(r'^(\s*//[/!] ?)use shm_atomics::(\{[^}]*\}|atomic_layout);\s*$', line)
    if not m:
        return line
    prefix, body = m.groups()
    names = [] if body == 'atomic_layout' else [
        n.strip() for n in body[1:-1].split(',') if n.strip() and n.strip() != 'atomic_layout']
    if not names:
        return None
    inner = names[0] if len(names) == 1 else '{' + ', '.join(names) + '}'
    return f"{prefix}use shm_atomics::{inner};\n"


changed = 0
for path in sorted(pathlib.Path('runtime/src').rglob('*.rs')):
    lines = path.read_text().splitlines(keepends=True)
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        prefix, lang = m.groups()
        j = i + 1
        while j < len(lines) and not FENCE.match(lines[j]):
            j += 1
        opening, block = lines[i], lines[i + 1:j]
        closing = lines[j] if j < len(lines) else ''
        tags = [t for t in lang.split(',') if t]
        is_rust = all(t in ('rust', 'standalone_crate', 'no_run', 'should_panic') for t in tags)
        done = any(EXTERN in l or ALIAS in l for l in block)
        if is_rust and not done:
            pre = prefix if prefix.endswith(' ') else prefix + ' '
            if any('#[atomic_layout' in l for l in block):
                opening = f"{prefix}```rust,standalone_crate\n"
                block = [f"{pre}{EXTERN}\n", f"{pre}{MACRO}\n"] + [
                    b for b in (drop_macro_import(l) for l in block) if b is not None]
            else:
                block = [f"{pre}{ALIAS}\n"] + block
            changed += 1
        out += [opening] + block + ([closing] if closing else [])
        i = j + 1
    path.write_text(''.join(out))
print(f"{changed} doctests given the runtime preamble")

manifest = pathlib.Path('runtime/Cargo.toml')
text = manifest.read_text()
facade = re.compile(r'(# Doctests are written against the facade[^\n]*\n)?shm-atomics = \{ path = "\.\." \}\n')
if facade.search(text):
    text = facade.sub('shm-atomics-macros = { workspace = true }\n', text)
    manifest.write_text(text)
    print("runtime/Cargo.toml: dev-dependency on the facade replaced by shm-atomics-macros")
