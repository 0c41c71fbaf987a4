//! `cargo xtask tidy`: the layering rules of `docs/architecture.md`, checked
//! against `cargo metadata --no-deps` (which needs no compilation and no network).
//!
//! Rules, for every package whose manifest lives under `crates/`:
//!
//! 1. it appears in [`LAYERS`];
//! 2. its normal and build dependencies on `rt` / `rt-*` crates are among the ones
//!    [`LAYERS`] allows it (dev-dependencies are free: tests may use anything);
//! 3. it has no normal or build dependency on another runtime ([`FORBIDDEN`]).
//!
//! Packages elsewhere in the workspace (`xtask`, `benches`) are not layers and are
//! not checked.

use std::path::{Component, Path, PathBuf};

use crate::json::Json;

/// Every layer crate and the `rt` crates it may name in `[dependencies]`.
pub(crate) const LAYERS: &[(&str, &[&str])] = &[
    ("rt-core", &[]),
    ("rt-macros", &[]),
    ("rt-time", &["rt-core"]),
    ("rt-sync", &["rt-core", "rt-time"]),
    ("rt-io", &["rt-core"]),
    ("rt-net", &["rt-io", "rt-core"]),
    ("rt-fs", &["rt-io", "rt-core"]),
    ("rt-signal", &["rt-io"]),
    (
        "rt-stream",
        &["rt-core", "rt-sync", "rt-time", "rt-io", "rt-net"],
    ),
    (
        "rt",
        &[
            "rt-core",
            "rt-macros",
            "rt-time",
            "rt-sync",
            "rt-io",
            "rt-net",
            "rt-fs",
            "rt-signal",
            "rt-stream",
        ],
    ),
];

/// Runtimes a library crate must not be built on (dev-dependencies may use them,
/// for comparison tests and benchmarks).
pub(crate) const FORBIDDEN: &[&str] = &["tokio", "smol", "hyper", "async-std"];

/// Which table a dependency was declared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DepKind {
    Normal,
    Dev,
    Build,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Dependency {
    /// The package name (not the `package = ".."` rename).
    pub(crate) name: String,
    pub(crate) kind: DepKind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Package {
    pub(crate) name: String,
    pub(crate) manifest_path: PathBuf,
    pub(crate) dependencies: Vec<Dependency>,
    /// Names of the `[features]` entries.
    pub(crate) features: Vec<String>,
}

/// The part of `cargo metadata --no-deps` that xtask reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Metadata {
    pub(crate) workspace_root: PathBuf,
    pub(crate) packages: Vec<Package>,
}

impl Metadata {
    /// Reads the output of `cargo metadata --format-version 1 --no-deps`.
    pub(crate) fn parse(text: &str) -> Result<Metadata, String> {
        let doc = Json::parse(text).map_err(|e| format!("cargo metadata: {e}"))?;
        let field = |v: &'_ Json, key: &str| {
            v.get(key)
                .and_then(Json::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("cargo metadata: missing string field `{key}`"))
        };
        let workspace_root = PathBuf::from(field(&doc, "workspace_root")?);
        let mut packages = Vec::new();
        for pkg in doc
            .get("packages")
            .and_then(Json::as_array)
            .ok_or("cargo metadata: missing `packages`")?
        {
            let mut dependencies = Vec::new();
            for dep in pkg
                .get("dependencies")
                .and_then(Json::as_array)
                .unwrap_or_default()
            {
                let kind = match dep.get("kind") {
                    None | Some(Json::Null) => DepKind::Normal,
                    Some(k) if k.as_str() == Some("dev") => DepKind::Dev,
                    Some(k) if k.as_str() == Some("build") => DepKind::Build,
                    Some(other) => {
                        return Err(format!("cargo metadata: unknown dependency kind {other:?}"));
                    }
                };
                dependencies.push(Dependency {
                    name: field(dep, "name")?,
                    kind,
                });
            }
            let features = pkg
                .get("features")
                .and_then(Json::as_object)
                .unwrap_or_default()
                .iter()
                .map(|(name, _)| name.clone())
                .collect();
            packages.push(Package {
                name: field(pkg, "name")?,
                manifest_path: PathBuf::from(field(pkg, "manifest_path")?),
                dependencies,
                features,
            });
        }
        Ok(Metadata {
            workspace_root,
            packages,
        })
    }

    /// Runs `cargo metadata --format-version 1 --no-deps` in `root`.
    pub(crate) fn load(root: &Path) -> Result<Metadata, String> {
        let mut cmd = crate::cargo();
        cmd.current_dir(root)
            .args(["metadata", "--format-version", "1", "--no-deps"]);
        let output = crate::capture(&mut cmd)?;
        Metadata::parse(&output)
    }

    pub(crate) fn package(&self, name: &str) -> Option<&Package> {
        self.packages.iter().find(|p| p.name == name)
    }
}

fn is_rt_crate(name: &str) -> bool {
    name == "rt" || name.starts_with("rt-")
}

