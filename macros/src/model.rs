//! The layout model: what `parse` builds and `expand` reads. It cannot hold an illegal
//! layout: widths are a `Width`, kinds a `Kind`, alignments checked powers of two.

use proc_macro2::{Ident, Span, TokenStream};

/// The width of a value, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    W1 = 1,
    W2 = 2,
    W4 = 4,
    W8 = 8,
    W16 = 16,
}

impl Width {
    pub fn from_bytes(n: u64) -> Option<Width> {
        match n {
            1 => Some(Width::W1),
            2 => Some(Width::W2),
            4 => Some(Width::W4),
            8 => Some(Width::W8),
            16 => Some(Width::W16),
            _ => None,
        }
    }

    pub fn bytes(self) -> usize {
        self as usize
    }
}

/// The kind of a value, as the runtime's `Kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Uint,
    Bytes,
    Bool,
    Float,
}

impl Kind {
    /// The runtime's variant name.
    pub fn variant(self) -> &'static str {
        match self {
            Kind::Int => "Int",
            Kind::Uint => "Uint",
            Kind::Bytes => "Bytes",
            Kind::Bool => "Bool",
            Kind::Float => "Float",
        }
    }
}

/// A value type: the Rust type written, its kind and width.
#[derive(Clone, Debug)]
pub struct ValueType {
    /// The plain Rust type, e.g. `u64` or `[u8; 16]`.
    pub rust: TokenStream,
    pub kind: Kind,
    pub width: Width,
}

/// What one element of a field is.
#[derive(Clone, Debug)]
pub enum Elem {
    Value(ValueType),
    /// A nested `#[atomic_layout]` struct, by its path.
    Layout(TokenStream),
}

/// A power-of-two alignment given by an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Align(pub usize);

#[derive(Clone, Debug)]
pub struct Field {
    pub name: Ident,
    pub vis: TokenStream,
    /// `#[doc = ...]` attributes, carried to the accessor and the snapshot field.
    pub docs: Vec<TokenStream>,
    pub elem: Elem,
    /// The length of an array field: a literal or any const expression (`MAX_WORKERS`).
    pub array_len: Option<TokenStream>,
    pub align: Option<Align>,
    /// The span of the `N` in `#[atomic(align = N)]`, for the assertion about it.
    pub align_span: Option<Span>,
    /// The span of the field's type, for errors and assertions about it.
    pub ty_span: Span,
}

#[derive(Clone, Debug)]
pub struct Model {
    pub name: Ident,
    pub vis: TokenStream,
    /// Attributes of the struct to keep (docs, cfg_attr, allow, ...).
    pub attrs: Vec<TokenStream>,
    pub fields: Vec<Field>,
    pub align: Option<Align>,
    /// The path of the runtime (`::shm_atomics` unless `crate = "..."`).
    pub krate: TokenStream,
}
