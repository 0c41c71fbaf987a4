//! Parsing the annotated `async fn` and wrapping its body in a runtime.
//!
//! The expansion of
//!
//! ```ignore
//! #[rt::test]
//! async fn works() -> Result<(), E> { body }
//! ```
//!
//! is, in shape:
//!
//! ```ignore
//! #[::core::prelude::v1::test]
//! fn works() -> Result<(), E> {
//!     let body = async move { body };
//!     // Tests only: one `block_on` instantiation per output type, not per test.
//!     let body = ::core::pin::pin!(body);
//!     let body: ::core::pin::Pin<&mut dyn ::core::future::Future<Output = Result<(), E>>> = body;
//!     #[allow(clippy::expect_used, ...)]
//!     {
//!         return ::rt::runtime::Builder::new_current_thread()
//!             .enable_all()
//!             .build()
//!             .expect("Failed building the Runtime")
//!             .block_on(body);
//!     }
//! }
//! ```
//!
//! Two things keep this friendly to users and their tools:
//!
//! - The body is never re-parsed: its tokens are passed through with their own spans, so
//!   rustc reports errors in it exactly where the user wrote them. The `block_on` call
//!   carries the spans of the body's last statement, so a mismatch between what the body
//!   produces and the declared return type points at that statement.
//! - Errors never swallow the function. If the arguments or the signature are wrong, the
//!   function is still expanded (with a fallback configuration when the arguments are
//!   wrong) next to the errors; if the item does not even parse, it is handed back
//!   unchanged next to the error. Either way rust-analyzer keeps seeing the function
//!   while the user types.

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::{AttrStyle, Attribute, ReturnType, Signature, Visibility, braced, token};

use crate::config::{self, Config, Errors, Flavor, Kind};

/// Expands `#[main]` / `#[test]` (and their `_rt` variants).
///
/// `multi_thread` says whether the multi-thread runtime is available in the umbrella crate.
pub(crate) fn expand(
    kind: Kind,
    multi_thread: bool,
    args: TokenStream,
    item: TokenStream,
) -> TokenStream {
    let function: EntryFn = match syn::parse2(item.clone()) {
        Ok(function) => function,
        // Not a function we can take apart: give it back as written, so the user's code
        // stays visible to tools, and let the error explain.
        Err(error) => return with_error(item, error),
    };

    let mut errors = Errors::default();
    errors.check(check_signature(&function, kind));
    // `#[test]` adds the built-in test attribute, so there must not be one already.
    let add_test_attribute = match kind {
        Kind::Main => false,
        Kind::Test => match function.attrs.iter().find(|attr| is_test_attribute(attr)) {
            Some(attr) => {
                errors.push(syn::Error::new_spanned(
                    attr,
                    "second test attribute is supplied, consider removing or changing the \
                     order of your test attributes",
                ));
                false
            }
            None => true,
        },
    };
    let config = errors
        .check(config::parse(args, kind, multi_thread))
        .unwrap_or_else(Config::fallback);

    let expanded = function.expand(kind, &config, add_test_attribute);
    match errors.finish() {
        Ok(()) => expanded,
        Err(error) => with_error(expanded, error),
    }
}

/// `tokens` followed by `compile_error!`s for `error`.
fn with_error(mut tokens: TokenStream, error: syn::Error) -> TokenStream {
    tokens.extend(error.into_compile_error());
    tokens
}

/// What must hold of the function itself, whatever the arguments say.
fn check_signature(function: &EntryFn, kind: Kind) -> syn::Result<()> {
    let sig = &function.sig;
    let mut errors = Errors::default();
    if sig.asyncness.is_none() {
        errors.push(syn::Error::new_spanned(
            sig.fn_token,
            "the `async` keyword is missing from the function declaration",
        ));
    }
    if kind == Kind::Main && sig.ident == "main" && !sig.inputs.is_empty() {
        errors.push(syn::Error::new_spanned(
            &sig.inputs,
            "the `main` function cannot accept arguments",
        ));
    }
    errors.finish()
}

/// Whether `attr` is the built-in `#[test]`, written as `test` or by its prelude path
/// (`core::prelude::v1::test`, `::std::prelude::rust_2024::test`, ...).
fn is_test_attribute(attr: &Attribute) -> bool {
    let syn::Meta::Path(path) = &attr.meta else {
        return false;
    };
    if path
        .segments
        .iter()
        .any(|segment| !segment.arguments.is_none())
    {
        return false;
    }
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    match names.as_slice() {
        [test] => path.leading_colon.is_none() && test == "test",
        [krate, prelude, _edition, test] => {
            (krate == "core" || krate == "std") && prelude == "prelude" && test == "test"
        }
        _ => false,
    }
}

