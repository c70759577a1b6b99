//! The error sink (serde_derive's `Ctxt`): every check reports into it and goes on, and
//! [`Errors::check`] hands all of them to the user at once, merged with
//! `syn::Error::combine`, each spanned on the token at fault.
//!
//! A sink must be checked: one dropped without [`Errors::check`] would lose its errors
//! and let a broken layout expand, so in debug builds (tests, and the dev profile that
//! builds proc macros) its `Drop` panics, which turns the forgotten check into a visible
//! "proc macro panicked" instead of a silent loss.

use proc_macro2::Span;
use quote::ToTokens;

/// Collects errors until [`Errors::check`].
pub struct Errors {
    /// `None` once checked.
    pending: Option<Vec<syn::Error>>,
}

impl Errors {
    pub fn new() -> Self {
        Errors {
            pending: Some(Vec::new()),
        }
    }

    pub fn push(&mut self, e: syn::Error) {
        if let Some(pending) = &mut self.pending {
            pending.push(e);
        }
    }

    pub fn error(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.push(syn::Error::new(span, msg));
    }

    /// An error over all of `tokens` (not only their first token, as `span()` gives on
    /// stable).
    pub fn spanned(&mut self, tokens: impl ToTokens, msg: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, msg));
    }

    /// All errors reported, combined into one (in the order they were reported), or
    /// `Ok` if there were none.
    pub fn check(mut self) -> syn::Result<()> {
        let mut all = self.pending.take().unwrap_or_default().into_iter();
        let Some(mut combined) = all.next() else {
            return Ok(());
        };
        for e in all {
            combined.combine(e);
        }
        Err(combined)
    }
}

impl Drop for Errors {
    fn drop(&mut self) {
        if cfg!(debug_assertions) && self.pending.is_some() && !std::thread::panicking() {
            panic!(
                "internal error in #[atomic_layout]: an error sink was dropped without \
                 `check`, which would lose its errors"
            );
        }
    }
}
