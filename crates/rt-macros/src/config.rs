//! The arguments of `#[main(...)]` and `#[test(...)]`.
//!
//! Reading them takes two passes:
//!
//! 1. [`RawArgs::set`] looks at one `name = value` pair at a time. It checks that the name
//!    is known, that the value has the right type and that no name is given twice.
//! 2. [`RawArgs::finish`] checks how the arguments fit together (`worker_threads` needs the
//!    `multi_thread` flavor, `start_paused` the `current_thread` one, `multi_thread` needs the
//!    `rt-multi-thread` feature) and fills in the defaults of the macro being expanded.
//!
//! Every error is spanned on the argument it is about, and errors from different arguments
//! are reported together rather than one compile at a time.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, Lit, LitStr, Meta, MetaNameValue, Token};

/// The argument names the macros accept, in the order error messages list them.
const KNOWN_ARGS: &str = "`flavor`, `worker_threads`, `start_paused`, `crate`";

/// Which macro is being expanded. Decides the default flavor and the wording of errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[main]`: defaults to the multi-thread runtime, as Tokio's does.
    Main,
    /// `#[test]`: defaults to the current-thread runtime, as Tokio's does.
    Test,
}

impl Kind {
    /// The macro's name as users write it after the crate path.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Main => "main",
            Kind::Test => "test",
        }
    }

    fn default_flavor(self) -> Flavor {
        match self {
            Kind::Main => Flavor::MultiThread,
            Kind::Test => Flavor::CurrentThread,
        }
    }
}

/// The scheduler the generated runtime uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `Builder::new_current_thread()`.
    CurrentThread,
    /// `Builder::new_multi_thread()`.
    MultiThread,
}

impl Flavor {
    fn from_name(name: &str) -> Option<Flavor> {
        match name {
            "current_thread" => Some(Flavor::CurrentThread),
            "multi_thread" => Some(Flavor::MultiThread),
            _ => None,
        }
    }

    fn parse(lit: &LitStr) -> syn::Result<Flavor> {
        let name = lit.value();
        Flavor::from_name(&name).ok_or_else(|| {
            let hint = match name.as_str() {
                "single_thread" | "basic_scheduler" => {
                    "; the single-threaded runtime flavor is called `current_thread`"
                }
                "threaded_scheduler" => "; the threaded runtime flavor is called `multi_thread`",
                _ => "",
            };
            syn::Error::new(
                lit.span(),
                format!(
                    "unknown runtime flavor `{name}`; expected `current_thread` or `multi_thread`{hint}"
                ),
            )
        })
    }
}

/// The checked arguments, with every default filled in: all the expansion needs.
pub(crate) struct Config {
    /// Which runtime `Builder` constructor to call.
    pub(crate) flavor: Flavor,
    /// `.worker_threads(n)`, with the span of the argument so the call points back at it.
    pub(crate) worker_threads: Option<(usize, Span)>,
    /// Whether to call `.start_paused(true)`.
    pub(crate) start_paused: bool,
    /// The path of the `rt` crate the generated code names, `::rt` unless `crate = "..."`.
    pub(crate) crate_path: syn::Path,
}

// By hand: `syn::Path` is `Debug` only with syn's `extra-traits` feature.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("flavor", &self.flavor)
            .field("worker_threads", &self.worker_threads.map(|(n, _)| n))
            .field("start_paused", &self.start_paused)
            .field("crate_path", &self.crate_path.to_token_stream().to_string())
            .finish()
    }
}

impl Config {
    /// The configuration used when the real one has errors: the function is still expanded
    /// with it (next to the errors) so that IDEs keep seeing a well-formed function.
    pub(crate) fn fallback() -> Config {
        Config {
            flavor: Flavor::CurrentThread,
            worker_threads: None,
            start_paused: false,
            crate_path: default_crate_path(),
        }
    }
}

