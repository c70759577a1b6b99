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