fn allowed_deps(name: &str) -> Option<&'static [&'static str]> {
    LAYERS
        .iter()
        .find(|(layer, _)| *layer == name)
        .map(|(_, deps)| *deps)
}

/// True when `manifest` is `<root>/crates/<..>/Cargo.toml`.
fn is_layer_crate(root: &Path, manifest: &Path) -> bool {
    manifest
        .strip_prefix(root)
        .ok()
        .and_then(|rel| rel.components().next())
        .is_some_and(|first| first == Component::Normal("crates".as_ref()))
}

/// Every broken rule, one human-readable line each; empty means tidy.
pub(crate) fn check(metadata: &Metadata) -> Vec<String> {
    let mut errors = Vec::new();
    for pkg in &metadata.packages {
        if !is_layer_crate(&metadata.workspace_root, &pkg.manifest_path) {
            continue;
        }
        let rel = pkg
            .manifest_path
            .strip_prefix(&metadata.workspace_root)
            .unwrap_or(&pkg.manifest_path);
        let Some(allowed) = allowed_deps(&pkg.name) else {
            errors.push(format!(
                "`{}` ({}) is not in the layering table: add it to LAYERS in \
                 xtask/src/tidy.rs and to docs/architecture.md",
                pkg.name,
                rel.display()
            ));
            continue;
        };
        for dep in &pkg.dependencies {
            if dep.kind == DepKind::Dev {
                continue;
            }
            if is_rt_crate(&dep.name) {
                if allowed_deps(&dep.name).is_none() {
                    errors.push(format!(
                        "`{}` depends on `{}`, which is not in the layering table",
                        pkg.name, dep.name
                    ));
                } else if !allowed.contains(&dep.name.as_str()) {
                    let allowed = if allowed.is_empty() {
                        "no rt crate".to_owned()
                    } else {
                        allowed.join(", ")
                    };
                    errors.push(format!(
                        "`{}` must not depend on `{}` (it may depend on: {allowed})",
                        pkg.name, dep.name
                    ));
                }
            }
            if FORBIDDEN.contains(&dep.name.as_str()) {
                errors.push(format!(
                    "`{}` has `{}` as a non-dev dependency: library crates must not be \
                     built on another runtime",
                    pkg.name, dep.name
                ));
            }
        }
    }
    errors
}