/// Parses and checks the attribute's arguments.
///
/// `multi_thread` says whether the umbrella crate was built with its `rt-multi-thread`
/// feature, i.e. whether `Builder::new_multi_thread` exists.
pub(crate) fn parse(args: TokenStream, kind: Kind, multi_thread: bool) -> syn::Result<Config> {
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)?;
    let mut raw = RawArgs::default();
    let mut errors = Errors::default();
    for meta in metas {
        errors.check(raw.set(meta));
    }
    errors.finish()?;
    raw.finish(kind, multi_thread)
}

/// An argument's value together with the tokens it was written as, for error spans.
struct Arg<T> {
    value: T,
    tokens: TokenStream,
}

/// The arguments as written, each checked on its own but not against the others.
#[derive(Default)]
struct RawArgs {
    flavor: Option<Arg<Flavor>>,
    worker_threads: Option<Arg<usize>>,
    start_paused: Option<Arg<bool>>,
    crate_path: Option<Arg<syn::Path>>,
}

impl RawArgs {
    /// Records one argument.
    fn set(&mut self, meta: Meta) -> syn::Result<()> {
        let arg = match meta {
            Meta::NameValue(arg) => arg,
            Meta::Path(path) => return Err(bare_path_error(&path)),
            Meta::List(list) => {
                return Err(syn::Error::new_spanned(
                    &list,
                    format!(
                        "arguments are written as `name = value`; expected one of: {KNOWN_ARGS}"
                    ),
                ));
            }
        };
        let name = arg_name(&arg.path);
        match name.as_str() {
            "flavor" => {
                let value = Flavor::parse(&str_value(&arg, "flavor", flavor_hint)?)?;
                store(&mut self.flavor, value, &arg)
            }
            "worker_threads" => {
                let value = worker_threads_value(&arg)?;
                store(&mut self.worker_threads, value, &arg)
            }
            "start_paused" => {
                let value = bool_value(&arg)?;
                store(&mut self.start_paused, value, &arg)
            }
            "crate" => {
                let value = path_value(&arg)?;
                store(&mut self.crate_path, value, &arg)
            }
            "core_threads" => Err(syn::Error::new_spanned(
                &arg.path,
                "`core_threads` was renamed to `worker_threads`",
            )),
            "unhandled_panic" => Err(syn::Error::new_spanned(
                &arg.path,
                format!(
                    "`unhandled_panic` is not supported by rt yet; expected one of: {KNOWN_ARGS}"
                ),
            )),
            _ => Err(unknown_arg_error(&arg.path, &name)),
        }
    }

    /// Checks the arguments against each other and fills in the defaults.
    fn finish(self, kind: Kind, multi_thread: bool) -> syn::Result<Config> {
        let crate_path = self
            .crate_path
            .map_or_else(default_crate_path, |arg| arg.value);
        let attribute = format!("{}::{}", display_path(&crate_path), kind.name());

        let flavor = match self.flavor {
            Some(Arg {
                value: Flavor::MultiThread,
                tokens,
            }) if !multi_thread => {
                return Err(syn::Error::new_spanned(
                    tokens,
                    format!(
                        "the runtime flavor `multi_thread` requires the `rt-multi-thread` feature, \
                         which is disabled; enable the `rt-multi-thread` feature of `rt` in \
                         Cargo.toml, or use `#[{attribute}(flavor = \"current_thread\")]`"
                    ),
                ));
            }
            Some(arg) => arg.value,
            None => match kind.default_flavor() {
                Flavor::MultiThread if !multi_thread => {
                    return Err(syn::Error::new(
                        Span::call_site(),
                        format!(
                            "The default runtime flavor is `multi_thread`, but the \
                             `rt-multi-thread` feature is disabled. Either enable the \
                             `rt-multi-thread` feature of `rt` in Cargo.toml, or ask for the \
                             single-threaded runtime with \
                             `#[{attribute}(flavor = \"current_thread\")]`."
                        ),
                    ));
                }
                flavor => flavor,
            },
        };

        let mut errors = Errors::default();
        if let Some(arg) = &self.worker_threads {
            if flavor != Flavor::MultiThread {
                errors.push(syn::Error::new_spanned(
                    &arg.tokens,
                    format!(
                        "the `worker_threads` option requires the `multi_thread` runtime flavor; \
                         use `#[{attribute}(flavor = \"multi_thread\", worker_threads = {})]`",
                        arg.value
                    ),
                ));
            }
        }
        if let Some(arg) = &self.start_paused {
            if flavor != Flavor::CurrentThread {
                errors.push(syn::Error::new_spanned(
                    &arg.tokens,
                    format!(
                        "the `start_paused` option requires the `current_thread` runtime flavor; \
                         use `#[{attribute}(flavor = \"current_thread\", start_paused = {})]`",
                        arg.value
                    ),
                ));
            }
        }
        errors.finish()?;

        Ok(Config {
            flavor,
            worker_threads: self
                .worker_threads
                .map(|arg| (arg.value, first_span(&arg.tokens))),
            start_paused: self.start_paused.is_some_and(|arg| arg.value),
            crate_path,
        })
    }
}

