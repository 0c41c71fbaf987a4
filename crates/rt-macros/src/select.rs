//! Helpers for `rt::select!`, which is a `macro_rules!` macro in `rt`.
//!
//! `macro_rules!` cannot make identifiers or count, and cannot rewrite a pattern; these do
//! it for it. The `select!` expansion numbers its branches with one `_` token per earlier
//! branch (`( _ _ )` is the third branch), and hands those tokens here:
//!
//! * [`declare_output_enum`]: `( _ _ _ )` → an enum with a variant per branch, `_0` to
//!   `_2`, plus `Disabled`, generic over the branches' output types;
//! * [`variant`]: `Out, ( _ _ )` → `Out::_2`, and `Out, ( _ _ ) (pat)` → `Out::_2(pat)`;
//! * [`count`]: `_ _` → `2`;
//! * [`clean_pattern`]: a branch pattern rewritten to be matched against a *reference* to
//!   the output, to test whether it matches without moving the output.

use proc_macro2::{Delimiter, Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::Pat;
use syn::parse::Parser;

/// The most branches a `select!` may have: the disabled set is a `u64` bit mask.
const MAX_BRANCHES: usize = 64;

/// The number of `_` tokens in `input`, looking through invisible groups.
fn count_underscores(input: TokenStream) -> syn::Result<usize> {
    let mut count = 0;
    for token in input {
        match token {
            TokenTree::Ident(ident) if ident == "_" => count += 1,
            TokenTree::Punct(_) | TokenTree::Literal(_) | TokenTree::Ident(_) => {
                return Err(syn::Error::new(token.span(), "expected `_`"));
            }
            TokenTree::Group(group) if group.delimiter() == Delimiter::None => {
                count += count_underscores(group.stream())?;
            }
            TokenTree::Group(group) => {
                return Err(syn::Error::new(group.span(), "expected `_`"));
            }
        }
    }
    Ok(count)
}

/// The stream inside a single parenthesized (or invisible) group.
fn group_stream(token: Option<TokenTree>, what: &str) -> syn::Result<TokenStream> {
    match token {
        Some(TokenTree::Group(group))
            if matches!(group.delimiter(), Delimiter::Parenthesis | Delimiter::None) =>
        {
            Ok(group.stream())
        }
        Some(other) => Err(syn::Error::new(other.span(), format!("expected {what}"))),
        None => Err(syn::Error::new(
            Span::call_site(),
            format!("expected {what}"),
        )),
    }
}

fn variant_ident(index: usize) -> Ident {
    Ident::new(&format!("_{index}"), Span::call_site())
}

/// `( _ _ _ )` → the output enum of a three-branch `select!`.
pub(crate) fn declare_output_enum(input: TokenStream) -> TokenStream {
    let expanded = (|| {
        let mut tokens = input.into_iter();
        let branches = count_underscores(group_stream(tokens.next(), "`( _ ... )`")?)?;
        if branches > MAX_BRANCHES {
            return Err(syn::Error::new(
                Span::call_site(),
                format!(
                    "select! supports at most {MAX_BRANCHES} branches, this one has {branches}"
                ),
            ));
        }
        let variants: Vec<Ident> = (0..branches).map(variant_ident).collect();
        let params: Vec<Ident> = (0..branches)
            .map(|index| Ident::new(&format!("T{index}"), Span::call_site()))
            .collect();
        Ok(quote! {
            #[allow(non_camel_case_types, dead_code, clippy::large_enum_variant)]
            pub(super) enum Out<#(#params,)*> {
                #(#variants(#params),)*
                Disabled,
            }
        })
    })();
    expanded.unwrap_or_else(syn::Error::into_compile_error)
}

