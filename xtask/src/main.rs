//! Project automation for rt, run as `cargo xtask <command>` (see `.cargo/config.toml`).
//!
//! Every command prints the processes it starts and stops at the first failure with
//! a nonzero exit status. Checks that need an optional tool (cargo-deny, miri) say
//! how to get it and skip with success when it is missing.
//!
//! xtask has no dependencies: JSON from `cargo metadata` and criterion is read by
//! the small parser in [`json`].

mod bench;
mod json;
mod tidy;

use std::env;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  ci [--skip-tests]    fmt check, clippy -D warnings, tests, docs -D warnings, tidy
  loom [test args]     loom models (--cfg rt_loom, release, target/loom)
  miri [test args]     rt-core unit tests, then a selection of rt-time, rt-io, rt-stream and
                       rt-sync tests, under miri (target/miri); skips if miri is unavailable
  deny                 cargo deny check licenses bans sources; skips if cargo-deny is missing
  tidy                 layering rules checked against cargo metadata
  features             cargo check the umbrella `rt` with no features, each feature, and `full`
  bench [--report-only] [-- <criterion args>]
                       run the criterion benches and compare rt with tokio and smol
";

/// Crates with loom models, tested together under `--cfg rt_loom`.
const LOOM_CRATES: &[&str] = &["rt-core", "rt-sync", "rt-io", "rt-time"];

/// Crates whose unit tests run under miri, with several seeds.
const MIRI_CRATES: &[&str] = &["rt-core"];

/// Further miri runs, one seed each: the tests that reach the unsafe code of the layers
/// above the core (timer entries and wheel, `ReadBuf` and the io utilities' pin projections,
/// the stream adapters, the oneshot's shared allocation) without sockets or real sleeps.
/// Chosen to keep the whole `miri` step within a few minutes on two cores: `stream_map`
/// (no unsafe code of its own, ~40 s) and the other crates' remaining tests are left out.
const MIRI_SELECTION: &[MiriRun] = &[
    MiriRun {
        package: "rt-time",
        features: &[],
        // The wheel against its model (few proptest cases under miri), the auto traits.
        targets: &["--lib"],
    },
    MiriRun {
        package: "rt-io",
        features: &["io-util", "io-std"],
        targets: &[
            "--test=io_read_buf",
            "--test=io_read_ext",
            "--test=io_write_ext",
            "--test=io_buf",
            "--test=io_pipes",
            // The reactor's token path, on socket pairs miri supports.
            "--test=io_async_fd",
        ],
    },
    MiriRun {
        package: "rt-stream",
        features: &["time", "sync", "io-util"],
        // `stream_time` runs the time adapters, and their pinned `Sleep`s, on a paused clock.
        targets: &[
            "--test=stream_ext",
            "--test=stream_collect",
            "--test=stream_time",
        ],
    },
    MiriRun {
        package: "rt-sync",
        features: &[],
        // oneshot's state word, and broadcast's slot lock (read under a reader count).
        targets: &["--test=sync_oneshot", "--test=sync_broadcast"],
    },
];

/// One `cargo miri test` over some test targets of one package.
struct MiriRun {
    package: &'static str,
    features: &'static [&'static str],
    targets: &'static [&'static str],
}

/// The umbrella crate whose feature combinations `features` checks.
const UMBRELLA: &str = "rt";