/// Collects errors so that every bad argument is reported in one compile.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    first: Option<syn::Error>,
}

impl Errors {
    /// Adds `error` to the collection.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.first {
            Some(first) => first.combine(error),
            None => self.first = Some(error),
        }
    }

    /// Adds the error of `result`, if it has one, and returns its value otherwise.
    pub(crate) fn check<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|error| self.push(error)).ok()
    }

    /// `Err` with every collected error, or `Ok` if there were none.
    pub(crate) fn finish(self) -> syn::Result<()> {
        self.first.map_or(Ok(()), Err)
    }
}

/// Stores `value` in `slot` unless the argument was already given.
fn store<T>(slot: &mut Option<Arg<T>>, value: T, arg: &MetaNameValue) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new_spanned(
            &arg.path,
            format!("`{}` is set more than once", arg_name(&arg.path)),
        ));
    }
    *slot = Some(Arg {
        value,
        tokens: arg.to_token_stream(),
    });
    Ok(())
}

/// The argument's name: one identifier (keywords like `crate` included), else its tokens.
fn arg_name(path: &syn::Path) -> String {
    match path.get_ident() {
        Some(ident) => ident.to_string(),
        None => display_path(path),
    }
}

/// The error for an argument written without a value, like `multi_thread`.
fn bare_path_error(path: &syn::Path) -> syn::Error {
    let name = arg_name(path);
    let message = match name.as_str() {
        "current_thread" | "multi_thread" => {
            format!("the runtime flavor is set with `flavor = \"{name}\"`")
        }
        "basic_scheduler" => {
            "the runtime flavor is set with `flavor = \"current_thread\"`".to_owned()
        }
        "threaded_scheduler" => {
            "the runtime flavor is set with `flavor = \"multi_thread\"`".to_owned()
        }
        "flavor" | "worker_threads" | "start_paused" | "crate" => {
            format!("`{name}` needs a value: `{name} = ...`")
        }
        _ => return unknown_arg_error(path, &name),
    };
    syn::Error::new_spanned(path, message)
}

fn unknown_arg_error(path: &syn::Path, name: &str) -> syn::Error {
    syn::Error::new_spanned(
        path,
        format!("unknown attribute `{name}` is specified; expected one of: {KNOWN_ARGS}"),
    )
}

/// The literal behind a value, looking through the invisible groups that `macro_rules!`
/// wraps around `$x:expr` fragments.
fn literal(expr: &Expr) -> Option<&Lit> {
    match expr {
        Expr::Lit(lit) => Some(&lit.lit),
        Expr::Group(group) => literal(&group.expr),
        _ => None,
    }
}

/// A hint for `flavor = multi_thread` (unquoted): suggest the quoted form.
fn flavor_hint(expr: &Expr) -> Option<String> {
    let Expr::Path(path) = expr else {
        return None;
    };
    let name = path.path.get_ident()?.to_string();
    Flavor::from_name(&name).map(|_| format!("; write `flavor = \"{name}\"`"))
}

