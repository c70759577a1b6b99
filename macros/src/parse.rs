//! `syn` input to [`Model`], collecting every error with its span so the user sees all
//! of them in one compile.
//!
//! Every function reports into the one [`Errors`] sink and goes on where it can; where it
//! cannot (an enum, a field type it cannot read) it returns `None` after reporting, and
//! only [`parse`] turns the sink into the result, so no return path drops an error.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprLit, Fields, Item, Lit, LitInt, LitStr, Meta, Token, Type};

use crate::errors::Errors;
use crate::hints::{atomic_type_plain, check_derive, not_a_value_type_hint};
use crate::model::{Align, Elem, Field, Kind, Model, ValueType, Width};
use crate::symbol::{ALIGN, ATOMIC, ATOMIC_LAYOUT, CRATE, DOC, RESERVED, Symbol};

/// Parses the attribute arguments and the item into a model, or every error found.
pub fn parse(args: TokenStream, item: TokenStream) -> syn::Result<Model> {
    let mut errors = Errors::new();
    let model = parse_model(args, item, &mut errors);
    errors.check()?;
    // Every `None` below reports an error first, so the check above has returned.
    model.ok_or_else(|| {
        syn::Error::new(
            Span::call_site(),
            format!(
                "internal error: #[{ATOMIC_LAYOUT}] rejected this item without saying why; \
                 please report it with the struct"
            ),
        )
    })
}

