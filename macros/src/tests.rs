//! Expansion snapshots: each `tests/expand/<case>.rs` input is expanded and compared with
//! `tests/expand/<case>.expanded.rs`. Re-bless after a deliberate change with
//! `SHM_ATOMICS_BLESS=1 cargo test -p shm-atomics-macros`.

use std::path::Path;

use quote::ToTokens;

fn expand_file(input: &str) -> String {
    let mut item: syn::ItemStruct = syn::parse_str(input).expect("input is a struct");
    let pos = item
        .attrs
        .iter()
        .position(|a| a.path().is_ident("atomic_layout"))
        .expect("input has #[atomic_layout]");
    let attr = item.attrs.remove(pos);
    let args = match attr.meta {
        syn::Meta::List(l) => l.tokens,
        _ => proc_macro2::TokenStream::new(),
    };
    let model = crate::parse::parse(args, item.to_token_stream()).expect("input is valid");
    let tokens = crate::expand::expand(&model);
    let file: syn::File = syn::parse2(tokens).expect("expansion parses as a file");
    prettyplease::unparse(&file)
}

fn check(case: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand");
    let input = std::fs::read_to_string(dir.join(format!("{case}.rs"))).expect("read input");
    let got = expand_file(&input);
    let path = dir.join(format!("{case}.expanded.rs"));
    if std::env::var_os("SHM_ATOMICS_BLESS").is_some() {
        std::fs::write(&path, &got).expect("write snapshot");
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {}; run with SHM_ATOMICS_BLESS=1", path.display()));
    if got != want {
        panic!(
            "expansion of {case} changed; if intended, re-bless with SHM_ATOMICS_BLESS=1.\n--- got ---\n{got}"
        );
    }
}

#[test]
fn expand_scalars() {
    check("scalars");
}

#[test]
fn expand_array_nested_aligned() {
    check("array_nested_aligned");
}

#[test]
fn expand_crate_path() {
    check("crate_path");
}

#[test]
fn errors_are_all_reported_at_once() {
    let input: proc_macro2::TokenStream = quote::quote! {
        struct S<T> {
            a: [u8; 3],
            #[atomic(align = 3)]
            b: u64,
            c: usize,
        }
    };
    let err = crate::parse::parse(proc_macro2::TokenStream::new(), input).unwrap_err();
    let messages: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert!(messages[0].contains("type parameters"));
    assert!(messages[1].contains("[u8; 3]") && messages[1].contains("[u8; 4]"));
    assert!(messages[2].contains("not a power of two"));
    assert!(messages[3].contains("usize"));
}

fn messages(args: proc_macro2::TokenStream, input: proc_macro2::TokenStream) -> Vec<String> {
    let err = crate::parse::parse(args, input).unwrap_err();
    err.into_iter().map(|e| e.to_string()).collect()
}

/// The attribute's arguments are checked and reported even when the item is not a
/// struct (an early return used to drop them with the sink).
#[test]
fn argument_errors_survive_a_rejected_item() {
    let messages = messages(
        quote::quote!(align = 3, crate = 5),
        quote::quote! {
            enum State { Idle, Busy }
        },
    );
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(messages[0].contains("align = 3 is not a power of two"));
    assert!(messages[1].contains("`crate` takes the runtime's path as a string"));
    assert!(messages[2].contains("not enums"));
}

/// A bad key does not hide the keys after it: each entry is reported and the parse goes
/// on (`parse_nested_meta` stops at the first `Err`).
#[test]
fn every_bad_key_is_reported() {
    let messages = messages(
        quote::quote!(packed = 4, align, crate = "a b", size(8, 16), align = 6),
        quote::quote! {
            struct S {
                #[atomic(offset = 8, align = "x", align = 3)]
                a: u64,
            }
        },
    );
    let want = [
        "unknown key `packed` in #[atomic_layout(..)]",
        "`align` needs a value",
        "`crate = \"a b\"` is not a path",
        "unknown key `size` in #[atomic_layout(..)]",
        "align = 6 is not a power of two",
        "unknown key `offset` in #[atomic(..)]",
        "`align` takes an integer literal",
        "align = 3 is not a power of two",
    ];
    assert_eq!(messages.len(), want.len(), "{messages:#?}");
    for (got, want) in messages.iter().zip(want) {
        assert!(got.contains(want), "{got:?} should contain {want:?}");
    }
}

/// A sink dropped without `check` would lose its errors: in debug builds it panics.
#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "dropped without `check`")]
fn an_unchecked_sink_panics() {
    let mut errors = crate::errors::Errors::new();
    errors.error(proc_macro2::Span::call_site(), "lost");
    drop(errors);
}

/// A checked sink drops quietly, with or without errors.
#[test]
fn a_checked_sink_drops_quietly() {
    let errors = crate::errors::Errors::new();
    assert!(errors.check().is_ok());
    let mut errors = crate::errors::Errors::new();
    errors.error(proc_macro2::Span::call_site(), "reported");
    assert_eq!(errors.check().unwrap_err().to_string(), "reported");
}

#[test]
#[ignore]
fn dump_expansion_tmp() {
    let n: usize = std::env::var("N").unwrap().parse().unwrap();
    let mut s = String::from("#[atomic_layout]\npub struct L0 {\n");
    for i in 0..n {
        s += &format!("    pub f{i}: u64,\n");
    }
    s += "}\n";
    std::fs::write(std::env::var("OUT").unwrap(), expand_file(&s)).unwrap();
}