fn str_value(
    arg: &MetaNameValue,
    name: &str,
    hint: fn(&Expr) -> Option<String>,
) -> syn::Result<LitStr> {
    match literal(&arg.value) {
        Some(Lit::Str(lit)) => Ok(lit.clone()),
        _ => {
            let hint = hint(&arg.value).unwrap_or_default();
            Err(syn::Error::new_spanned(
                &arg.value,
                format!("`{name}` expects a string literal{hint}"),
            ))
        }
    }
}

fn worker_threads_value(arg: &MetaNameValue) -> syn::Result<usize> {
    let Some(Lit::Int(lit)) = literal(&arg.value) else {
        return Err(syn::Error::new_spanned(
            &arg.value,
            "`worker_threads` expects an integer literal, such as `worker_threads = 4`",
        ));
    };
    let at_least_one = || syn::Error::new(lit.span(), "`worker_threads` must be at least 1");
    // `-1` is a literal too, as far as syn is concerned.
    if lit.base10_digits().starts_with('-') {
        return Err(at_least_one());
    }
    let value = lit
        .base10_parse::<usize>()
        .map_err(|_| syn::Error::new(lit.span(), "`worker_threads` does not fit in a `usize`"))?;
    if value == 0 {
        return Err(at_least_one());
    }
    Ok(value)
}

fn bool_value(arg: &MetaNameValue) -> syn::Result<bool> {
    match literal(&arg.value) {
        Some(Lit::Bool(lit)) => Ok(lit.value),
        _ => Err(syn::Error::new_spanned(
            &arg.value,
            "`start_paused` expects `true` or `false`",
        )),
    }
}

/// `crate = "path"`; an unquoted path (`crate = my_rt`) is accepted as well.
fn path_value(arg: &MetaNameValue) -> syn::Result<syn::Path> {
    const EXPECTED: &str = "`crate` expects the path of the rt crate, such as `crate = \"rt\"`";
    if let Some(Lit::Str(lit)) = literal(&arg.value) {
        return lit
            .parse_with(syn::Path::parse_mod_style)
            .map_err(|_| syn::Error::new(lit.span(), EXPECTED));
    }
    match &arg.value {
        Expr::Path(path) if path.qself.is_none() && path.attrs.is_empty() => Ok(path.path.clone()),
        value => Err(syn::Error::new_spanned(value, EXPECTED)),
    }
}

/// `::rt`: the umbrella crate, wherever the expansion happens.
fn default_crate_path() -> syn::Path {
    syn::parse_quote!(::rt)
}

/// A path as users write it in an attribute, without the leading `::`.
fn display_path(path: &syn::Path) -> String {
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    segments.join("::")
}