/// The model, or `None` when the item is not a struct at all; every error goes to
/// `errors`, the attribute's arguments checked even then.
fn parse_model(args: TokenStream, item: TokenStream, errors: &mut Errors) -> Option<Model> {
    let (align, krate) = parse_args(args, errors);
    let item: Item = match syn::parse2(item) {
        Ok(item) => item,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    let st = match item {
        Item::Struct(s) => s,
        Item::Enum(e) => {
            errors.error(
                e.enum_token.span,
                format!(
                    "#[{ATOMIC_LAYOUT}] supports only structs with named fields, not enums: \
                     store a discriminant in an integer field (e.g. `state: u8`)"
                ),
            );
            return None;
        }
        Item::Union(u) => {
            errors.error(
                u.union_token.span,
                format!(
                    "#[{ATOMIC_LAYOUT}] supports only structs with named fields, not unions: \
                     use a `[u8; N]` field for raw bytes"
                ),
            );
            return None;
        }
        other => {
            errors.error(
                other.span(),
                format!("#[{ATOMIC_LAYOUT}] applies to a struct with named fields"),
            );
            return None;
        }
    };

    check_no_generics(&st.generics, errors);
    check_c_name(&st.ident, "layout", errors);

    let named = match &st.fields {
        Fields::Named(n) => Some(n),
        Fields::Unnamed(u) => {
            errors.error(
                u.span(),
                format!(
                    "#[{ATOMIC_LAYOUT}] needs named fields, not a tuple struct: write \
                     `struct Name {{ field: u64, .. }}` so each field gets an accessor and a \
                     C name"
                ),
            );
            None
        }
        Fields::Unit => {
            errors.error(
                st.ident.span(),
                format!(
                    "#[{ATOMIC_LAYOUT}] needs at least one named field: a unit struct has no \
                     layout (C has no empty structs)"
                ),
            );
            None
        }
    };

    let mut fields = Vec::new();
    if let Some(named) = named {
        if named.named.is_empty() {
            errors.error(
                st.ident.span(),
                format!("#[{ATOMIC_LAYOUT}] needs at least one field (C has no empty structs)"),
            );
        }
        for f in &named.named {
            if let Some(field) = parse_field(f, errors) {
                fields.push(field);
            }
        }
    }

    for a in &st.attrs {
        check_derive(a, &st.ident, errors);
    }
    let attrs = st
        .attrs
        .iter()
        .filter(|a| a.path() != ATOMIC_LAYOUT)
        .map(|a| a.to_token_stream())
        .collect();

    Some(Model {
        name: st.ident,
        vis: st.vis.to_token_stream(),
        attrs,
        fields,
        align,
        krate: krate.unwrap_or_else(|| quote!(::shm_atomics)),
    })
}

/// Rule: a layout is one concrete memory layout, shared with other processes and C, so
/// it has no type or lifetime parameters.
fn check_no_generics(generics: &syn::Generics, errors: &mut Errors) {
    for p in &generics.params {
        let what = match p {
            syn::GenericParam::Lifetime(_) => "lifetime parameters",
            syn::GenericParam::Type(_) => "type parameters",
            syn::GenericParam::Const(_) => "const parameters",
        };
        errors.spanned(
            p,
            format!(
                "#[{ATOMIC_LAYOUT}] structs cannot have {what}: a layout is one fixed memory \
                 layout shared with other processes and C; write a concrete struct"
            ),
        );
    }
    if let Some(w) = &generics.where_clause {
        errors.spanned(
            w,
            format!(
                "#[{ATOMIC_LAYOUT}] structs cannot have a where clause: a layout is one fixed \
                 memory layout shared with other processes and C; remove it and use concrete \
                 field types"
            ),
        );
    }
}

/// Parses `#[atomic_layout(...)]`'s arguments. A bad key or value is reported and the
/// parse goes on with the next key, so every bad key shows in one compile.
fn parse_args(args: TokenStream, errors: &mut Errors) -> (Option<Align>, Option<TokenStream>) {
    let mut align: Option<(Option<Align>, Span)> = None;
    let mut krate: Option<(Option<TokenStream>, Span)> = None;
    if args.is_empty() {
        return (None, None);
    }
    let parser = syn::meta::parser(|meta| {
        let key_span = meta.path.span();
        if meta.path == ALIGN {
            let Some(lit) = keep_going(align_value(&meta, ATOMIC_LAYOUT), &meta, errors)? else {
                return Ok(());
            };
            let parsed = parse_align(&lit, errors);
            if let Some((_, first)) = &align {
                duplicate(errors, ALIGN, key_span, *first);
            } else {
                align = Some((parsed, key_span));
            }
        } else if meta.path == CRATE {
            let Some(lit) = keep_going(crate_value(&meta), &meta, errors)? else {
                return Ok(());
            };
            let path = match lit.parse::<syn::Path>() {
                Ok(p) => Some(p.to_token_stream()),
                Err(_) => {
                    errors.error(
                        lit.span(),
                        format!(
                            "`{CRATE} = {:?}` is not a path: name the runtime crate as it is \
                             known to this crate, e.g. `{CRATE} = \"::shm_atomics\"`",
                            lit.value()
                        ),
                    );
                    None
                }
            };
            if let Some((_, first)) = &krate {
                duplicate(errors, CRATE, key_span, *first);
            } else {
                krate = Some((path, key_span));
            }
        } else {
            let key = meta.path.to_token_stream().to_string().replace(' ', "");
            errors.push(meta.error(format!(
                "unknown key `{key}` in #[{ATOMIC_LAYOUT}(..)]: supported keys are \
                 `{ALIGN} = N` and `{CRATE} = \"path\"`"
            )));
            skip_value(&meta)?;
        }
        Ok(())
    });
    if let Err(e) = syn::parse::Parser::parse2(parser, args) {
        errors.push(e);
    }
    (align.and_then(|a| a.0), krate.and_then(|k| k.0))
}

/// Reports a key's bad value and skips what is left of it, so that the parse of the
/// attribute can go on with the next key (`parse_nested_meta` stops at the first `Err`,
/// dropping the keys after it).
fn keep_going<T>(
    value: syn::Result<T>,
    meta: &ParseNestedMeta,
    errors: &mut Errors,
) -> syn::Result<Option<T>> {
    match value {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            errors.push(e);
            skip_value(meta)?;
            Ok(None)
        }
    }
}

