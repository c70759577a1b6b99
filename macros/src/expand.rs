//! Code generation from the [`Model`]. Never looks at `syn` trees.
//!
//! The offsets, paddings, size and alignment come from [`plan`](crate::plan), computed
//! once (literals where the macro knows the numbers). Explicit padding fields fill every
//! non-empty gap, and one `const` block checks that the compiler agrees with the plan:
//! every field's offset in the layout and in the snapshot against `FIELDS`, the size and
//! the alignment. The expansion is linear in the number of fields (pinned by a test in
//! `tests.rs`).
//!
//! Everything that names the trait of a nested element (its size, alignment, descriptor
//! type, snapshot type, load, store, and the proof that it is one) is in the `nested_*`
//! functions below, one place each.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;

use crate::model::{Elem, Field, Model};
use crate::plan::{Num, Plan, plan};
use crate::symbol::ATOMIC_LAYOUT;

struct Names {
    snapshot: Ident,
}

pub fn expand(m: &Model) -> TokenStream {
    let names = Names {
        snapshot: format_ident!("{}Snapshot", m.name),
    };
    let plan = plan(m, |f| (elem_size(m, f), elem_align(m, f)));
    let consts = &plan.consts;
    let strukt = expand_struct(m, &plan);
    let snapshot = expand_snapshot(m, &names, &plan);
    let inherent = expand_inherent(m, &names);
    let layout = expand_layout_impl(m, &names, &plan);
    let checks = expand_checks(m, &names, &plan);
    quote! {
        #strukt
        #consts
        #snapshot
        #inherent
        #layout
        #checks
    }
}

fn idx(i: usize) -> Literal {
    Literal::usize_unsuffixed(i)
}

// The nested element's trait, one function per use. `p` is the element's path.