fn first_span(tokens: &TokenStream) -> Span {
    tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |token| token.span())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn ok(args: TokenStream, kind: Kind, multi_thread: bool) -> Config {
        match parse(args, kind, multi_thread) {
            Ok(config) => config,
            Err(error) => panic!("unexpected error: {error}"),
        }
    }

    /// Every message of the (possibly combined) error.
    fn err(args: TokenStream, kind: Kind, multi_thread: bool) -> Vec<String> {
        match parse(args, kind, multi_thread) {
            Ok(config) => panic!("expected an error, got {config:?}"),
            Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    fn path_string(path: &syn::Path) -> String {
        path.to_token_stream().to_string()
    }

    #[test]
    fn defaults_follow_the_macro_kind() {
        let main = ok(quote!(), Kind::Main, true);
        assert_eq!(main.flavor, Flavor::MultiThread);
        assert!(main.worker_threads.is_none());
        assert!(!main.start_paused);
        assert_eq!(path_string(&main.crate_path), ":: rt");

        let test = ok(quote!(), Kind::Test, true);
        assert_eq!(test.flavor, Flavor::CurrentThread);

        // Without `rt-multi-thread`, `#[test]` still defaults to current-thread.
        let test = ok(quote!(), Kind::Test, false);
        assert_eq!(test.flavor, Flavor::CurrentThread);
    }

    #[test]
    fn flavor_is_parsed() {
        let config = ok(quote!(flavor = "current_thread"), Kind::Main, true);
        assert_eq!(config.flavor, Flavor::CurrentThread);
        let config = ok(quote!(flavor = "multi_thread"), Kind::Test, true);
        assert_eq!(config.flavor, Flavor::MultiThread);
        // A trailing comma is fine.
        let config = ok(quote!(flavor = "current_thread",), Kind::Main, false);
        assert_eq!(config.flavor, Flavor::CurrentThread);
    }

    #[test]
    fn unknown_flavor_lists_the_flavors() {
        let messages = err(quote!(flavor = "local"), Kind::Main, true);
        assert_eq!(
            messages,
            ["unknown runtime flavor `local`; expected `current_thread` or `multi_thread`"]
        );
        let messages = err(quote!(flavor = "basic_scheduler"), Kind::Main, true);
        assert!(
            messages[0].contains("is called `current_thread`"),
            "{messages:?}"
        );
    }

    #[test]
    fn flavor_must_be_a_string() {
        let messages = err(quote!(flavor = multi_thread), Kind::Main, true);
        assert_eq!(
            messages,
            ["`flavor` expects a string literal; write `flavor = \"multi_thread\"`"]
        );
        let messages = err(quote!(flavor = 1), Kind::Main, true);
        assert_eq!(messages, ["`flavor` expects a string literal"]);
    }

    #[test]
    fn worker_threads_is_parsed() {
        let config = ok(
            quote!(flavor = "multi_thread", worker_threads = 4),
            Kind::Test,
            true,
        );
        assert_eq!(config.flavor, Flavor::MultiThread);
        assert_eq!(config.worker_threads.map(|(n, _)| n), Some(4));

        // `main` is multi-thread by default, so no flavor is needed.
        let config = ok(quote!(worker_threads = 1), Kind::Main, true);
        assert_eq!(config.worker_threads.map(|(n, _)| n), Some(1));
    }

    #[test]
    fn worker_threads_errors() {
        let messages = err(quote!(worker_threads = 0), Kind::Main, true);
        assert_eq!(messages, ["`worker_threads` must be at least 1"]);

        let messages = err(quote!(worker_threads = "4"), Kind::Main, true);
        assert!(
            messages[0].contains("expects an integer literal"),
            "{messages:?}"
        );

        let messages = err(quote!(worker_threads = -1), Kind::Main, true);
        assert_eq!(messages, ["`worker_threads` must be at least 1"]);

        let messages = err(
            quote!(worker_threads = 100000000000000000000000),
            Kind::Main,
            true,
        );
        assert_eq!(messages, ["`worker_threads` does not fit in a `usize`"]);

        let messages = err(quote!(worker_threads = 2.5), Kind::Main, true);
        assert!(
            messages[0].contains("expects an integer literal"),
            "{messages:?}"
        );

        // `#[test]` is current-thread unless told otherwise.
        let messages = err(quote!(worker_threads = 2), Kind::Test, true);
        assert_eq!(messages.len(), 1);
        assert!(
            messages[0].starts_with(
                "the `worker_threads` option requires the `multi_thread` runtime flavor"
            ),
            "{messages:?}"
        );
        assert!(messages[0].contains("#[rt::test(flavor = \"multi_thread\", worker_threads = 2)]"));
    }

    #[test]
    fn start_paused_is_parsed() {
        let config = ok(quote!(start_paused = true), Kind::Test, true);
        assert!(config.start_paused);
        let config = ok(
            quote!(flavor = "current_thread", start_paused = false),
            Kind::Main,
            true,
        );
        assert!(!config.start_paused);

        let messages = err(quote!(start_paused = 1), Kind::Test, true);
        assert_eq!(messages, ["`start_paused` expects `true` or `false`"]);

        let messages = err(
            quote!(flavor = "multi_thread", start_paused = true),
            Kind::Test,
            true,
        );
        assert!(
            messages[0].starts_with(
                "the `start_paused` option requires the `current_thread` runtime flavor"
            ),
            "{messages:?}"
        );
    }

    #[test]
    fn crate_path_is_parsed() {
        let config = ok(quote!(crate = "my_rt"), Kind::Test, true);
        assert_eq!(path_string(&config.crate_path), "my_rt");
        let config = ok(quote!(crate = "::vendored::rt"), Kind::Test, true);
        assert_eq!(path_string(&config.crate_path), ":: vendored :: rt");
        let config = ok(quote!(crate = "crate::support::rt"), Kind::Test, true);
        assert_eq!(path_string(&config.crate_path), "crate :: support :: rt");
        let config = ok(quote!(crate = my_rt), Kind::Test, true);
        assert_eq!(path_string(&config.crate_path), "my_rt");

        let messages = err(quote!(crate = "not a path"), Kind::Test, true);
        assert!(
            messages[0].starts_with("`crate` expects the path"),
            "{messages:?}"
        );

        // The crate path is used in the suggestions.
        let messages = err(
            quote!(crate = "my_rt", worker_threads = 2),
            Kind::Test,
            true,
        );
        assert!(messages[0].contains("#[my_rt::test(flavor"), "{messages:?}");
    }

    #[test]
    fn unknown_arguments_list_the_allowed_ones() {
        let messages = err(quote!(threads = 4), Kind::Main, true);
        assert_eq!(
            messages,
            [
                "unknown attribute `threads` is specified; expected one of: \
                 `flavor`, `worker_threads`, `start_paused`, `crate`"
            ]
        );
        let messages = err(quote!(unknown), Kind::Test, true);
        assert!(
            messages[0].contains("expected one of: `flavor`"),
            "{messages:?}"
        );
        let messages = err(quote!(flavor("multi_thread")), Kind::Test, true);
        assert!(messages[0].contains("`name = value`"), "{messages:?}");
        let messages = err(quote!(multi_thread), Kind::Test, true);
        assert_eq!(
            messages,
            ["the runtime flavor is set with `flavor = \"multi_thread\"`"]
        );
        let messages = err(quote!(core_threads = 2), Kind::Main, true);
        assert_eq!(messages, ["`core_threads` was renamed to `worker_threads`"]);
        let messages = err(
            quote!(unhandled_panic = "shutdown_runtime"),
            Kind::Test,
            true,
        );
        assert!(messages[0].contains("not supported"), "{messages:?}");
    }

    #[test]
    fn malformed_argument_lists_are_errors() {
        assert!(parse(quote!(flavor = ), Kind::Main, true).is_err());
        assert!(parse(quote!(flavor "multi_thread"), Kind::Main, true).is_err());
        assert!(parse(quote!(, flavor = "multi_thread"), Kind::Main, true).is_err());
    }

    #[test]
    fn duplicate_arguments_are_errors() {
        let messages = err(
            quote!(flavor = "current_thread", flavor = "current_thread"),
            Kind::Test,
            true,
        );
        assert_eq!(messages, ["`flavor` is set more than once"]);
    }

    #[test]
    fn every_bad_argument_is_reported() {
        let messages = err(
            quote!(a = 1, flavor = "x", worker_threads = 0),
            Kind::Main,
            true,
        );
        assert_eq!(messages.len(), 3, "{messages:?}");
    }

    #[test]
    fn multi_thread_needs_the_feature() {
        let messages = err(quote!(flavor = "multi_thread"), Kind::Test, false);
        assert_eq!(messages.len(), 1);
        assert!(
            messages[0].contains("`rt-multi-thread` feature"),
            "{messages:?}"
        );
        assert!(messages[0].contains("#[rt::test(flavor = \"current_thread\")]"));

        // `main` is multi-thread by default: without the feature that needs saying.
        let messages = err(quote!(), Kind::Main, false);
        assert!(
            messages[0].starts_with(
                "The default runtime flavor is `multi_thread`, but the `rt-multi-thread` \
                 feature is disabled."
            ),
            "{messages:?}"
        );
        assert!(messages[0].contains("#[rt::main(flavor = \"current_thread\")]"));

        let config = ok(quote!(flavor = "current_thread"), Kind::Main, false);
        assert_eq!(config.flavor, Flavor::CurrentThread);
    }
}