type Result<T = (), E = String> = std::result::Result<T, E>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::FAILURE;
    };
    let root = project_root();
    let result = match command.as_str() {
        "ci" => ci(&root, rest),
        "loom" => loom(&root, rest),
        "miri" => miri(&root, rest),
        "deny" => no_args(command, rest).and_then(|()| deny(&root)),
        "tidy" => no_args(command, rest).and_then(|()| tidy::run(&root)),
        "features" => no_args(command, rest).and_then(|()| features(&root)),
        "bench" => bench::run(&root, rest),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn no_args(command: &str, rest: &[String]) -> Result {
    match rest.first() {
        None => Ok(()),
        Some(arg) => Err(format!("`{command}` takes no arguments, got `{arg}`")),
    }
}

/// The workspace root: the parent of xtask's own manifest directory.
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// The cargo that runs xtask (`$CARGO`), so every step uses the same toolchain.
pub(crate) fn cargo() -> Command {
    Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Cargo through the rustup proxy, which understands `+nightly`.
fn nightly_cargo() -> Command {
    let mut cmd = Command::new("cargo");
    cmd.arg("+nightly");
    // Set by rustup for the toolchain that runs xtask; the child picks its own.
    cmd.env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTC")
        .env_remove("RUSTDOC");
    cmd
}

/// `K=V program args…`, for echoing a step.
fn display(cmd: &Command) -> String {
    let mut parts = Vec::new();
    for (key, value) in cmd.get_envs() {
        if let Some(value) = value {
            parts.push(format!("{}={}", key.to_string_lossy(), quote(value)));
        }
    }
    // `$CARGO` is an absolute path into the toolchain; show it as the command to type.
    let program = cmd.get_program();
    if env::var_os("CARGO").is_some_and(|c| c == program) {
        parts.push("cargo".to_owned());
    } else {
        parts.push(quote(program));
    }
    parts.extend(cmd.get_args().map(quote));
    parts.join(" ")
}

fn quote(s: &OsStr) -> String {
    let s = s.to_string_lossy();
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=+/.,:@%".contains(c))
    {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Echoes and runs a step; an unsuccessful exit is an error.
pub(crate) fn run(cmd: &mut Command) -> Result {
    let shown = display(cmd);
    eprintln!("\n==> {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs a command quietly and returns its stdout; an unsuccessful exit is an error
/// that carries its stderr.
pub(crate) fn capture(cmd: &mut Command) -> Result<String> {
    let shown = display(cmd);
    let output = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`{shown}` failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim_end()
        ));
    }
    String::from_utf8(output.stdout).map_err(|_| format!("`{shown}` printed invalid UTF-8"))
}

/// True when the command runs and exits successfully; its output is discarded.
fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `$name` with `extra` appended (space separated), for RUSTFLAGS-like variables.
fn append_env(name: &str, extra: &str) -> String {
    match env::var(name) {
        Ok(old) if !old.trim().is_empty() => format!("{old} {extra}"),
        _ => extra.to_owned(),
    }
}

/// `cargo xtask ci [--skip-tests]`.
fn ci(root: &Path, args: &[String]) -> Result {
    let mut skip_tests = false;
    for arg in args {
        match arg.as_str() {
            "--skip-tests" => skip_tests = true,
            other => return Err(format!("`ci`: unknown option `{other}`")),
        }
    }
    let step = |args: &[&str]| {
        let mut cmd = cargo();
        cmd.current_dir(root).args(args);
        cmd
    };
    run(&mut step(&["fmt", "--all", "--check"]))?;
    run(&mut step(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    if skip_tests {
        eprintln!("\n==> skipping `cargo test --workspace` (--skip-tests)");
    } else {
        run(&mut step(&["test", "--workspace"]))?;
    }
    // As docs.rs builds them: with every feature, so every documented item exists.
    let mut doc = step(&["doc", "--workspace", "--all-features", "--no-deps"]);
    doc.env("RUSTDOCFLAGS", append_env("RUSTDOCFLAGS", "-D warnings"));
    run(&mut doc)?;
    eprintln!("\n==> tidy");
    tidy::run(root)?;
    eprintln!("\nci: all steps passed");
    Ok(())
}

/// `cargo xtask loom [test args]`.
fn loom(root: &Path, args: &[String]) -> Result {
    let mut cmd = cargo();
    cmd.current_dir(root)
        // A separate target dir: the cfg changes every crate's fingerprint, and
        // sharing `target/` would make the next normal build start from scratch.
        .args(["test", "--release", "--lib", "--target-dir", "target/loom"]);
    for krate in LOOM_CRATES {
        cmd.args(["-p", krate]);
    }
    cmd.arg("--").args(args);
    cmd.env("RUSTFLAGS", append_env("RUSTFLAGS", "--cfg rt_loom"))
        // It would take precedence over RUSTFLAGS.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env(
            "LOOM_MAX_PREEMPTIONS",
            env::var("LOOM_MAX_PREEMPTIONS").unwrap_or_else(|_| "2".into()),
        );
    run(&mut cmd)
}

/// `cargo xtask miri [test args]`.
fn miri(root: &Path, args: &[String]) -> Result {
    let available = || succeeds(nightly_cargo().args(["miri", "--version"]));
    if !available() {
        eprintln!("miri is not installed for nightly; trying to add it");
        let mut add = Command::new("rustup");
        add.args([
            "component",
            "add",
            "--toolchain",
            "nightly",
            "miri",
            "rust-src",
        ]);
        let added = run(&mut add);
        if let Err(e) = added {
            eprintln!("skipping miri: {e}");
            eprintln!("  to enable it: rustup toolchain install nightly --component miri,rust-src");
            return Ok(());
        }
        if !available() {
            eprintln!(
                "skipping miri: `cargo +nightly miri --version` still fails after adding the component"
            );
            return Ok(());
        }
    }
    let mut setup = nightly_cargo();
    setup.current_dir(root).args(["miri", "setup"]);
    run(&mut setup)?;
    let mut test = nightly_cargo();
    test.current_dir(root).args(["miri", "test", "--lib"]);
    for krate in MIRI_CRATES {
        test.args(["-p", krate]);
    }
    test.args(["--target-dir", "target/miri", "--"])
        .args(args)
        .env(
            "MIRIFLAGS",
            // Several seeds: each runs the threads in another interleaving (an ordering bug
            // in a JoinHandle drop only showed under some).
            append_env(
                "MIRIFLAGS",
                "-Zmiri-strict-provenance -Zmiri-many-seeds=0..4",
            ),
        );
    run(&mut test)?;
    for selection in MIRI_SELECTION {
        let mut test = nightly_cargo();
        test.current_dir(root)
            .args(["miri", "test", "-p", selection.package])
            .args(selection.targets);
        if !selection.features.is_empty() {
            test.arg(format!("--features={}", selection.features.join(",")));
        }
        test.args(["--target-dir", "target/miri", "--"])
            .args(args)
            // One seed: these are many more tests, and the default (Stacked Borrows) model.
            .env(
                "MIRIFLAGS",
                append_env("MIRIFLAGS", "-Zmiri-strict-provenance"),
            );
        run(&mut test)?;
    }
    Ok(())
}

/// `cargo xtask deny`.
fn deny(root: &Path) -> Result {
    if !succeeds(cargo().args(["deny", "--version"])) {
        eprintln!(
            "skipping deny: cargo-deny is not installed\n  \
             install it with `cargo install cargo-deny --locked` (about 11 minutes on 2 cores)"
        );
        return Ok(());
    }
    let mut cmd = cargo();
    cmd.current_dir(root)
        .args(["deny", "check", "licenses", "bans", "sources"]);
    run(&mut cmd)
}

/// `cargo xtask features`: the umbrella with no features, each of its features
/// alone, and `full`. Feature names come from `cargo metadata`, i.e. the keys of
/// `[features]` in `crates/rt/Cargo.toml`.
fn features(root: &Path) -> Result {
    let metadata = tidy::Metadata::load(root)?;
    let umbrella = metadata
        .package(UMBRELLA)
        .ok_or_else(|| format!("no `{UMBRELLA}` package in the workspace"))?;
    let sets = feature_sets(&umbrella.features);
    let total = sets.len();
    for (i, set) in sets.iter().enumerate() {
        let mut cmd = cargo();
        cmd.current_dir(root)
            .args(["check", "-p", UMBRELLA, "--no-default-features"]);
        if let Some(feature) = set {
            cmd.args(["--features", feature]);
        }
        let label = set.as_deref().unwrap_or("no features");
        eprintln!("\n-- {}/{total}: {label}", i + 1);
        run(&mut cmd)?;
    }
    eprintln!("\nfeatures: all {total} combinations check");
    Ok(())
}

/// `None` (no features) first, then every declared feature except `default`
/// (which is not a feature of its own), then `full` last whether declared or not.
fn feature_sets(declared: &[String]) -> Vec<Option<String>> {
    let mut sets = vec![None];
    for f in declared {
        if f != "default" && f != "full" && !sets.contains(&Some(f.clone())) {
            sets.push(Some(f.clone()));
        }
    }
    sets.push(Some("full".to_owned()));
    sets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_sets_cover_none_each_and_full() {
        let declared = ["default", "rt", "full", "macros", "rt"].map(String::from);
        let sets = feature_sets(&declared);
        let sets: Vec<_> = sets.iter().map(Option::as_deref).collect();
        assert_eq!(sets, [None, Some("rt"), Some("macros"), Some("full")]);
    }

    #[test]
    fn displayed_commands_are_shell_quoted() {
        let mut cmd = Command::new("cargo");
        cmd.args(["test", "--", "a b", "it's"])
            .env("RUSTFLAGS", "--cfg rt_loom");
        assert_eq!(
            display(&cmd),
            r"RUSTFLAGS='--cfg rt_loom' cargo test -- 'a b' 'it'\''s'"
        );
    }

    #[test]
    fn project_root_is_the_workspace() {
        let root = project_root();
        assert!(root.join("Cargo.toml").is_file());
        assert!(root.join("xtask/Cargo.toml").is_file());
    }
}