/// The size of a nested element.
fn nested_size(m: &Model, p: &TokenStream) -> TokenStream {
    let krate = &m.krate;
    quote!(<#p as #krate::Field>::SIZE)
}

/// The alignment of a nested element.
fn nested_align(m: &Model, p: &TokenStream) -> TokenStream {
    let krate = &m.krate;
    quote!(<#p as #krate::Field>::ALIGN)
}

/// The descriptor's `FieldType` of a nested element.
fn nested_field_type(m: &Model, p: &TokenStream) -> TokenStream {
    let krate = &m.krate;
    quote!(<#p as #krate::Field>::TYPE)
}

/// The plain (snapshot) type of a nested element.
fn nested_snapshot_type(m: &Model, p: &TokenStream) -> TokenStream {
    let krate = &m.krate;
    quote!(<#p as #krate::Field>::Snapshot)
}

/// Loads a nested element `e` (a place expression) into its snapshot.
fn nested_load(m: &Model, p: &TokenStream, e: TokenStream) -> TokenStream {
    let krate = &m.krate;
    quote!(<#p as #krate::Field>::load_field(&#e))
}

/// Stores the snapshot `v` into the nested element `a`.
fn nested_store(m: &Model, p: &TokenStream, a: TokenStream, v: TokenStream) -> TokenStream {
    let krate = &m.krate;
    quote!(<#p as #krate::Field>::store_field(&#a, &#v);)
}

/// A compile-time proof that the element's type is a nested element (the error names
/// the field's type).
fn nested_assert(m: &Model, p: &TokenStream) -> TokenStream {
    let krate = &m.krate;
    quote!(#krate::__private::assert_field::<#p>();)
}

/// The size of one element: a literal for a value, the compiler's for a nested one.
fn elem_size(m: &Model, f: &Field) -> Num {
    match &f.elem {
        Elem::Value(v) => Num::Lit(v.width.bytes()),
        Elem::Layout(p) => Num::Expr(nested_size(m, p)),
    }
}

/// The natural alignment of one element.
fn elem_align(m: &Model, f: &Field) -> Num {
    match &f.elem {
        Elem::Value(v) => Num::Lit(v.width.bytes()),
        Elem::Layout(p) => Num::Expr(nested_align(m, p)),
    }
}

/// The atomic type of one element.
fn atomic_elem(m: &Model, f: &Field) -> TokenStream {
    let krate = &m.krate;
    match &f.elem {
        Elem::Value(v) => {
            let t = &v.rust;
            quote!(#krate::Atomic<#t>)
        }
        Elem::Layout(p) => quote!(#p),
    }
}

fn atomic_type(m: &Model, f: &Field) -> TokenStream {
    let e = atomic_elem(m, f);
    match &f.array_len {
        Some(n) => quote!([#e; #n]),
        None => e,
    }
}

fn plain_type(m: &Model, f: &Field) -> TokenStream {
    let e = match &f.elem {
        Elem::Value(v) => v.rust.clone(),
        Elem::Layout(p) => nested_snapshot_type(m, p),
    };
    match &f.array_len {
        Some(n) => quote!([#e; #n]),
        None => e,
    }
}

/// The largest alignment the macro knows as a literal (attributes and value widths);
/// nested layouts bring their own through their field type.
fn repr_align(m: &Model) -> usize {
    let mut a = m.align.map_or(1, |a| a.0);
    for f in &m.fields {
        if let Some(fa) = f.align {
            a = a.max(fa.0);
        }
        if let Elem::Value(v) = &f.elem {
            a = a.max(v.width.bytes());
        }
    }
    a
}

fn expand_struct(m: &Model, plan: &Plan) -> TokenStream {
    let krate = &m.krate;
    let name = &m.name;
    let vis = &m.vis;
    let attrs = &m.attrs;
    let align = idx(repr_align(m));
    let fields = m
        .fields
        .iter()
        .zip(&plan.fields)
        .enumerate()
        .map(|(i, (f, p))| {
            let fname = &f.name;
            let ty = atomic_type(m, f);
            let pad = (!p.pad.is_zero()).then(|| {
                let pad_name = format_ident!("__atomics_pad_{}", i);
                let n = &p.pad;
                quote!(#pad_name: #krate::__private::Pad<{ #n }>,)
            });
            quote! {
                #fname: #ty,
                #pad
            }
        });
    quote! {
        #(#attrs)*
        #[repr(C, align(#align))]
        #vis struct #name {
            #(#fields)*
        }
    }
}

fn expand_snapshot(m: &Model, n: &Names, plan: &Plan) -> TokenStream {
    let krate = &m.krate;
    let name = &m.name;
    let snap = &n.snapshot;
    let vis = &m.vis;
    // The same alignment as the layout: the literal part here, the rest from nested
    // snapshots, which are aligned as their elements (the `Field` contract).
    let align = idx(repr_align(m));
    let size = &plan.size;
    // `is_valid` tests only the fields that can hold an invalid byte: a bool (or an
    // array of them) and a nested snapshot, through their own `Plain::is_valid` on the
    // field's bytes. Integers, floats, byte arrays and padding are valid whatever the
    // bytes are.
    let checks = m.fields.iter().zip(&plan.fields).filter_map(|(f, p)| {
        let needs = match &f.elem {
            Elem::Value(v) => v.kind == crate::model::Kind::Bool,
            Elem::Layout(_) => true,
        };
        needs.then(|| {
            let ty = plain_type(m, f);
            let off = &p.offset;
            quote!(&& #krate::__private::valid::<#ty>(bytes, #off))
        })
    });
    let fields = m
        .fields
        .iter()
        .zip(&plan.fields)
        .enumerate()
        .map(|(i, (f, p))| {
            let fname = &f.name;
            let docs = &f.docs;
            let ty = plain_type(m, f);
            let pad = (!p.pad.is_zero()).then(|| {
                let pad_name = format_ident!("__atomics_pad_{}", i);
                let n = &p.pad;
                quote!(#pad_name: [u8; #n],)
            });
            quote! {
                #(#docs)*
                pub #fname: #ty,
                #pad
            }
        });
    let debug_fields = m.fields.iter().map(|f| {
        let fname = &f.name;
        let s = Literal::string(&f.name.to_string());
        quote!(.field(#s, &self.#fname))
    });
    let name_s = Literal::string(&snap.to_string());
    let doc = Literal::string(&format!(
        "The plain twin of [`{name}`]: the same fields as plain values at the same offsets \
         (so its bytes are the layout's bytes), from [`{name}::snapshot`] and for \
         [`{name}::store_snapshot`]."
    ));
    quote! {
        #[doc = #doc]
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::cmp::PartialEq)]
        #[repr(C, align(#align))]
        #vis struct #snap {
            #(#fields)*
        }

        #[automatically_derived]
        // SAFETY: the struct is #[repr(C)] of plain values, arrays of them, nested
        // snapshots (`Plain`: no padding of their own) and explicit `[u8; N]` paddings
        // that fill every gap; the const block of `expand_checks` asserts that each
        // field sits at its planned offset and that the size is the planned SIZE, so the
        // fields and paddings tile [0, SIZE): no padding, every byte initialised. All
        // zero is valid for each field (contract 2 of each field type). A byte string is
        // a valid value iff each field's bytes are: `is_valid` tests the length, then the
        // bools and nested snapshots through their own `is_valid`; every other field
        // type is valid for every bit pattern.
        unsafe impl #krate::Plain for #snap {
            #[inline]
            fn is_valid(bytes: &[u8]) -> bool {
                bytes.len() == #size #(#checks)*
            }
        }

        #[automatically_derived]
        impl ::core::default::Default for #snap {
            /// All fields zero.
            fn default() -> Self {
                <Self as #krate::Plain>::zeroed()
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Debug for #snap {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#name_s) #(#debug_fields)* .finish()
            }
        }
    }
}

fn load_expr(m: &Model, f: &Field) -> TokenStream {
    let fname = &f.name;
    let one = |e: TokenStream| match &f.elem {
        Elem::Value(_) => quote!(#e.load()),
        Elem::Layout(p) => nested_load(m, p, e),
    };
    match f.array_len {
        None => one(quote!(self.#fname)),
        Some(_) => {
            let e = one(quote!(self.#fname[i]));
            quote!(::core::array::from_fn(|i| #e))
        }
    }
}

fn store_stmt(m: &Model, f: &Field) -> TokenStream {
    let fname = &f.name;
    let one = |a: TokenStream, v: TokenStream| match &f.elem {
        Elem::Value(_) => quote!(#a.store(#v);),
        Elem::Layout(p) => nested_store(m, p, a, v),
    };
    match f.array_len {
        None => one(quote!(self.#fname), quote!(snapshot.#fname)),
        Some(_) => {
            let s = one(quote!(self.#fname[i]), quote!(snapshot.#fname[i]));
            quote! {
                let mut i = 0usize;
                while i < self.#fname.len() {
                    #s
                    i += 1;
                }
            }
        }
    }
}

fn expand_inherent(m: &Model, n: &Names) -> TokenStream {
    let krate = &m.krate;
    let name = &m.name;
    let vis = &m.vis;
    let snap = &n.snapshot;
    let accessors = m.fields.iter().map(|f| {
        let fname = &f.name;
        let fvis = &f.vis;
        let docs = &f.docs;
        let ty = atomic_type(m, f);
        quote! {
            #(#docs)*
            #[inline(always)]
            #fvis fn #fname(&self) -> &#ty {
                &self.#fname
            }
        }
    });
    let loads = m.fields.iter().map(|f| {
        let fname = &f.name;
        let e = load_expr(m, f);
        quote!(s.#fname = #e;)
    });
    let stores = m.fields.iter().map(|f| store_stmt(m, f));
    quote! {
        impl #name {
            #(#accessors)*

            /// A layout with every field zero (`const`: usable in a `static`).
            #[inline]
            #vis const fn new() -> Self {
                #krate::__private::zeroed::<Self>()
            }

            /// A checked view of this layout over a buffer of exactly `SIZE` bytes aligned
            /// to `ALIGN`.
            #vis fn from_mut(buf: &mut [u8]) -> ::core::result::Result<&Self, #krate::Error> {
                #krate::__private::from_mut::<Self>(buf)
            }

            /// Loads every field into a plain snapshot (each field atomically, not the
            /// whole as one step).
            #vis fn snapshot(&self) -> #snap {
                let mut s = <#snap as ::core::default::Default>::default();
                #(#loads)*
                s
            }

            /// Stores every field of `snapshot` (each atomically, not as one step).
            #vis fn store_snapshot(&self, snapshot: &#snap) {
                #(#stores)*
            }
        }

        #[automatically_derived]
        impl ::core::default::Default for #name {
            /// Every field zero.
            fn default() -> Self {
                Self::new()
            }
        }
    }
}

fn field_desc(m: &Model, f: &Field, p: &crate::plan::FieldPlan) -> TokenStream {
    let krate = &m.krate;
    // The descriptor holds the plain name (`type`, not `r#type`).
    let fname = Literal::string(&f.name.unraw().to_string());
    let (offset, align) = (&p.offset, &p.align);
    let ty = match &f.elem {
        Elem::Value(v) => {
            let kind = Ident::new(v.kind.variant(), Span::call_site());
            let w = idx(v.width.bytes());
            quote!(#krate::__private::FieldType::Value { kind: #krate::Kind::#kind, width: #w })
        }
        Elem::Layout(p) => nested_field_type(m, p),
    };
    let len = match &f.array_len {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    quote! {
        #krate::__private::FieldDesc {
            name: #fname,
            offset: #offset,
            ty: #ty,
            array_len: #len,
            align: #align,
        }
    }
}

fn expand_layout_impl(m: &Model, n: &Names, plan: &Plan) -> TokenStream {
    let krate = &m.krate;
    let (size, align) = (&plan.size, &plan.align);
    let name = &m.name;
    let snap = &n.snapshot;
    let name_s = Literal::string(&name.unraw().to_string());
    let descs = m
        .fields
        .iter()
        .zip(&plan.fields)
        .map(|(f, p)| field_desc(m, f, p));
    let debug_fields = m.fields.iter().map(|f| {
        let fname = &f.name;
        let s = Literal::string(&f.name.to_string());
        quote!(.field(#s, &self.#fname))
    });
    quote! {
        #[automatically_derived]
        // SAFETY: the struct is #[repr(C)], made only of atomics, nested layouts and
        // `Pad`s; its size and alignment are the computed SIZE and ALIGN and every field
        // sits at the offset FIELDS gives, all checked by the const block below.
        unsafe impl #krate::Layout for #name {
            const NAME: &'static str = #name_s;
            const SIZE: usize = #size;
            const ALIGN: usize = #align;
            const FIELDS: &'static [#krate::FieldDesc] = &[#(#descs),*];
            const DESC: #krate::LayoutDesc = #krate::LayoutDesc {
                name: #name_s,
                size: #size,
                align: #align,
                fields: <Self as #krate::Layout>::FIELDS,
            };
            const FINGERPRINT: u64 = <Self as #krate::Layout>::DESC.fingerprint();
            type Snapshot = #snap;

            fn snapshot(&self) -> #snap {
                #name::snapshot(self)
            }

            fn store_snapshot(&self, snapshot: &#snap) {
                #name::store_snapshot(self, snapshot)
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Debug for #name {
            /// The field names and their values, each loaded with `Relaxed`.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#name_s) #(#debug_fields)* .finish()
            }
        }
    }
}

fn expand_checks(m: &Model, n: &Names, plan: &Plan) -> TokenStream {
    let krate = &m.krate;
    let name = &m.name;
    let snap = &n.snapshot;
    let (size, align) = (&plan.size, &plan.align);
    // Checks the user can fail, spanned on the field at fault: a nested type that is not
    // one, an alignment below the nested type's, a const length of zero.
    let spanned = m.fields.iter().map(|f| {
        let nonzero = f
            .array_len
            .as_ref()
            .filter(|n| n.to_string().parse::<usize>().is_err())
            .map(|n| {
                let msg = Literal::string(&format!(
                    "array field `{}` of `{}` needs at least one element",
                    f.name, m.name
                ));
                quote_spanned!(f.ty_span=> ::core::assert!((#n) > 0, #msg);)
            });
        let nested = match &f.elem {
            Elem::Layout(p) => {
                let align_check = f.align.map(|a| {
                    let a = idx(a.0);
                    let ty = p.to_string().replace(' ', "");
                    let msg = Literal::string(&format!(
                        "align = {a} on field `{}` is below the alignment of its type \
                         `{ty}`: use at least `<{ty} as Field>::ALIGN`, or remove the attribute",
                        f.name
                    ));
                    let span = f.align_span.unwrap_or(f.ty_span);
                    let natural = nested_align(m, p);
                    quote_spanned!(span=> ::core::assert!(#a >= #natural, #msg);)
                });
                let proof = nested_assert(m, p);
                Some(quote_spanned! {f.ty_span=>
                    #proof
                    #align_check
                })
            }
            Elem::Value(_) => None,
        };
        quote!(#nested #nonzero)
    });
    // Checks only a bug of the macro could fail: one call over every field.
    let names = m.fields.iter().map(|f| &f.name);
    let names2 = names.clone();
    let size_msg = Literal::string(&format!(
        "`{}` does not have the size #[{ATOMIC_LAYOUT}] computed",
        m.name
    ));
    let align_msg = Literal::string(&format!(
        "`{}` does not have the alignment #[{ATOMIC_LAYOUT}] computed",
        m.name
    ));
    quote! {
        const _: () = {
            #(#spanned)*
            #krate::__private::check_offsets(
                <#name as #krate::Layout>::FIELDS,
                &[#(::core::mem::offset_of!(#name, #names)),*],
                &[#(::core::mem::offset_of!(#snap, #names2)),*],
            );
            ::core::assert!(::core::mem::size_of::<#name>() == #size, #size_msg);
            ::core::assert!(::core::mem::align_of::<#name>() == #align, #align_msg);
            ::core::assert!(::core::mem::size_of::<#snap>() == #size, #size_msg);
            ::core::assert!(::core::mem::align_of::<#snap>() == #align, #align_msg);
        };
    }
}
