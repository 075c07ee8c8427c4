//! Docs that cannot go stale: the lists the READMEs and `docs/` give
//! (operations, error variants, test modules, CI steps, xtask commands) and
//! the Rust items and files they name are checked against the code and
//! against descope-spec's operation table. No build, no network: it reads
//! files (well under a second).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use descope_spec::{Credential, Operation};
use descope_workspace_tests::workspace;

/// The docs these tests read: the root README, every crate's README and
/// `docs/*.md`, as paths relative to the workspace root.
fn doc_files() -> Vec<String> {
    let root = workspace();
    let mut found = vec!["README.md".to_string()];
    for dir in ["crates", "docs"] {
        for entry in fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(&root).unwrap().to_path_buf();
            if dir == "crates" && path.join("README.md").is_file() {
                found.push(rel.join("README.md").display().to_string());
            } else if dir == "docs" && path.extension().is_some_and(|e| e == "md") {
                found.push(rel.display().to_string());
            }
        }
    }
    found.sort();
    found
}

fn read(rel: &str) -> String {
    fs::read_to_string(workspace().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The text of `text` from the first `start` to the first `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in the text"));
    let rest = &text[from..];
    let to = rest[start.len()..]
        .find(end)
        .map_or(rest.len(), |at| at + start.len());
    &rest[..to]
}

/// The inline code spans of `text` (fenced blocks left out), white space
/// folded: a span may break across lines.
fn spans(text: &str) -> Vec<String> {
    let mut prose = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    prose
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|span| span.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_ident(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(is_ident_byte) && !word.as_bytes()[0].is_ascii_digit()
}

/// Every Rust path `a::b::c` of `text` (two segments at least), whole: one
/// that a longer path holds is not listed again.
fn rust_paths(text: &str) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut found = BTreeSet::new();
    let mut at = 0;
    while at < bytes.len() {
        let starts = is_ident_byte(bytes[at])
            && !bytes[at].is_ascii_digit()
            && (at == 0 || !(is_ident_byte(bytes[at - 1]) || bytes[at - 1] == b':'));
        if !starts {
            at += 1;
            continue;
        }
        let mut end = at;
        loop {
            while end < bytes.len() && is_ident_byte(bytes[end]) {
                end += 1;
            }
            let more = text[end..].starts_with("::")
                && bytes.get(end + 2).is_some_and(|&b| is_ident_byte(b));
            if !more {
                break;
            }
            end += 2;
        }
        if text[at..end].contains("::") {
            found.insert(text[at..end].to_string());
        }
        at = end.max(at + 1);
    }
    found
}

/// Every `.rs` file under `dir`, with its text.
fn rust_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return found;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).unwrap();
            found.push((path, text));
        }
    }
    found.sort();
    found
}

/// The names a crate's sources declare: items (`fn`, `struct`, `mod`, ...),
/// names brought in by `use` (renames too), and what reads as an enum
/// variant or a macro-declared item (a line that starts with a capitalised
/// name followed by `(`, `{`, `,` or `=`). Generous by design: a name the
/// docs give that is not even here is gone.
fn declared(sources: &[(PathBuf, String)]) -> BTreeSet<String> {
    const KEYWORDS: [&str; 10] = [
        "fn", "struct", "enum", "trait", "type", "const", "static", "mod", "union", "as",
    ];
    let mut names = BTreeSet::new();
    for (_, text) in sources {
        let words: Vec<&str> = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        for pair in words.windows(2) {
            if KEYWORDS.contains(&pair[0]) && is_ident(pair[1]) {
                names.insert(pair[1].to_string());
            }
        }
        let mut in_use = false;
        for line in text.lines() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("pub use ") || trimmed.starts_with("use ") {
                in_use = true;
            }
            if in_use {
                for word in trimmed.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                    if is_ident(word) {
                        names.insert(word.to_string());
                    }
                }
                in_use = !trimmed.contains(';');
            }
            let name_end = trimmed.bytes().take_while(|&b| is_ident_byte(b)).count();
            let (name, after) = trimmed.split_at(name_end);
            let after = after.trim_start();
            if name.starts_with(|c: char| c.is_ascii_uppercase())
                && (after.is_empty() || after.starts_with(['(', '{', ',', '=']))
            {
                names.insert(name.to_string());
            }
        }
    }
    names
}

/// The workspace's library crates by Rust name, with their directories.
const CRATES: [(&str, &str); 8] = [
    ("descope_spec", "crates/descope-spec"),
    ("descope_raw", "crates/descope-raw"),
    ("descope_ergonomic", "crates/descope-ergonomic"),
    ("descope_axum", "crates/descope-axum"),
    ("descope_conformance", "crates/descope-conformance"),
    ("fake_descope", "crates/fake-descope"),
    ("descope_testkit", "crates/descope-testkit"),
    ("descope_bench", "crates/descope-bench"),
];

/// The sources of every crate (and xtask), by Rust name.
fn sources() -> BTreeMap<&'static str, Vec<(PathBuf, String)>> {
    let root = workspace();
    let mut found: BTreeMap<&str, Vec<(PathBuf, String)>> = CRATES
        .iter()
        .map(|&(name, dir)| (name, rust_files(&root.join(dir).join("src"))))
        .collect();
    found.insert("xtask", rust_files(&root.join("xtask/src")));
    found
}

/// The names at the root of the crate in `dir` (`descope_x::Name`): what its
/// `lib.rs` declares or re-exports, and what a glob re-export (`pub use
/// generated::*`) brings from its module.
fn root_names(dir: &Path) -> BTreeSet<String> {
    let src = dir.join("src");
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut files = vec![(src.join("lib.rs"), lib.clone())];
    for line in lib.lines() {
        let glob = line
            .trim()
            .strip_prefix("pub use ")
            .and_then(|l| l.strip_suffix("::*;"));
        if let Some(module) = glob {
            for file in [
                src.join(format!("{module}.rs")),
                src.join(module).join("mod.rs"),
            ] {
                if let Ok(text) = fs::read_to_string(&file) {
                    files.push((file, text));
                }
            }
        }
    }
    declared(&files)
}

/// xtask's root: its `main.rs`.
fn root_names_of_binary() -> BTreeSet<String> {
    let main = workspace().join("xtask/src/main.rs");
    let text = fs::read_to_string(&main).unwrap();
    declared(&[(main, text)])
}

/// `METHOD path` of an operation, as the docs write it.
fn route(op: Operation) -> String {
    format!("{} {}", op.method(), op.path())
}

/// The Rust name of an operation's variant (`UpdateUserPhoneMagicLinkSms`).
fn variant(op: Operation) -> String {
    format!("{op:?}")
}

#[test]
fn the_readme_lists_every_operation_with_its_method_path_and_credential() {
    let readme = read("README.md");
    let intro = between(&readme, "# descope-rs", "\n## ");
    for op in Operation::ALL {
        assert!(
            intro.contains(&format!("`{}`", route(op))),
            "README.md's list of operations (before its first section) lacks `{}` ({op})",
            route(op)
        );
    }
    for credential in Credential::ALL {
        let bearer = format!("`Bearer {}`", credential.bearer_format());
        assert!(
            intro.contains(&bearer),
            "README.md's list of operations lacks the credential {bearer}"
        );
    }
}

#[test]
fn every_method_and_path_the_docs_name_is_an_operation_of_the_table() {
    const METHODS: [&str; 5] = ["GET ", "POST ", "PUT ", "PATCH ", "DELETE "];
    let routes: BTreeSet<String> = Operation::ALL.into_iter().map(route).collect();
    for doc in doc_files() {
        for span in spans(&read(&doc)) {
            let named = METHODS.iter().any(|m| span.starts_with(m))
                && span.split(' ').nth(1).is_some_and(|p| {
                    p.starts_with("/v") && p[2..].starts_with(|c: char| c.is_ascii_digit())
                });
            if named {
                // A span may go on after the route (`GET /v1/mgmt/license` with a body).
                let route: String = span.split(' ').take(2).collect::<Vec<_>>().join(" ");
                assert!(
                    routes.contains(&route),
                    "{doc} names `{route}`, which is no operation of the spec: {routes:?}"
                );
            }
        }
    }
}

#[test]
fn descope_specs_map_of_client_methods_has_one_right_row_per_operation() {
    let table = read("crates/descope-spec/src/table.rs");
    let ergonomic_sources = &sources()["descope_ergonomic"];
    let ergonomic_fns = declared(ergonomic_sources);
    let ergonomic_readme = read("crates/descope-ergonomic/README.md");
    let mut rows = BTreeMap::new();
    for line in table.lines() {
        let Some(row) = line.strip_prefix("//! | [`Operation::") else {
            continue;
        };
        let cells: Vec<&str> = row.split('|').map(|c| c.trim().trim_matches('`')).collect();
        let name = cells[0].trim_end_matches("`]");
        rows.insert(
            name.to_string(),
            (cells[1].to_string(), cells[2].to_string()),
        );
    }
    let variants: BTreeSet<String> = Operation::ALL.into_iter().map(variant).collect();
    let mapped: BTreeSet<String> = rows.keys().cloned().collect();
    assert_eq!(
        mapped, variants,
        "crates/descope-spec/src/table.rs maps other operations than the table holds"
    );
    for op in Operation::ALL {
        let (raw, ergonomic) = &rows[&variant(op)];
        assert_eq!(raw, op.client_method(), "table.rs: the raw method of {op}");
        // `management().users().embedded_link`: each step a method of the wrapper.
        let steps: Vec<&str> = ergonomic
            .split('.')
            .map(|step| step.trim_end_matches("()"))
            .collect();
        for step in &steps {
            assert!(
                ergonomic_fns.contains(*step),
                "table.rs: `{ergonomic}` ({op}): descope-ergonomic has no `{step}`"
            );
        }
        let last = steps.last().unwrap();
        assert!(
            [format!("`{last}("), format!(".{last}(")]
                .iter()
                .any(|call| ergonomic_readme.contains(call.as_str())),
            "crates/descope-ergonomic/README.md's operations do not name `{last}(..)` ({op})"
        );
    }
}

/// The variants of `pub enum Error` in descope-ergonomic's `src/error.rs`,
/// read with a scan: names at the enum's top level, outside attributes,
/// comments, strings and the variants' fields.
fn error_variants() -> Vec<String> {
    let source = read("crates/descope-ergonomic/src/error.rs");
    let body_start = source.find("pub enum Error {").expect("pub enum Error") + 16;
    let bytes = source.as_bytes();
    let (mut depth, mut at, mut variants) = (0usize, body_start, Vec::new());
    let mut expect_name = true;
    while at < bytes.len() {
        match bytes[at] {
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                at += source[at..].find('\n').unwrap_or(source.len() - at);
                continue;
            }
            b'"' => {
                at += 1;
                while bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' if depth == 0 => break,
            b'}' | b')' | b']' => depth -= 1,
            b',' if depth == 0 => expect_name = true,
            b if depth == 0 && expect_name && is_ident_byte(b) => {
                let len = bytes[at..]
                    .iter()
                    .take_while(|&&b| is_ident_byte(b))
                    .count();
                variants.push(source[at..at + len].to_string());
                expect_name = false;
                at += len;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    variants
}

/// The capitalised names among the code spans of `text`, `Error::` dropped.
fn variant_names(text: &str) -> BTreeSet<String> {
    spans(text)
        .iter()
        .map(|span| span.trim_start_matches("Error::"))
        .filter(|span| is_ident(span) && span.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(String::from)
        .collect()
}

#[test]
fn the_error_lists_name_exactly_the_variants_of_the_error_type() {
    let variants: BTreeSet<String> = error_variants().into_iter().collect();
    assert!(
        variants.contains("Validation") && variants.len() > 3,
        "the scan of src/error.rs found {variants:?}"
    );
    let readme = read("README.md");
    let listed = variant_names(between(&readme, "Errors are typed", ")"));
    assert_eq!(
        listed, variants,
        "README.md's list after \"Errors are typed\" against descope_ergonomic::Error"
    );
    let ergonomic = read("crates/descope-ergonomic/README.md");
    let listed = variant_names(between(&ergonomic, "**Typed errors**", "Helpers:"));
    assert_eq!(
        listed, variants,
        "crates/descope-ergonomic/README.md's \"Typed errors\" against descope_ergonomic::Error"
    );
}

#[test]
fn the_rust_items_the_docs_name_exist() {
    let sources = sources();
    let by_crate: BTreeMap<&str, BTreeSet<String>> = sources
        .iter()
        .map(|(name, files)| (*name, declared(files)))
        .collect();
    let everywhere: BTreeSet<String> = by_crate.values().flatten().cloned().collect();
    let roots: BTreeMap<&str, BTreeSet<String>> = CRATES
        .iter()
        .map(|&(name, dir)| (name, root_names(&workspace().join(dir))))
        .chain([("xtask", root_names_of_binary())])
        .collect();
    let types: BTreeSet<String> = sources
        .values()
        .flatten()
        .flat_map(|(_, text)| {
            let words: Vec<&str> = text
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .collect();
            words
                .windows(2)
                .filter(|p| ["struct", "enum", "trait"].contains(&p[0]))
                .map(|p| p[1].to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let variants: BTreeSet<String> = Operation::ALL.into_iter().map(variant).collect();
    // Names of items that are gone, given as gone.
    const HISTORY: [(&str, &str); 1] = [(
        "docs/performance.md",
        "RequestContext::discard_response_headers",
    )];
    let mut checked = 0;
    for doc in doc_files() {
        for path in rust_paths(&read(&doc)) {
            if HISTORY.contains(&(doc.as_str(), path.as_str())) {
                continue;
            }
            let segments: Vec<&str> = path.split("::").collect();
            // (where to look, the segments to find there)
            let (names, rest): (&BTreeSet<String>, &[&str]) = match segments[0] {
                "types" => (&by_crate["descope_raw"], &segments[1..]),
                "fields" => (&by_crate["descope_spec"], &segments[1..]),
                "Operation" => {
                    let op = segments[1];
                    assert!(
                        op == "ALL" || !op.starts_with(char::is_uppercase) || variants.contains(op),
                        "{doc} names `{path}`: no operation {op} in the table ({variants:?})"
                    );
                    checked += 1;
                    continue;
                }
                first if by_crate.contains_key(first) => {
                    let root = &roots[first];
                    assert!(
                        root.contains(segments[1]),
                        "{doc} names `{path}`, but {first} has no `{}` at its root",
                        segments[1]
                    );
                    (&by_crate[first], &segments[2..])
                }
                first if types.contains(first) => (&everywhere, &segments[1..]),
                _ => continue,
            };
            checked += 1;
            for segment in rest {
                assert!(
                    names.contains(*segment),
                    "{doc} names `{path}`, but the code declares no `{segment}` there"
                );
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} paths checked: the scan is broken"
    );
}

/// A test binary: its name and the `mod` tree of its main file, as
/// `a` and `a::b` (shared `support` left out).
struct Binary {
    name: String,
    modules: BTreeSet<String>,
}

/// The `mod x;` declarations of `file`, and of the files they are in turn.
fn modules_of(file: &Path, prefix: &str, into: &mut BTreeSet<String>) {
    let text = fs::read_to_string(file).unwrap();
    let dir = if file.ends_with("main.rs") || file.ends_with("mod.rs") {
        file.parent().unwrap().to_path_buf()
    } else {
        file.with_extension("")
    };
    for line in text.lines() {
        let line = line.trim_start().trim_start_matches("pub ");
        let Some(name) = line.strip_prefix("mod ").and_then(|l| l.strip_suffix(';')) else {
            continue;
        };
        if name == "support" {
            continue;
        }
        let full = format!("{prefix}{name}");
        into.insert(full.clone());
        for child in [
            dir.join(name).join("mod.rs"),
            dir.join(format!("{name}.rs")),
        ] {
            if child.is_file() {
                modules_of(&child, &format!("{full}::"), into);
            }
        }
    }
}

/// The integration-test binaries of the package in `dir`: `tests/x.rs`,
/// `tests/x/main.rs`, and the `[[test]]` targets of its Cargo.toml.
fn binaries(dir: &Path) -> Vec<Binary> {
    let mut mains: BTreeMap<String, PathBuf> = BTreeMap::new();
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let discovered = if manifest.contains("autotests = false") {
        Err(())
    } else {
        fs::read_dir(dir.join("tests")).map_err(|_| ())
    };
    if let Ok(entries) = discovered {
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            if path.join("main.rs").is_file() {
                mains.insert(name, path.join("main.rs"));
            } else if path.extension().is_some_and(|e| e == "rs") {
                mains.insert(name, path);
            }
        }
    }
    for target in manifest.split("[[test]]").skip(1) {
        let field = |key: &str| {
            target.lines().find_map(|l| l.strip_prefix(key)).map(|v| {
                v.trim()
                    .trim_start_matches('=')
                    .trim()
                    .trim_matches('"')
                    .to_string()
            })
        };
        if let (Some(name), Some(path)) = (field("name"), field("path")) {
            mains.retain(|_, main| main != &dir.join(&path));
            mains.insert(name, dir.join(path));
        }
    }
    mains
        .into_iter()
        .map(|(name, main)| {
            let mut modules = BTreeSet::new();
            if main.ends_with("main.rs") {
                modules_of(&main, "", &mut modules);
            }
            Binary { name, modules }
        })
        .collect()
}

/// The modules of the package's `src/` that hold unit tests, as `a::b`.
fn unit_test_modules(dir: &Path) -> BTreeSet<String> {
    let src = dir.join("src");
    rust_files(&src)
        .into_iter()
        .filter(|(_, text)| text.contains("#[cfg(test)]") || text.contains("#[cfg(all(test"))
        .filter_map(|(path, _)| {
            let rel = path.strip_prefix(&src).unwrap().with_extension("");
            let parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().to_string())
                .filter(|p| p != "mod")
                .collect();
            let name = parts.join("::");
            (!["lib", "main"].contains(&name.as_str())).then_some(name)
        })
        .collect()
}

/// Whether `listed` (`a`, `a::b` or `a::*`) names `module`.
fn names(listed: &str, module: &str) -> bool {
    match listed.strip_suffix("::*") {
        Some(parent) => module.starts_with(&format!("{parent}::")),
        None => listed == module,
    }
}

/// `a::{b, c}` as `a::b`, `a::c`; other names as they are.
fn expand(span: &str) -> Vec<String> {
    match span.split_once("::{") {
        Some((parent, children)) => children
            .trim_end_matches('}')
            .split(',')
            .map(|child| format!("{parent}::{}", child.trim()))
            .collect(),
        None => vec![span.to_string()],
    }
}

/// Whether a code span reads as a module path (not a file, not a command).
fn is_module_path(span: &str) -> bool {
    span.split("::")
        .all(|part| is_ident(part) || part == "*" || part.starts_with('{'))
        && !span.contains('/')
}

#[test]
fn the_test_map_names_exactly_the_test_modules_that_exist() {
    let root = workspace();
    let doc = read("docs/reliability.md");
    let map = between(&doc, "## Where the tests are", "\n## ");
    let mut rows_seen = BTreeSet::new();
    let mut all_binaries: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in map
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| crate"))
    {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let [krate, binary, modules] = cells[..] else {
            panic!("docs/reliability.md: a row of the test map with other than 3 cells: {line}")
        };
        let dir = match krate {
            "xtask" => root.join("xtask"),
            k if k.starts_with("workspace") => root.join("tests"),
            k => root.join("crates").join(k),
        };
        assert!(
            dir.is_dir(),
            "the test map names {krate}, which is not in the tree"
        );
        rows_seen.insert(dir.clone());
        // The unit tests a row names, in "(unit tests)" or "(and unit tests of ...)".
        let (listed_part, unit_part) = match modules.split_once("unit tests of") {
            Some((before, after)) => (before, after),
            None => (modules, ""),
        };
        let units = unit_test_modules(&dir);
        let named_units: Vec<String> = spans(unit_part)
            .iter()
            .filter(|s| is_module_path(s))
            .flat_map(|s| expand(s))
            .collect();
        for unit in &named_units {
            assert!(
                units.iter().any(|m| names(unit, m)),
                "docs/reliability.md: {krate} has no unit tests in `{unit}` (it has {units:?})"
            );
        }
        let listed: Vec<String> = spans(listed_part)
            .iter()
            .filter(|s| is_module_path(s))
            .flat_map(|s| expand(s))
            .collect();
        for file in spans(modules).iter().filter(|s| s.contains('/')) {
            assert!(
                dir.join(file).exists(),
                "docs/reliability.md: {krate}'s row names {file}, which is not in the tree"
            );
        }
        if binary == "(unit tests)" {
            for unit in &units {
                assert!(
                    listed.iter().any(|l| names(l, unit)),
                    "docs/reliability.md: {krate}'s unit tests in `{unit}` are not in the test map"
                );
            }
            for l in &listed {
                assert!(
                    units.iter().any(|m| names(l, m)),
                    "docs/reliability.md: {krate} has no unit tests in `{l}` (it has {units:?})"
                );
            }
            continue;
        }
        let Some(name) = spans(binary).into_iter().next() else {
            continue; // no binary of its own (an example's tests, named by file)
        };
        let binaries = binaries(&dir);
        let found = binaries
            .iter()
            .find(|b| b.name == name)
            .unwrap_or_else(|| panic!("docs/reliability.md: {krate} has no test binary `{name}`"));
        // A module with modules of its own is listed by them (`a::{b, c}`).
        let leaves: BTreeSet<String> = found
            .modules
            .iter()
            .filter(|m| {
                !found
                    .modules
                    .iter()
                    .any(|n| n.starts_with(&format!("{m}::")))
            })
            .cloned()
            .collect();
        let listed: BTreeSet<String> = listed.into_iter().collect();
        assert_eq!(
            listed, leaves,
            "docs/reliability.md: the modules of {krate}'s `{name}` (left: the map, right: \
             the `mod` declarations of its main file)"
        );
        all_binaries.insert(name, found.modules.clone());
    }
    // Every package with tests has its row.
    let mut packages: Vec<PathBuf> = fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    packages.extend([root.join("xtask"), root.join("tests")]);
    for dir in packages {
        let has_tests = !binaries(&dir).is_empty() || !unit_test_modules(&dir).is_empty();
        if dir.join("Cargo.toml").is_file() && has_tests {
            assert!(
                rows_seen.contains(&dir),
                "docs/reliability.md's test map has no row for {}",
                dir.display()
            );
        }
    }
    // `binary::module` named anywhere in the doc.
    for path in rust_paths(&doc) {
        let (binary, module) = path.split_once("::").unwrap();
        if let Some(modules) = all_binaries.get(binary) {
            assert!(
                modules.contains(module),
                "docs/reliability.md names `{path}`: `{binary}` has no module `{module}`"
            );
        }
    }
    // The "Test module" columns: descope-ergonomic's modules unless the cell says whose.
    let ergonomic = &all_binaries["ergonomic"];
    for table in doc.split("\n\n").filter(|t| t.starts_with('|')) {
        let mut lines = table.lines();
        let header = lines.next().unwrap();
        if !header
            .trim_end_matches('|')
            .rsplit('|')
            .next()
            .unwrap()
            .contains("Test module")
        {
            continue;
        }
        for line in lines.skip(1) {
            let cell = line
                .trim_end()
                .trim_end_matches('|')
                .rsplit(" | ")
                .next()
                .unwrap();
            for part in cell.split(", ") {
                let Some(module) = spans(part).into_iter().next() else {
                    continue;
                };
                let (whose, modules) = if part.contains("fake's") {
                    ("fake", &all_binaries["fake"])
                } else if part.contains("descope-raw's") {
                    assert!(
                        all_binaries.contains_key(&module),
                        "{line}: no binary {module}"
                    );
                    continue;
                } else {
                    ("ergonomic", ergonomic)
                };
                assert!(
                    modules.contains(&module),
                    "docs/reliability.md: `{module}` is no module of `{whose}`: {line}"
                );
            }
        }
    }
}

#[test]
fn the_files_the_docs_name_exist() {
    let root = workspace();
    const TOP: [&str; 6] = ["crates/", "xtask/", "tests/", "docs/", "spec/", ".ci/"];
    for doc in doc_files() {
        let text = read(&doc);
        let home = root.join(Path::new(&doc).parent().unwrap());
        for span in spans(&text) {
            let path = span.split(' ').next().unwrap();
            let relative = (path.starts_with("src/") || path.starts_with("examples/"))
                && doc.starts_with("crates/");
            if !(TOP.iter().any(|t| path.starts_with(t)) || relative)
                || path.contains(['*', '<', '{', '|'])
            {
                continue;
            }
            let path = path.trim_end_matches([',', '.', ':', ')']);
            assert!(
                root.join(path).exists() || home.join(path).exists(),
                "{doc} names `{path}`, which is not in the tree"
            );
        }
        // A README that describes its crate's build script: the crate has one.
        if doc.starts_with("crates/") && text.contains("build script") {
            let mentions_none = text.contains("no build script");
            assert!(
                mentions_none || home.join("build.rs").is_file(),
                "{doc} describes a build script; {} has none",
                home.display()
            );
        }
    }
}

#[test]
fn no_doc_miscounts_the_operations() {
    let count = Operation::ALL.len();
    for doc in doc_files() {
        let text = read(&doc).to_lowercase();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        // Written when the spec had two.
        for stale in ["both operations", "the two operations"] {
            assert!(
                !text.contains(stale),
                "{doc} says \"{stale}\"; the spec has {count} operations"
            );
        }
        // A coverage line: `operations 10/10`.
        for (at, _) in text.match_indices("operations ") {
            let figure: String = text[at + 11..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '/')
                .collect();
            if let Some((_, of)) = figure.split_once('/') {
                assert_eq!(of, count.to_string(), "{doc}: \"operations {figure}\"");
            }
        }
    }
}

#[test]
fn the_readme_names_every_ci_step_and_every_xtask_command() {
    let readme = read("README.md");
    let ci = between(&readme, "`.ci/run` is what CI runs", "\n\n");
    // (what a step of .ci/run says, the word the README uses for it)
    const STEPS: [(&str, &str); 9] = [
        ("cargo fmt", "formatting"),
        ("clippy", "clippy"),
        ("generate --check", "generated-code drift"),
        ("native-tls", "native-tls"),
        ("conformance suite", "main job"),
        ("schemathesis", "schemathesis"),
        ("official Node and Python SDKs", "official"),
        ("tests (", "the tests"),
        ("cargo package", "packaging"),
    ];
    let run = read(".ci/run");
    for line in run.lines().filter(|l| l.starts_with("step \"")) {
        let (_, word) = STEPS
            .iter()
            .find(|(step, _)| line.contains(step))
            .unwrap_or_else(|| {
                panic!("a step of .ci/run this test does not know: {line}; name it in README.md")
            });
        let ci = ci.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            ci.contains(word),
            "README.md's `.ci/run` sentence lacks {word:?} ({line})"
        );
    }
    // xtask's subcommands, from its `enum Command`, in kebab case.
    let main = read("xtask/src/main.rs");
    let body = between(&main, "enum Command {", "\n}");
    let commands: Vec<String> = body
        .lines()
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(|l| {
            let name: String = l.chars().take_while(char::is_ascii_alphanumeric).collect();
            let mut kebab = String::new();
            for (i, c) in name.chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    kebab.push('-');
                }
                kebab.push(c.to_ascii_lowercase());
            }
            kebab
        })
        .collect();
    assert!(commands.contains(&"generate".to_string()), "{commands:?}");
    let layout = readme
        .lines()
        .find(|l| l.starts_with("xtask/"))
        .expect("README.md's layout has an xtask/ line");
    let manifest = read("xtask/Cargo.toml");
    let description = manifest
        .lines()
        .find(|l| l.starts_with("description"))
        .unwrap();
    for command in &commands {
        assert!(
            layout.contains(&format!("`{command}")) || layout.contains(&format!(" {command} ")),
            "README.md's layout line for xtask lacks `{command}`: {layout}"
        );
        assert!(
            description.contains(command.as_str()),
            "xtask's Cargo description lacks {command}: {description}"
        );
    }
}

#[test]
fn the_scans_find_what_they_look_for() {
    assert_eq!(
        rust_paths("see `a::b::C`, x::y and ::z, 1::2"),
        BTreeSet::from(["a::b::C".to_string(), "x::y".to_string()])
    );
    assert_eq!(
        spans("a `b\n c` d\n```\n`e`\n```\n`f`"),
        ["b c".to_string(), "f".to_string()]
    );
    assert_eq!(
        expand("r::{a, b}"),
        ["r::a".to_string(), "r::b".to_string()]
    );
    assert!(names("recorded::*", "recorded::check") && !names("recorded::*", "recorded"));
    let names = declared(&[(
        PathBuf::new(),
        "pub enum E {\n    A(u8),\n    B { x: u8 },\n}\npub use m::{F, G as H};\nfn k() {}\n"
            .to_string(),
    )]);
    for name in ["E", "A", "B", "F", "H", "k"] {
        assert!(names.contains(name), "{name}: {names:?}");
    }
    assert_eq!(
        between("x Errors are typed (`Error::A`, `B`) y", "Errors", ")"),
        "Errors are typed (`Error::A`, `B`"
    );
}