/// Skips the rest of one `key = value` or `key(...)` entry: every token up to the next
/// top-level comma (a group is one token, so commas inside it do not count).
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    meta.input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            if matches!(&tt, TokenTree::Punct(p) if p.as_char() == ',') {
                break;
            }
            rest = next;
        }
        Ok(((), rest))
    })
}

/// The literal of `align = N`; a missing or non-integer value is an error showing the
/// expected form (syn's own "expected `=`" points past the key and names no example).
fn align_value(meta: &ParseNestedMeta, attr: Symbol) -> syn::Result<LitInt> {
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format!(
            "`{ALIGN}` needs a value: write `{ALIGN} = N` with N a power of two, e.g. \
             #[{attr}({ALIGN} = 64)]"
        )));
    }
    match meta.value()?.parse::<Expr>()? {
        Expr::Lit(ExprLit {
            lit: Lit::Int(lit), ..
        }) => Ok(lit),
        other => Err(syn::Error::new_spanned(
            other,
            format!(
                "`{ALIGN}` takes an integer literal, a power of two: e.g. \
                 #[{attr}({ALIGN} = 64)]"
            ),
        )),
    }
}

/// The string of `crate = "path"`, with an error showing the expected form.
fn crate_value(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    let form = || {
        format!(
            "`{CRATE}` takes the runtime's path as a string: e.g. \
             #[{ATOMIC_LAYOUT}({CRATE} = \"::shm_atomics\")]"
        )
    };
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(form()));
    }
    match meta.value()?.parse::<Expr>()? {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Ok(lit),
        other => Err(syn::Error::new_spanned(other, form())),
    }
}

fn duplicate(errors: &mut Errors, key: Symbol, span: Span, first: Span) {
    errors.error(span, format!("duplicate `{key}`: give it once"));
    errors.error(first, format!("`{key}` first given here"));
}

/// The largest alignment a layout or field may ask for: the page size that `mmap`
/// promises on every supported target. A segment's payload is mapped at a page boundary
/// plus a multiple of its alignment, so anything larger could not be honoured. The
/// runtime's `shm_atomics::MAX_ALIGN` is the same number (and its descriptor decoder
/// refuses more).
const MAX_ALIGN: u64 = 4096;