/// `Out, ( _ _ )` → `Out::_2`; `Out, ( _ _ ) (pat)` → `Out::_2(pat)`.
pub(crate) fn variant(input: TokenStream) -> TokenStream {
    let expanded = (|| {
        let mut tokens = input.into_iter().peekable();
        let mut path = TokenStream::new();
        while let Some(token) = tokens
            .next_if(|token| !matches!(token, TokenTree::Punct(punct) if punct.as_char() == ','))
        {
            path.extend([token]);
        }
        // The comma.
        tokens.next();
        let index = count_underscores(group_stream(tokens.next(), "`( _ ... )`")?)?;
        let variant = variant_ident(index);
        let mut out = quote!(#path::#variant);
        if let Some(pattern) = tokens.next() {
            let pattern = group_stream(Some(pattern), "`(pattern)`")?;
            out.extend([TokenTree::Group(Group::new(
                Delimiter::Parenthesis,
                pattern,
            ))]);
        }
        Ok(out)
    })();
    expanded.unwrap_or_else(syn::Error::into_compile_error)
}

/// `_ _` → `2`.
pub(crate) fn count(input: TokenStream) -> TokenStream {
    match count_underscores(input) {
        Ok(count) => Literal::usize_unsuffixed(count).into_token_stream(),
        Err(error) => error.into_compile_error(),
    }
}

/// A branch pattern rewritten so that matching it against `&output` succeeds exactly when
/// the original pattern matches `output`, without moving out of it.
///
/// Matching a reference with a non-reference pattern binds by reference (match
/// ergonomics); `ref`, `mut` and `&` are then not allowed or mean something else, so they
/// are removed, and `name @ sub` becomes `sub`. Names stay: they bind references that
/// nobody uses, where the expansion allows `unused_variables`. A name may also be a unit
/// struct or constant, which only matching can tell.
pub(crate) fn clean_pattern(input: TokenStream) -> TokenStream {
    let input = unwrap_invisible(input);
    match Pat::parse_multi_with_leading_vert.parse2(input) {
        Ok(mut pattern) => {
            clean(&mut pattern);
            pattern.into_token_stream()
        }
        Err(error) => error.into_compile_error(),
    }
}

/// The stream inside invisible groups (what `macro_rules!` wraps a `$p:pat` in).
fn unwrap_invisible(input: TokenStream) -> TokenStream {
    let mut tokens = input.clone().into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(TokenTree::Group(group)), None) if group.delimiter() == Delimiter::None => {
            unwrap_invisible(group.stream())
        }
        _ => input,
    }
}

fn clean(pattern: &mut Pat) {
    match pattern {
        Pat::Ident(ident) => {
            if let Some((_, sub)) = ident.subpat.take() {
                let mut sub = *sub;
                clean(&mut sub);
                *pattern = sub;
            } else {
                ident.by_ref = None;
                ident.mutability = None;
            }
        }
        Pat::Reference(reference) => {
            let mut inner = (*reference.pat).clone();
            clean(&mut inner);
            *pattern = inner;
        }
        Pat::Or(or) => or.cases.iter_mut().for_each(clean),
        Pat::Paren(paren) => clean(&mut paren.pat),
        Pat::Slice(slice) => slice.elems.iter_mut().for_each(clean),
        Pat::Struct(structure) => structure
            .fields
            .iter_mut()
            .for_each(|field| clean(&mut field.pat)),
        Pat::Tuple(tuple) => tuple.elems.iter_mut().for_each(clean),
        Pat::TupleStruct(tuple) => tuple.elems.iter_mut().for_each(clean),
        Pat::Type(typed) => clean(&mut typed.pat),
        // Literals, ranges, paths, `_`, `..`, macros: nothing binds.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(pattern: TokenStream) -> String {
        clean_pattern(pattern).to_string()
    }

    #[test]
    fn bindings_lose_ref_mut_and_at() {
        assert_eq!(cleaned(quote!(mut x)), "x");
        assert_eq!(cleaned(quote!(Some(ref mut v))), "Some (v)");
        assert_eq!(cleaned(quote!(all @ Ok(_))), "Ok (_)");
        assert_eq!(cleaned(quote!((a, &b, &mut c))), "(a , b , c)");
        assert_eq!(
            cleaned(quote!(Point { x: mut px, ref y, .. })),
            "Point { x : px , y , .. }"
        );
        assert_eq!(
            cleaned(quote!(Ok(1..=3) | Err(_))),
            "Ok (1 ..= 3) | Err (_)"
        );
        assert_eq!(cleaned(quote!([first, rest @ ..])), "[first , ..]");
    }

    #[test]
    fn invisible_groups_are_looked_through() {
        let pattern = Group::new(Delimiter::None, quote!(Some(mut x)));
        assert_eq!(cleaned(TokenTree::Group(pattern).into()), "Some (x)");
    }

    #[test]
    fn counting_and_naming_branches() {
        assert_eq!(count(quote!()).to_string(), "0");
        assert_eq!(count(quote!(_ _ _)).to_string(), "3");
        assert_eq!(variant(quote!(m::Out, (_ _))).to_string(), "m :: Out :: _2");
        assert_eq!(
            variant(quote!(Out, ()(Some(x)))).to_string(),
            "Out :: _0 (Some (x))"
        );
        let out = declare_output_enum(quote!((_ _))).to_string();
        assert!(out.contains("enum Out < T0 , T1 , >"), "{out}");
        assert!(out.contains("_0 (T0) , _1 (T1) , Disabled"), "{out}");
    }

    #[test]
    fn more_than_64_branches_is_an_error() {
        let underscores: TokenStream = (0..65).map(|_| quote!(_)).collect();
        let out = declare_output_enum(quote!((#underscores))).to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("at most 64 branches"), "{out}");
    }
}