/// An `async fn` whose body is kept as unparsed tokens.
struct EntryFn {
    attrs: Vec<Attribute>,
    vis: Visibility,
    sig: Signature,
    brace: token::Brace,
    /// `#![...]` attributes at the top of the body. The body becomes an `async` block,
    /// which cannot carry them, so they are moved onto the function.
    inner_attrs: Vec<Attribute>,
    body: TokenStream,
}

impl Parse for EntryFn {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let content;
        let brace = braced!(content in input);
        let inner_attrs = content.call(Attribute::parse_inner)?;
        let body = content.parse()?;
        Ok(EntryFn {
            attrs,
            vis,
            sig,
            brace,
            inner_attrs,
            body,
        })
    }
}

impl EntryFn {
    fn expand(self, kind: Kind, config: &Config, add_test_attribute: bool) -> TokenStream {
        let EntryFn {
            attrs,
            vis,
            mut sig,
            brace,
            inner_attrs,
            body,
        } = self;
        let (last_start, last_end) = last_statement_spans(&body, brace.span.join());

        // Only the generated code names it: invisible to the user's body.
        let body_ident = Ident::new("body", Span::mixed_site());
        let mut user_block = Group::new(Delimiter::Brace, body);
        user_block.set_span(brace.span.join());
        // The `async` block stands for the user's `async fn`: let it carry its `async`.
        let async_span = sig
            .asyncness
            .map_or_else(Span::call_site, |token| token.span);
        let mut bind_body = quote_spanned! {async_span=>
            let #body_ident = async move #user_block;
        };
        if kind == Kind::Test {
            // Every test has its own future type; erasing it means `block_on` is compiled
            // once per output type instead of once per test. `dyn` cannot name an
            // `impl Trait` output, so such tests keep the concrete type.
            let output = match &sig.output {
                ReturnType::Default => Some(quote!(())),
                ReturnType::Type(_, ty) if !mentions_impl(ty.to_token_stream()) => {
                    Some(ty.to_token_stream())
                }
                ReturnType::Type(..) => None,
            };
            if let Some(output) = output {
                // A wrong output type is found at this coercion: point at the last
                // statement, where the body's value comes from, rather than the attribute.
                let erased = Ident::new("body", Span::mixed_site().located_at(last_start));
                bind_body.extend(quote! {
                    let #body_ident = ::core::pin::pin!(#body_ident);
                    let #body_ident: ::core::pin::Pin<
                        &mut dyn ::core::future::Future<Output = #output>,
                    > = #erased;
                });
            }
        }

        // The builder chain starts at the last statement's first token and the call ends at
        // its last token, so rustc underlines that statement for a return type mismatch.
        // That includes the crate path: a first token spanned elsewhere would move the
        // diagnostic onto the attribute.
        let crate_path = respan(config.crate_path.to_token_stream(), last_start);
        let mut runtime = match config.flavor {
            Flavor::CurrentThread => {
                quote_spanned!(last_start=> #crate_path::runtime::Builder::new_current_thread())
            }
            Flavor::MultiThread => {
                quote_spanned!(last_start=> #crate_path::runtime::Builder::new_multi_thread())
            }
        };
        if let Some((threads, span)) = config.worker_threads {
            let threads = proc_macro2::Literal::usize_unsuffixed(threads);
            runtime.extend(quote_spanned!(span=> .worker_threads(#threads)));
        }
        if config.start_paused {
            runtime.extend(quote_spanned!(last_start=> .start_paused(true)));
        }
        // An explicit `return` inside a block statement: the block needs attributes, which
        // stable Rust allows on statements but not on a function's tail expression.
        let run = quote_spanned! {last_end=>
            #[allow(
                clippy::expect_used,
                clippy::diverging_sub_expression,
                clippy::needless_return,
                clippy::unwrap_in_result
            )]
            {
                return #runtime
                    .enable_all()
                    .build()
                    .expect("Failed building the Runtime")
                    .block_on(#body_ident);
            }
        };

        sig.asyncness = None;
        let mut tokens = TokenStream::new();
        if add_test_attribute {
            tokens.extend(quote!(#[::core::prelude::v1::test]));
        }
        for attr in attrs {
            attr.to_tokens(&mut tokens);
        }
        for mut attr in inner_attrs {
            attr.style = AttrStyle::Outer;
            attr.to_tokens(&mut tokens);
        }
        vis.to_tokens(&mut tokens);
        sig.to_tokens(&mut tokens);
        brace.surround(&mut tokens, |tokens| {
            tokens.extend(bind_body);
            tokens.extend(run);
        });
        tokens
    }
}

/// The spans of the first and last tokens of the body's last statement, or `empty` twice
/// for an empty body.
fn last_statement_spans(body: &TokenStream, empty: Span) -> (Span, Span) {
    let tokens: Vec<TokenTree> = body.clone().into_iter().collect();
    match tokens.last() {
        Some(last) => (tokens[last_statement_start(&tokens)].span(), last.span()),
        None => (empty, empty),
    }
}

/// The index of the first token of the last statement. Statements are split at top-level
/// `;` only (a trailing `;` belongs to the statement it ends), which is close enough for
/// pointing diagnostics.
fn last_statement_start(tokens: &[TokenTree]) -> usize {
    let before_last = &tokens[..tokens.len().saturating_sub(1)];
    before_last
        .iter()
        .rposition(|token| matches!(token, TokenTree::Punct(punct) if punct.as_char() == ';'))
        .map_or(0, |semi| semi + 1)
}

/// `tokens` with every span, nested ones included, set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut respanned = Group::new(group.delimiter(), respan(group.stream(), span));
                respanned.set_span(span);
                token = TokenTree::Group(respanned);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

/// Whether a type mentions `impl Trait` anywhere.
fn mentions_impl(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => ident == "impl",
        TokenTree::Group(group) => mentions_impl(group.stream()),
        TokenTree::Punct(_) | TokenTree::Literal(_) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_to_string(kind: Kind, args: TokenStream, item: TokenStream) -> String {
        expand(kind, true, args, item).to_string()
    }

    /// The messages of the `compile_error!`s in an expansion.
    fn errors(expanded: &str) -> Vec<String> {
        expanded
            .split("compile_error !")
            .skip(1)
            .map(|rest| {
                let start = rest.find('"').expect("message") + 1;
                let end = start + rest[start..].find("\" }").expect("end of message");
                rest[start..end].to_owned()
            })
            .collect()
    }

    #[test]
    fn main_expands_to_a_multi_thread_runtime() {
        let out = expand_to_string(
            Kind::Main,
            quote!(),
            quote! {
                async fn main() { println!("hi"); }
            },
        );
        assert!(errors(&out).is_empty(), "{out}");
        assert!(out.starts_with("fn main ()"), "{out}");
        assert!(out.contains("async move { println ! (\"hi\") ; }"), "{out}");
        assert!(
            out.contains(":: rt :: runtime :: Builder :: new_multi_thread ()"),
            "{out}"
        );
        assert!(out.contains(". enable_all () . build () . expect (\"Failed building the Runtime\") . block_on (body)"), "{out}");
        assert!(!out.contains("test"), "{out}");
    }

    #[test]
    fn test_adds_the_test_attribute_and_erases_the_future() {
        let out = expand_to_string(
            Kind::Test,
            quote!(),
            quote! {
                #[ignore]
                async fn it_works() -> Result<(), String> { Ok(()) }
            },
        );
        assert!(errors(&out).is_empty(), "{out}");
        assert!(
            out.starts_with("# [:: core :: prelude :: v1 :: test] # [ignore] fn it_works () -> Result < () , String >"),
            "{out}"
        );
        assert!(
            out.contains("dyn :: core :: future :: Future < Output = Result < () , String > >"),
            "{out}"
        );
        assert!(out.contains("new_current_thread ()"), "{out}");
    }

    #[test]
    fn impl_trait_outputs_keep_the_concrete_future() {
        let out = expand_to_string(
            Kind::Test,
            quote!(),
            quote! { async fn t() -> impl std::process::Termination {} },
        );
        assert!(errors(&out).is_empty(), "{out}");
        assert!(!out.contains("dyn"), "{out}");
    }

    #[test]
    fn arguments_reach_the_builder() {
        let out = expand_to_string(
            Kind::Test,
            quote!(flavor = "multi_thread", worker_threads = 3, crate = "my_rt"),
            quote! { async fn t() {} },
        );
        assert!(
            out.contains("my_rt :: runtime :: Builder :: new_multi_thread () . worker_threads (3) . enable_all ()"),
            "{out}"
        );
        let out = expand_to_string(
            Kind::Test,
            quote!(start_paused = true),
            quote! { async fn t() {} },
        );
        assert!(
            out.contains("new_current_thread () . start_paused (true) . enable_all ()"),
            "{out}"
        );
    }

    #[test]
    fn inner_attributes_move_to_the_function() {
        let out = expand_to_string(
            Kind::Main,
            quote!(flavor = "current_thread"),
            quote! { pub async fn run() { #![allow(unused)] let x = 1; } },
        );
        assert!(out.starts_with("# [allow (unused)] pub fn run ()"), "{out}");
        assert!(out.contains("async move { let x = 1 ; }"), "{out}");
    }

    #[test]
    fn missing_async_is_an_error_but_the_function_stays() {
        let out = expand_to_string(Kind::Test, quote!(), quote! { fn t() {} });
        assert_eq!(
            errors(&out),
            ["the `async` keyword is missing from the function declaration"]
        );
        assert!(out.contains("fn t ()"), "{out}");
    }

    #[test]
    fn main_cannot_take_arguments() {
        let out = expand_to_string(Kind::Main, quote!(), quote! { async fn main(x: u32) {} });
        assert_eq!(
            errors(&out),
            ["the `main` function cannot accept arguments"]
        );
        // Any other name may.
        let out = expand_to_string(Kind::Main, quote!(), quote! { async fn run(x: u32) {} });
        assert!(errors(&out).is_empty(), "{out}");
    }

    #[test]
    fn a_second_test_attribute_is_an_error() {
        for attr in [
            quote!(#[test]),
            quote!(#[::core::prelude::v1::test]),
            quote!(#[std::prelude::rust_2024::test]),
        ] {
            let out = expand_to_string(Kind::Test, quote!(), quote! { #attr async fn t() {} });
            assert_eq!(
                errors(&out),
                [
                    "second test attribute is supplied, consider removing or changing the order of your test attributes"
                ]
            );
            // The function is still there, with exactly one test attribute.
            assert_eq!(out.matches("test]").count(), 1, "{out}");
        }
        // Look-alikes are not the built-in attribute.
        let out = expand_to_string(
            Kind::Test,
            quote!(),
            quote! { #[my::test] #[test(x)] async fn t() {} },
        );
        assert!(errors(&out).is_empty(), "{out}");
    }

    #[test]
    fn argument_errors_keep_the_function() {
        let out = expand(
            Kind::Main,
            false,
            quote!(),
            quote! { async fn main() { work().await } },
        )
        .to_string();
        let errors = errors(&out);
        assert_eq!(errors.len(), 1, "{out}");
        assert!(errors[0].starts_with("The default runtime flavor is `multi_thread`"));
        // Expanded with the fallback configuration.
        assert!(out.contains("fn main ()"), "{out}");
        assert!(out.contains("new_current_thread ()"), "{out}");
    }

    #[test]
    fn signature_and_argument_errors_are_reported_together() {
        let out = expand_to_string(Kind::Main, quote!(bogus = 1), quote! { fn main(x: u8) {} });
        assert_eq!(errors(&out).len(), 3, "{out}");
    }

    #[test]
    fn unparsable_items_are_returned_unchanged() {
        let item = quote! { async fn t() -> };
        let out = expand_to_string(Kind::Test, quote!(), item.clone());
        assert!(out.starts_with(&item.to_string()), "{out}");
        assert_eq!(errors(&out).len(), 1, "{out}");

        let item = quote! { struct NotAFunction; };
        let out = expand_to_string(Kind::Test, quote!(), item.clone());
        assert!(out.starts_with(&item.to_string()), "{out}");
        assert_eq!(errors(&out).len(), 1, "{out}");
    }

    #[test]
    fn the_last_statement_starts_after_the_last_top_level_semicolon() {
        let first_of_last = |body: TokenStream| {
            let tokens: Vec<TokenTree> = body.into_iter().collect();
            tokens[last_statement_start(&tokens)].to_string()
        };
        assert_eq!(first_of_last(quote! { let a = { 1; 2 }; a + 1 }), "a");
        assert_eq!(first_of_last(quote! { one(); two(); }), "two");
        assert_eq!(first_of_last(quote! { Ok(()) }), "Ok");
        assert_eq!(first_of_last(quote! { ; }), ";");
    }

    #[test]
    fn impl_is_found_in_nested_types() {
        assert!(mentions_impl(quote!(Result<impl Debug, E>)));
        assert!(!mentions_impl(quote!(Result<(), Box<dyn Error>>)));
    }
}
