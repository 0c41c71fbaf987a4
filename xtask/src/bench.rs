//! `cargo xtask bench`: run the criterion benches, then print rt against tokio and
//! smol side by side from criterion's saved estimates.
//!
//! Criterion 0.5 writes, for every benchmark, `<criterion dir>/<group>/<function>/new/`
//! with `benchmark.json` (`group_id`, `function_id`, `value_str`) and
//! `estimates.json` (`median.point_estimate`, in nanoseconds). Directory names are
//! sanitised, so the ids are read from `benchmark.json`, never from the path.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::json::Json;

/// The function ids the benches use for each runtime, in table column order.
pub(crate) const RUNTIMES: &[&str] = &["rt", "tokio", "smol"];

/// One measured benchmark.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Estimate {
    /// `group_id`, plus `/value_str` for parameterised benchmarks.
    pub(crate) group: String,
    pub(crate) function: String,
    pub(crate) median_ns: f64,
}

/// Where criterion keeps its results: `$CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else `<root>/target/criterion`.
pub(crate) fn criterion_dir(root: &Path) -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(|t| root.join(t))
        .unwrap_or_else(|| root.join("target"));
    target.join("criterion")
}

/// Reads every `new/` result under `dir`, sorted by group then function.
pub(crate) fn collect(dir: &Path) -> Result<Vec<Estimate>, String> {
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    out.sort_by(|a, b| (&a.group, &a.function).cmp(&(&b.group, &b.function)));
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<Estimate>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", dir.display()))?;
        let path = entry.path();
        if !entry
            .file_type()
            .map_err(|e| format!("{}: {e}", path.display()))?
            .is_dir()
        {
            continue;
        }
        if entry.file_name() == "new" {
            let benchmark = path.join("benchmark.json");
            let estimates = path.join("estimates.json");
            if benchmark.is_file() && estimates.is_file() {
                out.push(read_estimate(&benchmark, &estimates)?);
            }
        } else if entry.file_name() != "report" {
            // `report/` holds only HTML; `base/` and `change/` are skipped because
            // only a directory named `new` is read.
            walk(&path, out)?;
        }
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<Json, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    Json::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_estimate(benchmark: &Path, estimates: &Path) -> Result<Estimate, String> {
    let id = read_json(benchmark)?;
    let est = read_json(estimates)?;
    let text = |key: &str| id.get(key).and_then(Json::as_str);
    let group_id =
        text("group_id").ok_or_else(|| format!("{}: no `group_id`", benchmark.display()))?;
    let group = match text("value_str") {
        Some(value) => format!("{group_id}/{value}"),
        None => group_id.to_owned(),
    };
    let median_ns = est
        .get("median")
        .and_then(|m| m.get("point_estimate"))
        .and_then(Json::as_f64)
        .ok_or_else(|| format!("{}: no `median.point_estimate`", estimates.display()))?;
    Ok(Estimate {
        group,
        function: text("function_id").unwrap_or_default().to_owned(),
        median_ns,
    })
}

/// `1234.5` ns as `1.23 µs`, and so on.
fn human(ns: f64) -> String {
    let (value, unit) = match ns {
        n if n < 1e3 => (n, "ns"),
        n if n < 1e6 => (n / 1e3, "µs"),
        n if n < 1e9 => (n / 1e6, "ms"),
        n => (n / 1e9, "s"),
    };
    format!("{value:.2} {unit}")
}

/// The comparison table: one row per group that measured at least one runtime.
/// A ratio below 1 means rt is faster.
pub(crate) fn table(estimates: &[Estimate]) -> String {
    let mut groups: BTreeMap<&str, [Option<f64>; 3]> = BTreeMap::new();
    for e in estimates {
        if let Some(col) = RUNTIMES.iter().position(|r| *r == e.function) {
            groups.entry(&e.group).or_default()[col] = Some(e.median_ns);
        }
    }
    let header = ["group", "rt", "tokio", "smol", "rt/tokio", "rt/smol"].map(String::from);
    let mut rows = vec![header];
    for (group, [rt, tokio, smol]) in groups {
        let time = |t: Option<f64>| t.map_or_else(|| "-".to_owned(), human);
        let ratio = |other: Option<f64>| match (rt, other) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}x", a / b),
            _ => "-".to_owned(),
        };
        rows.push([
            group.to_owned(),
            time(rt),
            time(tokio),
            time(smol),
            ratio(tokio),
            ratio(smol),
        ]);
    }
    let mut widths = [0; 6];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let mut line = String::new();
        for (col, (cell, w)) in row.iter().zip(widths).enumerate() {
            let pad = " ".repeat(w - cell.chars().count());
            if col == 0 {
                line.push_str(cell);
                line.push_str(&pad);
            } else {
                line.push_str("  ");
                line.push_str(&pad);
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if i == 0 {
            let total = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
    }
    out
}

/// `cargo xtask bench [--report-only] [-- <criterion args>]`.
pub(crate) fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut report_only = false;
    let mut extra = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--report-only" => report_only = true,
            "--" => extra.extend(iter.by_ref().cloned()),
            _ => extra.push(arg.clone()),
        }
    }
    if !report_only {
        // `--benches`: only bench targets get criterion's arguments (a lib or test
        // target would hand them to libtest, which rejects them).
        let mut cmd = crate::cargo();
        cmd.current_dir(root)
            .args(["bench", "-p", "rt-benches", "--benches", "--"])
            .args(&extra);
        crate::run(&mut cmd)?;
    }
    let dir = criterion_dir(root);
    if !dir.is_dir() {
        return Err(format!(
            "no criterion results in {}: run `cargo xtask bench` first",
            dir.display()
        ));
    }
    let estimates = collect(&dir)?;
    let table = table(&estimates);
    if table.lines().count() <= 2 {
        return Err(format!(
            "no benchmark in {} has a function id among {RUNTIMES:?}",
            dir.display()
        ));
    }
    println!(
        "median time per benchmark (criterion, {}); ratio < 1 means rt is faster\n",
        dir.display()
    );
    print!("{table}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> TempDir {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("xtask-bench-{}-{n}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// Writes a result the way criterion 0.5 lays it out.
    fn write_result(
        root: &Path,
        dir: &str,
        which: &str,
        group: &str,
        function: Option<&str>,
        value: Option<&str>,
        median: f64,
    ) {
        let path = root.join(dir).join(which);
        fs::create_dir_all(&path).unwrap();
        let quote = |s: Option<&str>| s.map_or_else(|| "null".to_owned(), |s| format!("{s:?}"));
        let full_id = [Some(group), function, value]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("/");
        fs::write(
            path.join("benchmark.json"),
            format!(
                r#"{{"group_id":{},"function_id":{},"value_str":{},"throughput":null,"full_id":{:?},"directory_name":{:?},"title":{:?}}}"#,
                quote(Some(group)),
                quote(function),
                quote(value),
                full_id,
                dir,
                full_id
            ),
        )
        .unwrap();
        let estimate = |p: f64| {
            format!(
                r#"{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":{},"upper_bound":{}}},"point_estimate":{p},"standard_error":1.5}}"#,
                p * 0.9,
                p * 1.1
            )
        };
        fs::write(
            path.join("estimates.json"),
            format!(
                r#"{{"mean":{},"median":{},"median_abs_dev":{},"slope":null,"std_dev":{}}}"#,
                estimate(median * 1.05),
                estimate(median),
                estimate(1.0),
                estimate(2.0)
            ),
        )
        .unwrap();
        fs::create_dir_all(root.join(dir).join("report")).unwrap();
        fs::write(root.join(dir).join("report/index.html"), "<html></html>").unwrap();
    }

    #[test]
    fn reads_criterion_layout_and_compares() {
        let tmp = TempDir::new();
        let root = &tmp.0;
        let g = "current_thread_spawn_many_local";
        write_result(
            root,
            &format!("{g}/rt"),
            "new",
            "current_thread/spawn_many_local",
            Some("rt"),
            None,
            500.0,
        );
        write_result(
            root,
            &format!("{g}/rt"),
            "base",
            "current_thread/spawn_many_local",
            Some("rt"),
            None,
            9e9,
        );
        write_result(
            root,
            &format!("{g}/tokio"),
            "new",
            "current_thread/spawn_many_local",
            Some("tokio"),
            None,
            1000.0,
        );
        write_result(
            root,
            &format!("{g}/smol"),
            "new",
            "current_thread/spawn_many_local",
            Some("smol"),
            None,
            250.0,
        );
        write_result(
            root,
            "mt/rt/1000",
            "new",
            "multi_thread/ping",
            Some("rt"),
            Some("1000"),
            2.5e6,
        );
        write_result(
            root,
            "mt/tokio/1000",
            "new",
            "multi_thread/ping",
            Some("tokio"),
            Some("1000"),
            5e6,
        );
        write_result(
            root,
            "other/baseline",
            "new",
            "other",
            Some("baseline"),
            None,
            1.0,
        );
        // A half-written result (no estimates yet) is ignored.
        fs::create_dir_all(root.join("partial/rt/new")).unwrap();
        fs::write(
            root.join("partial/rt/new/benchmark.json"),
            r#"{"group_id":"partial","function_id":"rt"}"#,
        )
        .unwrap();

        let estimates = collect(root).unwrap();
        let found: Vec<_> = estimates
            .iter()
            .map(|e| (e.group.as_str(), e.function.as_str(), e.median_ns))
            .collect();
        assert_eq!(
            found,
            [
                ("current_thread/spawn_many_local", "rt", 500.0),
                ("current_thread/spawn_many_local", "smol", 250.0),
                ("current_thread/spawn_many_local", "tokio", 1000.0),
                ("multi_thread/ping/1000", "rt", 2.5e6),
                ("multi_thread/ping/1000", "tokio", 5e6),
                ("other", "baseline", 1.0),
            ]
        );

        let table = table(&estimates);
        let lines: Vec<_> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        let cells = |line: &str| {
            line.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            cells(lines[0]),
            ["group", "rt", "tokio", "smol", "rt/tokio", "rt/smol"]
        );
        assert!(lines[1].chars().all(|c| c == '-'));
        assert_eq!(
            cells(lines[2]),
            [
                "current_thread/spawn_many_local",
                "500.00 ns",
                "1.00 µs",
                "250.00 ns",
                "0.50x",
                "2.00x"
            ]
        );
        assert_eq!(
            cells(lines[3]),
            [
                "multi_thread/ping/1000",
                "2.50 ms",
                "5.00 ms",
                "-",
                "0.50x",
                "-"
            ]
        );
    }

    #[test]
    fn corrupt_results_are_errors() {
        let tmp = TempDir::new();
        let new = tmp.0.join("g/rt/new");
        fs::create_dir_all(&new).unwrap();
        fs::write(
            new.join("benchmark.json"),
            r#"{"group_id":"g","function_id":"rt"}"#,
        )
        .unwrap();
        fs::write(
            new.join("estimates.json"),
            r#"{"mean":{"point_estimate":1.0}}"#,
        )
        .unwrap();
        let err = collect(&tmp.0).unwrap_err();
        assert!(err.contains("no `median.point_estimate`"), "{err}");
    }

    #[test]
    fn human_units() {
        assert_eq!(human(12.0), "12.00 ns");
        assert_eq!(human(1_500.0), "1.50 µs");
        assert_eq!(human(2_000_000.0), "2.00 ms");
        assert_eq!(human(3e9), "3.00 s");
    }
}
