//! The WASM size budget: sums the app's WASM and JS as served (the `.br` and `.gz` files
//! that `nafitha-server precompress` wrote beside them) and fails when the Brotli total
//! is over budget.
//!
//! Usage: `size-check <dist dir> <budget in bytes>`; prints a Markdown table for
//! `bench/RESULTS.md`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

struct Row {
    name: String,
    raw: u64,
    gzip: u64,
    brotli: u64,
}

fn size(path: &Path) -> Result<u64, String> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("{}: {e} (run `make build-web` first)", path.display()))
}

fn sibling(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

fn measure(dist: &Path) -> Result<Vec<Row>, String> {
    let entries = std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    let mut rows = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !matches!(ext, "wasm" | "js") {
            continue;
        }
        rows.push(Row {
            name: path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            raw: size(&path)?,
            gzip: size(&sibling(&path, "gz"))?,
            brotli: size(&sibling(&path, "br"))?,
        });
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(rows)
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dist), Some(budget)) = (args.get(1), args.get(2).and_then(|b| b.parse::<u64>().ok()))
    else {
        eprintln!("usage: size-check <dist dir> <budget in bytes, brotli, WASM+JS>");
        return ExitCode::from(2);
    };
    let rows = match measure(Path::new(dist)) {
        Ok(rows) if rows.iter().any(|r| r.name.ends_with(".wasm")) => rows,
        Ok(_) => {
            eprintln!("size-check: no .wasm file in {dist}");
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("size-check: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("| file | raw | gzip -9 | brotli 11 |");
    println!("|---|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} |",
            r.name,
            kb(r.raw),
            kb(r.gzip),
            kb(r.brotli)
        );
    }
    let total = |f: fn(&Row) -> u64| rows.iter().map(f).sum::<u64>();
    let brotli = total(|r| r.brotli);
    println!(
        "| **WASM + JS** | {} | {} | **{}** |",
        kb(total(|r| r.raw)),
        kb(total(|r| r.gzip)),
        kb(brotli)
    );
    if brotli > budget {
        eprintln!(
            "size-check: FAILED: WASM + JS is {} brotli, over the {} budget",
            kb(brotli),
            kb(budget)
        );
        return ExitCode::FAILURE;
    }
    println!(
        "\nsize-check: OK: {} brotli of the {} budget",
        kb(brotli),
        kb(budget)
    );
    ExitCode::SUCCESS
}