/// Rule: an alignment is a power of two (what `#[repr(align)]` and C's `_Alignas` take),
/// at most [`MAX_ALIGN`] (4096, the page size).
fn parse_align(lit: &LitInt, errors: &mut Errors) -> Option<Align> {
    match lit.base10_parse::<u64>() {
        Ok(n) if n.is_power_of_two() && n <= MAX_ALIGN => Some(Align(n as usize)),
        Ok(n) if n.is_power_of_two() => {
            errors.error(
                lit.span(),
                format!(
                    "{ALIGN} = {n} is above {MAX_ALIGN}, the page size: a segment is mapped \
                     at a page boundary, so no larger alignment can be kept; use at most \
                     {MAX_ALIGN}"
                ),
            );
            None
        }
        Ok(n) => {
            errors.error(
                lit.span(),
                format!(
                    "{ALIGN} = {n} is not a power of two: use 1, 2, 4, 8, 16, 32, 64 (a cache \
                     line), 128, ... up to {MAX_ALIGN}"
                ),
            );
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// Refuses a name the descriptor and the C header cannot carry: the rule of
/// `runtime/src/layout/ident.rs` (`check`), which `LayoutDescBuf::decode` also applies.
/// Keywords of C and C++ (`class`, `new`) are allowed: the header escapes them.
fn check_c_name(ident: &syn::Ident, what: &str, errors: &mut Errors) {
    let name = ident.unraw().to_string();
    let why = if !name.is_ascii() {
        "is not ASCII"
    } else if name.starts_with('_') && name[1..].starts_with(|c: char| c.is_ascii_uppercase()) {
        "starts with `_` and an uppercase letter"
    } else if name.contains("__") {
        "contains `__`"
    } else {
        return;
    };
    errors.error(
        ident.span(),
        format!(
            "{what} name `{name}` {why}, which C and C++ do not allow or reserve: the \
             layout's descriptor and C header need a plain ASCII identifier; rename it"
        ),
    );
}

fn parse_field(f: &syn::Field, errors: &mut Errors) -> Option<Field> {
    let name = f.ident.clone()?;
    let mut docs = Vec::new();
    let mut align: Option<(Option<Align>, Span)> = None;
    let mut align_lit_span = None;
    for attr in &f.attrs {
        if attr.path() == DOC {
            docs.push(attr.to_token_stream());
        } else if attr.path() == ATOMIC {
            parse_field_attr(attr, &mut align, &mut align_lit_span, errors);
        } else {
            errors.spanned(
                attr,
                format!(
                    "only doc comments and #[{ATOMIC}({ALIGN} = N)] are allowed on fields of \
                     an #[{ATOMIC_LAYOUT}] struct"
                ),
            );
        }
    }
    check_c_name(&name, "field", errors);
    let name_str = name.to_string();
    if RESERVED.contains(&name_str.as_str()) {
        errors.error(
            name.span(),
            format!(
                "field name `{name_str}` clashes with the generated method `{name_str}()`: \
                 rename the field (reserved: {})",
                RESERVED.join(", ")
            ),
        );
    }
    let (elem, array_len) = parse_type(&f.ty, errors)?;
    let align = align.and_then(|a| a.0);
    if let (Some(a), Elem::Value(v), Some(span)) = (align, &elem, align_lit_span) {
        if a.0 < v.width.bytes() {
            errors.error(
                span,
                format!(
                    "{ALIGN} = {} is below the natural alignment {} of `{}`: use at least {}",
                    a.0,
                    v.width.bytes(),
                    v.rust,
                    v.width.bytes()
                ),
            );
        }
    }
    Some(Field {
        name,
        vis: f.vis.to_token_stream(),
        docs,
        elem,
        array_len,
        align,
        align_span: align_lit_span,
        ty_span: f.ty.span(),
    })
}

/// Parses one `#[atomic(...)]`; like [`parse_args`], it reports a bad key and goes on.
fn parse_field_attr(
    attr: &Attribute,
    align: &mut Option<(Option<Align>, Span)>,
    align_lit_span: &mut Option<Span>,
    errors: &mut Errors,
) {
    if !matches!(attr.meta, Meta::List(_)) {
        errors.spanned(
            attr,
            format!(
                "write #[{ATOMIC}({ALIGN} = N)] with N a power of two: `{ALIGN}` is the only key"
            ),
        );
        return;
    }
    let res = attr.parse_nested_meta(|meta| {
        let key_span = meta.path.span();
        if meta.path == ALIGN {
            let Some(lit) = keep_going(align_value(&meta, ATOMIC), &meta, errors)? else {
                return Ok(());
            };
            let parsed = parse_align(&lit, errors);
            if let Some((_, first)) = align {
                duplicate(errors, ALIGN, key_span, *first);
            } else {
                *align = Some((parsed, key_span));
                *align_lit_span = Some(lit.span());
            }
        } else {
            let key = meta.path.to_token_stream().to_string().replace(' ', "");
            errors.push(meta.error(format!(
                "unknown key `{key}` in #[{ATOMIC}(..)]: the supported key is `{ALIGN} = N`"
            )));
            skip_value(&meta)?;
        }
        Ok(())
    });
    if let Err(e) = res {
        errors.push(e);
    }
}

fn value_type(ident: &str) -> Option<(Kind, Width)> {
    Some(match ident {
        "i8" => (Kind::Int, Width::W1),
        "i16" => (Kind::Int, Width::W2),
        "i32" => (Kind::Int, Width::W4),
        "i64" => (Kind::Int, Width::W8),
        "i128" => (Kind::Int, Width::W16),
        "u8" => (Kind::Uint, Width::W1),
        "u16" => (Kind::Uint, Width::W2),
        "u32" => (Kind::Uint, Width::W4),
        "u64" => (Kind::Uint, Width::W8),
        "u128" => (Kind::Uint, Width::W16),
        "bool" => (Kind::Bool, Width::W1),
        "f32" => (Kind::Float, Width::W4),
        "f64" => (Kind::Float, Width::W8),
        _ => return None,
    })
}

/// The list of supported field types, ending every "not supported" message.
fn supported() -> String {
    format!(
        "supported field types: i8..i128, u8..u128, f32, f64, bool, [u8; N] with N in 1, 2, 4, \
         8, 16, arrays [T; N] of those, and other #[{ATOMIC_LAYOUT}] structs"
    )
}

/// Parses a field type: a value type, `[u8; N]`, an array, or a nested layout path.
fn parse_type(ty: &Type, errors: &mut Errors) -> Option<(Elem, Option<TokenStream>)> {
    match ty {
        Type::Array(arr) => {
            if let Some(elem_ident) = plain_ident(&arr.elem) {
                if elem_ident == "u8" {
                    let len = bytes_len(&arr.len, errors)?;
                    return bytes_type(len, ty.span(), errors).map(|v| (Elem::Value(v), None));
                }
            }
            let len = match literal_len(&arr.len, errors) {
                Some(Ok(n)) => n,
                // A const expression: its value is checked (> 0) by a const assertion.
                Some(Err(())) => {
                    let elem = parse_elem(&arr.elem, errors)?;
                    return Some((elem, Some(arr.len.to_token_stream())));
                }
                None => return None,
            };
            if len == 0 {
                errors.error(
                    arr.len.span(),
                    "an array field needs at least one element: use a length of 1 or more, or \
                     remove the field",
                );
                return None;
            }
            let elem = parse_elem(&arr.elem, errors)?;
            let lit = proc_macro2::Literal::usize_unsuffixed(len);
            Some((elem, Some(quote!(#lit))))
        }
        _ => parse_elem(ty, errors).map(|e| (e, None)),
    }
}

/// Parses an element type (no outer array, but `[u8; N]` allowed).
fn parse_elem(ty: &Type, errors: &mut Errors) -> Option<Elem> {
    match ty {
        Type::Paren(p) => parse_elem(&p.elem, errors),
        Type::Group(g) => parse_elem(&g.elem, errors),
        Type::Array(arr) => {
            let len = bytes_len(&arr.len, errors)?;
            match plain_ident(&arr.elem) {
                Some(id) if id == "u8" => bytes_type(len, ty.span(), errors).map(Elem::Value),
                _ => {
                    errors.spanned(
                        ty,
                        format!(
                            "arrays of arrays are not supported (other than arrays of \
                             [u8; N]): flatten the array or wrap the inner part in an \
                             #[{ATOMIC_LAYOUT}] struct"
                        ),
                    );
                    None
                }
            }
        }
        Type::Path(tp) if tp.qself.is_none() => {
            if let Some(id) = tp.path.get_ident() {
                let s = id.to_string();
                if let Some((kind, width)) = value_type(&s) {
                    return Some(Elem::Value(ValueType {
                        rust: id.to_token_stream(),
                        kind,
                        width,
                    }));
                }
            }
            // Checked before generic arguments, so `Vec<u8>` gets the heap hint.
            if let Some(last) = tp.path.segments.last() {
                if let Some(plain) = atomic_type_plain(&last.ident.to_string()) {
                    errors.spanned(
                        ty,
                        format!(
                            "`{}` is already an atomic: write {plain}; #[{ATOMIC_LAYOUT}] \
                             makes every field atomic (the accessor returns `&Atomic<_>`)",
                            last.ident
                        ),
                    );
                    return None;
                }
                if let Some(hint) = not_a_value_type_hint(&last.ident.to_string()) {
                    errors.spanned(
                        ty,
                        format!("`{}` is not supported in a layout: {hint}", last.ident),
                    );
                    return None;
                }
            }
            // The runtime's generic field types (`Seq<Pose>`, `Striped<u64, 16>`) are
            // nested elements like a layout: the expansion asserts that they implement
            // `Field`.
            let runtime_field = tp
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "Seq" || s.ident == "Striped");
            if let Some(seg) = tp
                .path
                .segments
                .iter()
                .find(|s| !matches!(s.arguments, syn::PathArguments::None))
                .filter(|_| !runtime_field)
            {
                let last = tp.path.segments.last().map(|s| s.ident.to_string());
                let msg = if last.as_deref() == Some("Atomic") {
                    format!(
                        "write the plain type (e.g. `u64`, not `Atomic<u64>`): \
                         #[{ATOMIC_LAYOUT}] makes every field atomic"
                    )
                } else {
                    format!(
                        "generic types are not supported in a layout (`{}`); {}",
                        seg.ident,
                        supported()
                    )
                };
                errors.spanned(ty, msg);
                return None;
            }
            // Anything else is taken as a nested layout; the expansion asserts that it
            // implements `Layout`, with the error spanned on this type.
            Some(Elem::Layout(tp.path.to_token_stream()))
        }
        _ => {
            let what = match ty {
                Type::Tuple(_) => format!(
                    "a tuple cannot be a layout field (Rust does not fix its layout): give each \
                     element its own field or use a nested #[{ATOMIC_LAYOUT}] struct"
                ),
                Type::Reference(_) | Type::Ptr(_) => "a reference or pointer cannot be a layout \
                     field: an address means nothing in another process; store an index or \
                     offset in an integer field"
                    .to_string(),
                _ => "this type cannot be a layout field".to_string(),
            };
            errors.spanned(ty, format!("{what}; {}", supported()));
            None
        }
    }
}

fn plain_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(tp) if tp.qself.is_none() => tp.path.get_ident().map(|i| i.to_string()),
        Type::Group(g) => plain_ident(&g.elem),
        Type::Paren(p) => plain_ident(&p.elem),
        _ => None,
    }
}

/// `Some(Ok(n))` for an integer literal, `Some(Err(()))` for another expression (a
/// const), `None` after reporting a malformed literal.
fn literal_len(len: &Expr, errors: &mut Errors) -> Option<Result<usize, ()>> {
    match len {
        Expr::Lit(ExprLit {
            lit: Lit::Int(lit), ..
        }) => match lit.base10_parse::<usize>() {
            Ok(n) => Some(Ok(n)),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        Expr::Group(g) => literal_len(&g.expr, errors),
        _ => Some(Err(())),
    }
}

/// Rule: the length of raw bytes is the width of one atomic, so the macro must read it:
/// an integer literal.
fn bytes_len(len: &Expr, errors: &mut Errors) -> Option<usize> {
    match literal_len(len, errors)? {
        Ok(n) => Some(n),
        Err(()) => {
            errors.spanned(
                len,
                "the length of a `[u8; N]` field is the width of one atomic and must be an \
                 integer literal: 1, 2, 4, 8 or 16",
            );
            None
        }
    }
}

/// Rule: raw bytes are one atomic of a supported width; suggest the nearest one.
fn bytes_type(n: usize, span: Span, errors: &mut Errors) -> Option<ValueType> {
    if let Some(width) = Width::from_bytes(n as u64) {
        let lit = proc_macro2::Literal::usize_unsuffixed(n);
        return Some(ValueType {
            rust: quote!([u8; #lit]),
            kind: Kind::Bytes,
            width,
        });
    }
    let suggestion = if n == 0 {
        "remove the field".to_string()
    } else if n < 16 {
        let up = n.next_power_of_two();
        format!("use `[u8; {up}]` and leave the extra bytes unused")
    } else {
        let k = n.div_ceil(16);
        format!(
            "use an array of 16-byte atomics, `[[u8; 16]; {k}]`{}",
            if n % 16 == 0 {
                ""
            } else {
                " (the last partly unused)"
            }
        )
    };
    errors.error(
        span,
        format!(
            "`[u8; {n}]` is not an atomic width: raw bytes fields are [u8; 1], [u8; 2], \
             [u8; 4], [u8; 8] or [u8; 16]; {suggestion}"
        ),
    );
    None
}
