//! The layers of docs/ARCHITECTURE.md, checked on the source: a module
//! imports only from layers below its own, so there is no cycle among the
//! top-level modules, and no source file but the wording table grows past
//! 600 lines. Test code (test modules, `testkit`) may reach any layer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each top-level module and its layer; a module may import from lower
/// layers only.
const LAYERS: &[(&str, u8)] = &[
    ("domain", 0),
    ("clock", 0),
    ("logging", 0),
    ("hardware", 1),
    ("gsm", 1),
    ("store", 1),
    ("wording", 1),
    ("bus", 2),
    ("ui", 2),
    ("config", 3),
    ("sim", 3),
    ("engine", 4),
    ("link", 5),
    ("notify", 5),
    ("admin", 6),
    ("control", 6),
    ("fleet", 7),
    ("kiosk", 7),
    ("service", 7),
    ("site", 8),
    ("demo", 8),
    ("cli", 9),
];

/// The one file allowed to be long: every word in both languages.
const WORDING: &str = "src/wording.rs";
const MAX_LINES: usize = 600;

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/engine/read/mod.rs` →
/// `engine`), or `None` for the crate roots.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// Whether a file holds only test code.
fn is_test_file(file: &Path) -> bool {
    let s = file.to_string_lossy();
    s.contains("/tests/")
        || s.ends_with("/tests.rs")
        || s.ends_with("_tests.rs")
        || s.contains("/crash_tests/")
        || s.contains("/testkit/")
}

/// The code of a file without comments and without its inline test module
/// (which by convention closes the file).
fn shipped_code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod ") && next.ends_with('{'))
        {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The top-level modules `code` names through `crate::`.
fn imports(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::X, b::{Y, Z}, c}`: the names at depth one.
            let mut depth = 1;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => start = true,
                    c if start && depth == 1 && !c.is_whitespace() => {
                        found.push(ident(&group[i..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.push(ident(rest));
        }
    }
    found
}

#[test]
fn modules_import_only_from_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unknown = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        if module == "testkit" || is_test_file(file) {
            continue;
        }
        let Some(own) = layer(&module) else {
            unknown.push(module);
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read source");
        for used in imports(&shipped_code(&text)) {
            if used == module {
                continue;
            }
            match layer(&used) {
                Some(l) if l < own => {}
                _ => wrong
                    .entry(format!("{module} -> {used}"))
                    .or_default()
                    .push(file.strip_prefix(&src).unwrap().display().to_string()),
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    assert!(
        unknown.is_empty(),
        "top-level modules without a layer (add them to LAYERS and docs/ARCHITECTURE.md): {unknown:?}"
    );
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong
            .iter()
            .map(|(edge, files)| format!("  {edge}: {}", files.join(", ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_checker_sees_grouped_and_nested_imports() {
    let code =
        "use crate::{engine::read::{Answer, Query}, store::T, link};\nlet x = crate::ui::app::run;";
    assert_eq!(imports(code), ["engine", "store", "link", "ui"]);
    let cut =
        shipped_code("use crate::a;\n// crate::b\n#[cfg(test)]\nmod tests {\nuse crate::c;\n}\n");
    assert_eq!(imports(&cut), ["a"]);
}

#[test]
fn no_source_file_but_the_wording_table_is_over_600_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut long: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with(WORDING))
        .filter_map(|f| {
            let n = std::fs::read_to_string(f)
                .expect("read source")
                .lines()
                .count();
            (n > MAX_LINES).then(|| format!("{} ({n})", f.strip_prefix(root).unwrap().display()))
        })
        .collect();
    long.sort();
    assert!(long.is_empty(), "split by what they hold: {long:?}");
}
