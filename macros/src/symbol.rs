//! The names the macro reads in the user's code, in one place (serde_derive's
//! `symbol.rs`): `parse` compares paths with them and error messages print them, so a
//! renamed key cannot leave a message naming the old one.

use std::fmt::{self, Display};

use syn::Path;

/// A name the macro recognises in an attribute.
#[derive(Clone, Copy, Debug)]
pub struct Symbol(&'static str);

/// The struct attribute, `#[atomic_layout(...)]`.
pub const ATOMIC_LAYOUT: Symbol = Symbol("atomic_layout");
/// The field attribute, `#[atomic(...)]`.
pub const ATOMIC: Symbol = Symbol("atomic");
/// `align = N`, in both attributes.
pub const ALIGN: Symbol = Symbol("align");
/// `crate = "path"`, in `#[atomic_layout(...)]`.
pub const CRATE: Symbol = Symbol("crate");
/// Doc comments (`#[doc = "..."]`), the only other attribute a field may carry.
pub const DOC: Symbol = Symbol("doc");

/// Names of the inherent methods `expand` generates; a field accessor of the same name
/// would clash with them.
pub const RESERVED: &[&str] = &["new", "from_mut", "snapshot", "store_snapshot"];

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for &Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
