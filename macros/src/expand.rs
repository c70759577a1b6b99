//! Code generation from the [`Model`]. Never looks at `syn` trees.
//!
//! Offsets are computed in `const` items of a hidden helper type, because a nested
//! layout's size and alignment are only known to the compiler: each field starts at the
//! previous end rounded up to its alignment, explicit `Pad` fields fill every gap, and
//! `const` assertions spanned on each field check the compiler agrees.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;

use crate::model::{Elem, Field, Model};
use crate::symbol::ATOMIC_LAYOUT;

struct Names {
    consts: Ident,
    snapshot: Ident,
}

pub fn expand(m: &Model) -> TokenStream {
    let names = Names {
        consts: format_ident!("__AtomicsLayout_{}", m.name),
        snapshot: format_ident!("{}Snapshot", m.name),
    };
    let consts = expand_consts(m, &names);
    let strukt = expand_struct(m, &names);
    let snapshot = expand_snapshot(m, &names);
    let inherent = expand_inherent(m, &names);
    let layout = expand_layout_impl(m, &names);
    let checks = expand_checks(m, &names);
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

fn c(name: &str, i: usize) -> Ident {
    format_ident!("{}_{}", name, i)
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
    let krate = &m.krate;
    let e = match &f.elem {
        Elem::Value(v) => v.rust.clone(),
        Elem::Layout(p) => quote!(<#p as #krate::Field>::Snapshot),
    };
    match &f.array_len {
        Some(n) => quote!([#e; #n]),
        None => e,
    }
}

/// Size and natural alignment of one element, as const expressions.
fn elem_size_align(m: &Model, f: &Field) -> (TokenStream, TokenStream) {
    let krate = &m.krate;
    match &f.elem {
        Elem::Value(v) => {
            let w = idx(v.width.bytes());
            (quote!(#w), quote!(#w))
        }
        Elem::Layout(p) => (
            quote!(<#p as #krate::Field>::SIZE),
            quote!(<#p as #krate::Field>::ALIGN),
        ),
    }
}

fn expand_consts(m: &Model, n: &Names) -> TokenStream {
    let krate = &m.krate;
    let consts = &n.consts;
    let mut items = Vec::new();
    let last = m.fields.len() - 1;
    for (i, f) in m.fields.iter().enumerate() {
        let (size, natural) = elem_size_align(m, f);
        let size_i = c("SIZE", i);
        let align_i = c("ALIGN", i);
        let off_i = c("OFF", i);
        let end_i = c("END", i);
        let count = f.array_len.clone().unwrap_or_else(|| quote!(1));
        let align = match f.align {
            Some(a) => {
                let a = idx(a.0);
                quote!(#krate::__private::max(#natural, #a))
            }
            None => natural,
        };
        let off = if i == 0 {
            quote!(0)
        } else {
            let prev_end = c("END", i - 1);
            quote!(#krate::__private::align_up(Self::#prev_end, Self::#align_i))
        };
        items.push(quote! {
            const #size_i: usize = #size * (#count);
            const #align_i: usize = #align;
            const #off_i: usize = #off;
            const #end_i: usize = Self::#off_i + Self::#size_i;
        });
        let pad_i = c("PAD", i);
        let pad = if i == last {
            quote!(Self::SIZE - Self::#end_i)
        } else {
            let next_off = c("OFF", i + 1);
            quote!(Self::#next_off - Self::#end_i)
        };
        items.push(quote!(const #pad_i: usize = #pad;));
    }
    let mut align = match m.align {
        Some(a) => {
            let a = idx(a.0);
            quote!(#a)
        }
        None => quote!(1),
    };
    for i in 0..m.fields.len() {
        let align_i = c("ALIGN", i);
        align = quote!(#krate::__private::max(#align, Self::#align_i));
    }
    let last_end = c("END", last);
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        struct #consts;
        #[allow(dead_code)]
        impl #consts {
            #(#items)*
            const ALIGN: usize = #align;
            const SIZE: usize = #krate::__private::align_up(Self::#last_end, Self::ALIGN);
        }
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

fn expand_struct(m: &Model, n: &Names) -> TokenStream {
    let krate = &m.krate;
    let consts = &n.consts;
    let name = &m.name;
    let vis = &m.vis;
    let attrs = &m.attrs;
    let align = idx(repr_align(m));
    let fields = m.fields.iter().enumerate().map(|(i, f)| {
        let fname = &f.name;
        let ty = atomic_type(m, f);
        let pad = format_ident!("__atomics_pad_{}", i);
        let pad_i = c("PAD", i);
        quote! {
            #fname: #ty,
            #pad: #krate::__private::Pad<{ #consts::#pad_i }>,
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

fn expand_snapshot(m: &Model, n: &Names) -> TokenStream {
    let krate = &m.krate;
    let consts = &n.consts;
    let name = &m.name;
    let snap = &n.snapshot;
    let vis = &m.vis;
    let zc = quote!(#krate::__private::zerocopy);
    let zc_str = Literal::string(&format!("{}::__private::zerocopy", m.krate).replace(' ', ""));
    // The same alignment as the layout: the literal part here, the rest from nested
    // snapshots, which are aligned as their elements (the `Field` contract).
    let align = idx(repr_align(m));
    let plain_values_only = m.fields.iter().all(|f| match &f.elem {
        Elem::Value(v) => v.kind != crate::model::Kind::Bool,
        Elem::Layout(_) => false,
    });
    // zerocopy's FromBytes derive also implements FromZeros and TryFromBytes, and its
    // FromZeros derive implements TryFromBytes. A bool
    // (not every byte is a valid bool) or a nested snapshot (whose traits the macro
    // cannot see) leaves TryFromBytes + FromZeros: bytes are validated when read.
    let from_bytes = if plain_values_only {
        quote!(#zc::FromBytes,)
    } else {
        quote!(#zc::FromZeros,)
    };
    let fields = m.fields.iter().enumerate().map(|(i, f)| {
        let fname = &f.name;
        let docs = &f.docs;
        let ty = plain_type(m, f);
        let pad = format_ident!("__atomics_pad_{}", i);
        let pad_i = c("PAD", i);
        quote! {
            #(#docs)*
            pub #fname: #ty,
            #pad: [u8; #consts::#pad_i],
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
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::cmp::PartialEq,
                 #from_bytes #zc::IntoBytes,
                 #zc::KnownLayout, #zc::Immutable)]
        #[zerocopy(crate = #zc_str)]
        #[repr(C, align(#align))]
        #vis struct #snap {
            #(#fields)*
        }

        #[automatically_derived]
        impl ::core::default::Default for #snap {
            /// All fields zero.
            fn default() -> Self {
                <Self as #zc::FromZeros>::new_zeroed()
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
    let krate = &m.krate;
    let fname = &f.name;
    let one = |e: TokenStream| match &f.elem {
        Elem::Value(_) => quote!(#e.load()),
        Elem::Layout(p) => quote!(<#p as #krate::Field>::load_field(&#e)),
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
    let krate = &m.krate;
    let fname = &f.name;
    let one = |a: TokenStream, v: TokenStream| match &f.elem {
        Elem::Value(_) => quote!(#a.store(#v);),
        Elem::Layout(p) => quote!(<#p as #krate::Field>::store_field(&#a, &#v);),
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

fn field_desc(m: &Model, n: &Names, i: usize, f: &Field) -> TokenStream {
    let krate = &m.krate;
    let consts = &n.consts;
    // The descriptor holds the plain name (`type`, not `r#type`).
    let fname = Literal::string(&f.name.unraw().to_string());
    let off_i = c("OFF", i);
    let align_i = c("ALIGN", i);
    let ty = match &f.elem {
        Elem::Value(v) => {
            let kind = Ident::new(v.kind.variant(), Span::call_site());
            let w = idx(v.width.bytes());
            quote!(#krate::__private::FieldType::Value { kind: #krate::Kind::#kind, width: #w })
        }
        Elem::Layout(p) => {
            quote!(<#p as #krate::Field>::TYPE)
        }
    };
    let len = match &f.array_len {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    quote! {
        #krate::__private::FieldDesc {
            name: #fname,
            offset: #consts::#off_i,
            ty: #ty,
            array_len: #len,
            align: #consts::#align_i,
        }
    }
}

fn expand_layout_impl(m: &Model, n: &Names) -> TokenStream {
    let krate = &m.krate;
    let consts = &n.consts;
    let name = &m.name;
    let snap = &n.snapshot;
    let name_s = Literal::string(&name.unraw().to_string());
    let descs = m
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| field_desc(m, n, i, f));
    let debug_fields = m.fields.iter().map(|f| {
        let fname = &f.name;
        let s = Literal::string(&f.name.to_string());
        quote!(.field(#s, &self.#fname))
    });
    quote! {
        #[automatically_derived]
        // SAFETY: the struct is #[repr(C)], made only of atomics, nested layouts and
        // `Pad`s; its size and alignment are the computed SIZE and ALIGN and every field
        // sits at the offset FIELDS gives, all checked by the const assertions below.
        unsafe impl #krate::Layout for #name {
            const NAME: &'static str = #name_s;
            const SIZE: usize = #consts::SIZE;
            const ALIGN: usize = #consts::ALIGN;
            const FIELDS: &'static [#krate::FieldDesc] = &[#(#descs),*];
            const DESC: #krate::LayoutDesc = #krate::LayoutDesc {
                name: #name_s,
                size: #consts::SIZE,
                align: #consts::ALIGN,
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

fn expand_checks(m: &Model, n: &Names) -> TokenStream {
    let krate = &m.krate;
    let consts = &n.consts;
    let name = &m.name;
    let snap = &n.snapshot;
    let per_field = m.fields.iter().enumerate().map(|(i, f)| {
        let fname = &f.name;
        let off_i = c("OFF", i);
        let nonzero = f.array_len.as_ref().map(|n| {
            let msg = Literal::string(&format!(
                "array field `{}` of `{}` needs at least one element",
                f.name, m.name
            ));
            quote_spanned!(f.ty_span=> ::core::assert!((#n) > 0, #msg);)
        });
        let msg = Literal::string(&format!(
            "field `{}` of `{}` is not at the offset #[{}] computed",
            f.name, m.name, ATOMIC_LAYOUT
        ));
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
                    quote_spanned!(span=> ::core::assert!(#a >= <#p as #krate::Field>::ALIGN, #msg);)
                });
                quote_spanned! {f.ty_span=>
                    #krate::__private::assert_field::<#p>();
                    #align_check
                }
            }
            Elem::Value(_) => quote!(),
        };
        quote_spanned! {f.ty_span=>
            #nested
            #nonzero
            ::core::assert!(::core::mem::offset_of!(#name, #fname) == #consts::#off_i, #msg);
            ::core::assert!(::core::mem::offset_of!(#snap, #fname) == #consts::#off_i, #msg);
        }
    });
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
            #(#per_field)*
            ::core::assert!(::core::mem::size_of::<#name>() == #consts::SIZE, #size_msg);
            ::core::assert!(::core::mem::align_of::<#name>() == #consts::ALIGN, #align_msg);
            ::core::assert!(::core::mem::size_of::<#snap>() == #consts::SIZE, #size_msg);
            ::core::assert!(::core::mem::align_of::<#snap>() == #consts::ALIGN, #align_msg);
        };
    }
}
