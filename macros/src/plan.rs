//! The memory plan of a layout: each field's offset and alignment, the padding after
//! it, the struct's size and alignment, computed once, at macro time where the macro
//! knows the numbers.
//!
//! A value field's size and alignment are known to the macro (its width, its
//! `#[atomic(align = N)]`, a literal array length), so as long as only such fields came
//! before, a field's offset is a plain literal. A nested element (its size and alignment
//! are only known to the compiler) or an array whose length is a const expression turns
//! the running offset into a const expression: from that field on, offsets are `const`
//! items of a hidden helper type, each one step from the previous (`align_up(END, A)`),
//! so the expansion stays linear in the number of fields. A layout of value fields gets
//! no helper type at all, and no padding field where the padding is zero.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};

use crate::model::{Field, Model};

/// A number of bytes: known to the macro, or a const expression the compiler evaluates.
#[derive(Clone, Debug)]
pub enum Num {
    Lit(usize),
    Expr(TokenStream),
}

impl Num {
    pub fn is_zero(&self) -> bool {
        matches!(self, Num::Lit(0))
    }
}

impl ToTokens for Num {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Num::Lit(n) => Literal::usize_unsuffixed(*n).to_tokens(tokens),
            Num::Expr(e) => e.to_tokens(tokens),
        }
    }
}

pub struct FieldPlan {
    pub offset: Num,
    pub align: Num,
    /// The padding after the field, up to the next field or the end of the struct.
    pub pad: Num,
}

pub struct Plan {
    pub fields: Vec<FieldPlan>,
    pub size: Num,
    pub align: Num,
    /// The hidden helper type and its `const` items, when some number is an expression.
    pub consts: TokenStream,
}

/// The name of the helper type that holds the const expressions of `m`'s plan.
pub fn consts_ident(m: &Model) -> Ident {
    format_ident!("__AtomicsLayout_{}", m.name)
}

/// Collects the `const` items of the helper type; an expression is named once and
/// referred to by path.
struct Consts<'a> {
    ty: &'a Ident,
    items: Vec<TokenStream>,
}

impl Consts<'_> {
    fn name(&mut self, name: Ident, value: TokenStream) -> Num {
        self.items.push(quote!(const #name: usize = #value;));
        let ty = self.ty;
        Num::Expr(quote!(#ty::#name))
    }
}

fn align_up(n: usize, a: usize) -> Option<usize> {
    n.checked_add(a - 1).map(|n| n & !(a - 1))
}

/// A field's literal array length, if it has one (`None` for a const expression).
fn literal_count(f: &Field) -> Option<usize> {
    match &f.array_len {
        None => Some(1),
        Some(n) => n.to_string().parse().ok(),
    }
}

/// The plan of `m`; `elem` gives the size and natural alignment of one element of a
/// field (the expansion knows how to name a nested element's).
pub fn plan(m: &Model, elem: impl Fn(&Field) -> (Num, Num)) -> Plan {
    let krate = &m.krate;
    let ty = consts_ident(m);
    let mut consts = Consts {
        ty: &ty,
        items: Vec::new(),
    };
    let mut fields: Vec<FieldPlan> = Vec::with_capacity(m.fields.len());
    let mut end = Num::Lit(0);
    // The alignments the macro knows, folded into one number, and the others.
    let mut align_lit = m.align.map_or(1, |a| a.0);
    let mut align_exprs = Vec::new();
    for (i, f) in m.fields.iter().enumerate() {
        let (elem_size, elem_align) = elem(f);
        let size = match (&elem_size, literal_count(f)) {
            (Num::Lit(w), Some(n)) => w.checked_mul(n).map(Num::Lit),
            _ => None,
        }
        .unwrap_or_else(|| {
            let (w, n) = (&elem_size, f.array_len.clone().unwrap_or(quote!(1)));
            consts.name(format_ident!("SIZE_{}", i), quote!(#w * (#n)))
        });
        let align = match (elem_align, f.align) {
            (Num::Lit(a), attr) => Num::Lit(a.max(attr.map_or(1, |x| x.0))),
            (natural, None) => consts.name(format_ident!("ALIGN_{}", i), quote!(#natural)),
            (natural, Some(attr)) => {
                let attr = Literal::usize_unsuffixed(attr.0);
                consts.name(
                    format_ident!("ALIGN_{}", i),
                    quote!(#krate::__private::max(#natural, #attr)),
                )
            }
        };
        match &align {
            Num::Lit(a) => align_lit = align_lit.max(*a),
            Num::Expr(e) => align_exprs.push(e.clone()),
        }
        let offset = match (&end, &align) {
            (Num::Lit(e), Num::Lit(a)) => align_up(*e, *a).map(Num::Lit),
            _ => None,
        }
        .unwrap_or_else(|| {
            consts.name(
                format_ident!("OFF_{}", i),
                quote!(#krate::__private::align_up(#end, #align)),
            )
        });
        if let Some(prev) = fields.last_mut() {
            prev.pad = sub(&mut consts, format_ident!("PAD_{}", i - 1), &offset, &end);
        }
        end = match (&offset, &size) {
            (Num::Lit(o), Num::Lit(s)) => o.checked_add(*s).map(Num::Lit),
            _ => None,
        }
        .unwrap_or_else(|| consts.name(format_ident!("END_{}", i), quote!(#offset + #size)));
        fields.push(FieldPlan {
            offset,
            align,
            pad: Num::Lit(0),
        });
    }
    let align = if align_exprs.is_empty() {
        Num::Lit(align_lit)
    } else {
        let lit = Literal::usize_unsuffixed(align_lit);
        consts.name(
            format_ident!("ALIGN"),
            quote!(#krate::__private::max_of(&[#lit, #(#align_exprs),*])),
        )
    };
    let size = match (&end, &align) {
        (Num::Lit(e), Num::Lit(a)) => align_up(*e, *a).map(Num::Lit),
        _ => None,
    }
    .unwrap_or_else(|| {
        consts.name(
            format_ident!("SIZE"),
            quote!(#krate::__private::align_up(#end, #align)),
        )
    });
    if let Some(last) = fields.last_mut() {
        let i = m.fields.len() - 1;
        last.pad = sub(&mut consts, format_ident!("PAD_{}", i), &size, &end);
    }
    let consts = if consts.items.is_empty() {
        TokenStream::new()
    } else {
        let items = &consts.items;
        quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            struct #ty;
            #[allow(dead_code)]
            impl #ty {
                #(#items)*
            }
        }
    };
    Plan {
        fields,
        size,
        align,
        consts,
    }
}

/// `a - b` (the padding between an end and the next offset).
fn sub(consts: &mut Consts, name: Ident, a: &Num, b: &Num) -> Num {
    match (a, b) {
        (Num::Lit(a), Num::Lit(b)) if a >= b => Num::Lit(a - b),
        _ => consts.name(name, quote!(#a - #b)),
    }
}
