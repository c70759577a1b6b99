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

/// The number of tokens (leaves, counting into groups) of the expansion of a layout of
/// `n` fields, each `ty`.
fn expansion_tokens(n: usize, ty: &str) -> usize {
    fn count(ts: proc_macro2::TokenStream) -> usize {
        ts.into_iter()
            .map(|tt| match tt {
                proc_macro2::TokenTree::Group(g) => 2 + count(g.stream()),
                _ => 1,
            })
            .sum()
    }
    let mut src = String::from("struct L {");
    for i in 0..n {
        src += &format!("f{i}: {ty},");
    }
    src += "}";
    let model = crate::parse::parse(proc_macro2::TokenStream::new(), src.parse().unwrap())
        .expect("input is valid");
    count(crate::expand::expand(&model))
}

/// Pins the size of the expansion per field so it cannot creep back: it was five consts
/// per field, a `max(max(..))` nested as deep as the field count (prettyplease overflows
/// its stack on 1,000 fields) and two spanned assertions per field. This test fails on
/// that expansion: 355 tokens per u64 field, above the bound. Each extra field must cost the same number of tokens (linear: the
/// step from 100 to 1,000 fields is 10x the step from 10 to 100), and few of them.
#[test]
fn expansion_is_linear_and_small_per_field() {
    // Today: 194 tokens per u64 field, 215 per bool, 255 per array, 393 per nested field
    // (the const items of its offset name the nested type's trait; a bool or nested field
    // adds its `Plain::is_valid` call). The bounds leave room for a small addition, not
    // for a per-field assertion block or a chain that nests. These count the attribute's
    // own output: the zerocopy derives it used to put on the snapshot expanded later,
    // into several impls per field, and are not counted here (see
    // `snapshot_derives_only_std_traits`).
    for (ty, bound) in [
        ("u64", 200),
        ("bool", 225),
        ("[u16; 4]", 265),
        ("Inner", 400),
    ] {
        let (t10, t100, t1000) = (
            expansion_tokens(10, ty),
            expansion_tokens(100, ty),
            expansion_tokens(1000, ty),
        );
        let per_field = (t100 - t10) / 90;
        assert_eq!(
            (t1000 - t100),
            10 * (t100 - t10),
            "{ty}: the expansion is not linear in the field count ({t10}, {t100}, {t1000} tokens)"
        );
        assert!(
            per_field <= bound,
            "{ty}: {per_field} tokens per field, above {bound} ({t10}, {t100}, {t1000})"
        );
    }
}

/// The snapshot twin derives only std traits (`Clone`, `Copy`, `PartialEq`) and gets its
/// `Plain` impl written out: the zerocopy derives it had (`FromZeros`, `IntoBytes`,
/// `KnownLayout`, `Immutable`) expanded into several impls per field and were most of
/// the compile time of a 1,000-field layout. Fails on that expansion (it names zerocopy).
#[test]
fn snapshot_derives_only_std_traits() {
    for ty in ["u64", "bool", "[u16; 4]", "Inner"] {
        let src = format!("struct L {{ a: {ty}, b: {ty} }}");
        let model = crate::parse::parse(proc_macro2::TokenStream::new(), src.parse().unwrap())
            .expect("input is valid");
        let out = crate::expand::expand(&model).to_string();
        assert!(
            !out.contains("zerocopy"),
            "{ty}: the expansion names zerocopy:\n{out}"
        );
        assert!(
            out.contains("Plain for LSnapshot"),
            "{ty}: no Plain impl:\n{out}"
        );
        let derives: Vec<_> = out.match_indices("[derive (").collect();
        assert_eq!(
            derives.len(),
            1,
            "{ty}: one derive attribute, of std traits"
        );
    }
}