/// `cargo xtask tidy`.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    let metadata = Metadata::load(root)?;
    let errors = check(&metadata);
    if errors.is_empty() {
        let checked = metadata
            .packages
            .iter()
            .filter(|p| is_layer_crate(&metadata.workspace_root, &p.manifest_path))
            .count();
        eprintln!("tidy: layering ok ({checked} crates under crates/)");
        Ok(())
    } else {
        for e in &errors {
            eprintln!("tidy: {e}");
        }
        Err(format!("tidy found {} problem(s)", errors.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(name: &str, dir: &str, deps: &[(&str, DepKind)]) -> Package {
        Package {
            name: name.to_owned(),
            manifest_path: PathBuf::from(format!("/ws/{dir}/Cargo.toml")),
            dependencies: deps
                .iter()
                .map(|&(name, kind)| Dependency {
                    name: name.to_owned(),
                    kind,
                })
                .collect(),
            features: Vec::new(),
        }
    }

    fn metadata(packages: Vec<Package>) -> Metadata {
        Metadata {
            workspace_root: PathBuf::from("/ws"),
            packages,
        }
    }

    use DepKind::{Build, Dev, Normal};

    #[test]
    fn the_designed_graph_is_tidy() {
        let m = metadata(vec![
            pkg(
                "rt-core",
                "crates/rt-core",
                &[("crossbeam-deque", Normal), ("loom", Normal)],
            ),
            pkg(
                "rt-macros",
                "crates/rt-macros",
                &[("syn", Normal), ("rt", Dev)],
            ),
            pkg("rt-time", "crates/rt-time", &[("rt-core", Normal)]),
            pkg(
                "rt-sync",
                "crates/rt-sync",
                &[("rt-core", Normal), ("rt-time", Normal)],
            ),
            pkg(
                "rt-io",
                "crates/rt-io",
                &[("rt-core", Normal), ("tokio", Dev)],
            ),
            pkg(
                "rt-net",
                "crates/rt-net",
                &[("rt-io", Normal), ("rt-core", Normal)],
            ),
            pkg(
                "rt-fs",
                "crates/rt-fs",
                &[("rt-io", Normal), ("rt-core", Normal)],
            ),
            pkg(
                "rt-stream",
                "crates/rt-stream",
                &[("rt-net", Normal), ("rt-sync", Normal)],
            ),
            pkg(
                "rt",
                "crates/rt",
                &[
                    ("rt-core", Normal),
                    ("rt-macros", Normal),
                    ("rt-fs", Normal),
                ],
            ),
            // Outside crates/: not a layer, may use anything.
            pkg(
                "rt-benches",
                "benches",
                &[("rt", Normal), ("tokio", Normal), ("smol", Normal)],
            ),
            pkg("xtask", "xtask", &[]),
        ]);
        assert_eq!(check(&m), Vec::<String>::new());
    }

    #[test]
    fn reaching_sideways_or_upwards_is_reported() {
        let m = metadata(vec![
            pkg(
                "rt-time",
                "crates/rt-time",
                &[("rt-core", Normal), ("rt-io", Normal)],
            ),
            pkg("rt-core", "crates/rt-core", &[("rt", Build)]),
            pkg("rt-macros", "crates/rt-macros", &[("rt-core", Normal)]),
        ]);
        let errors = check(&m);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        assert!(
            errors[0].contains("`rt-time` must not depend on `rt-io` (it may depend on: rt-core)")
        );
        assert!(
            errors[1].contains("`rt-core` must not depend on `rt` (it may depend on: no rt crate)")
        );
        assert!(errors[2].contains("`rt-macros` must not depend on `rt-core`"));
    }

    #[test]
    fn unknown_rt_crates_are_reported() {
        let m = metadata(vec![
            pkg("rt-extra", "crates/rt-extra", &[]),
            pkg("other", "crates/other", &[]),
            pkg(
                "rt-io",
                "crates/rt-io",
                &[("rt-process", Normal), ("rt-core", Normal)],
            ),
        ]);
        let errors = check(&m);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        assert!(
            errors[0]
                .contains("`rt-extra` (crates/rt-extra/Cargo.toml) is not in the layering table")
        );
        assert!(errors[1].contains("`other`"));
        assert!(
            errors[2]
                .contains("`rt-io` depends on `rt-process`, which is not in the layering table")
        );
    }

    #[test]
    fn other_runtimes_only_as_dev_dependencies() {
        let m = metadata(vec![
            pkg(
                "rt-core",
                "crates/rt-core",
                &[("tokio", Dev), ("smol", Dev)],
            ),
            pkg(
                "rt-net",
                "crates/rt-net",
                &[("hyper", Normal), ("rt-io", Normal)],
            ),
            pkg(
                "rt",
                "crates/rt",
                &[("async-std", Build), ("tokio-util", Normal)],
            ),
        ]);
        let errors = check(&m);
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert!(errors[0].contains("`rt-net` has `hyper` as a non-dev dependency"));
        assert!(errors[1].contains("`rt` has `async-std` as a non-dev dependency"));
    }

    #[test]
    fn reads_cargo_metadata_output() {
        let text = r#"{
          "packages": [{
            "name": "rt-time", "version": "0.1.0", "id": "path+file:///ws/crates/rt-time#0.1.0",
            "manifest_path": "/ws/crates/rt-time/Cargo.toml",
            "dependencies": [
              {"name": "rt-core", "source": null, "req": "^0.1.0", "kind": null,
               "rename": null, "optional": false, "uses_default_features": true,
               "features": [], "target": null, "path": "/ws/crates/rt-core"},
              {"name": "rt-io", "source": null, "req": "*", "kind": "dev", "rename": "io",
               "optional": false, "uses_default_features": true, "features": [],
               "target": null},
              {"name": "cc", "source": "registry+https://github.com/rust-lang/crates.io-index",
               "req": "^1", "kind": "build", "target": null},
              {"name": "loom", "req": "^0.7", "kind": null, "target": "cfg(rt_loom)"}
            ],
            "features": {"default": ["std"], "std": [], "test-util": ["dep:loom"]},
            "targets": [{"kind": ["lib"], "name": "rt_time"}]
          }],
          "workspace_members": ["path+file:///ws/crates/rt-time#0.1.0"],
          "resolve": null,
          "target_directory": "/ws/target",
          "version": 1,
          "workspace_root": "/ws",
          "metadata": null
        }"#;
        let m = Metadata::parse(text).unwrap();
        assert_eq!(m.workspace_root, PathBuf::from("/ws"));
        let p = m.package("rt-time").unwrap();
        assert_eq!(
            p.manifest_path,
            PathBuf::from("/ws/crates/rt-time/Cargo.toml")
        );
        let deps: Vec<_> = p
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.kind))
            .collect();
        assert_eq!(
            deps,
            [
                ("rt-core", Normal),
                ("rt-io", Dev),
                ("cc", Build),
                ("loom", Normal)
            ]
        );
        assert_eq!(p.features, ["default", "std", "test-util"]);
        assert_eq!(check(&m), Vec::<String>::new());
    }

    /// The real workspace obeys the rules, so `cargo test --workspace` enforces them.
    #[test]
    fn workspace_layering() {
        let root = crate::project_root();
        let metadata = Metadata::load(&root).expect("cargo metadata");
        let errors = check(&metadata);
        assert!(
            errors.is_empty(),
            "layering violations:\n{}",
            errors.join("\n")
        );
    }
}
