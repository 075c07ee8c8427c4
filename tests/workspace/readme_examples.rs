//! The README examples a service copies name only the crates their README
//! tells it to depend on: a service that follows a README alone builds.
//! (Each example also compiles as a doctest of the crate whose README it is,
//! the root README's as one of descope-axum's.)

use std::collections::BTreeSet;

use descope_workspace_tests::workspace;

/// The READMEs whose examples services copy.
const READMES: [&str; 4] = [
    "README.md",
    "crates/descope-ergonomic/README.md",
    "crates/descope-axum/README.md",
    "crates/fake-descope/README.md",
];

/// Paths every Rust program can name without a dependency.
const BUILT_IN: [&str; 6] = ["std", "core", "alloc", "crate", "self", "super"];

/// The fenced blocks of `text` whose info string starts with `lang`.
fn blocks<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("```") {
        let after = &rest[start + 3..];
        let Some(line_end) = after.find('\n') else {
            break;
        };
        let info = after[..line_end].trim();
        let body = &after[line_end + 1..];
        let Some(end) = body.find("```") else { break };
        if info.starts_with(lang) {
            found.push(&body[..end]);
        }
        rest = &body[end + 3..];
    }
    found
}

/// The crates a README's TOML blocks list as dependencies, as Rust names.
fn listed(text: &str) -> BTreeSet<String> {
    blocks(text, "toml")
        .into_iter()
        .flat_map(str::lines)
        .filter(|line| !line.starts_with('[') && !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(name, _)| name.trim().replace('-', "_"))
        .filter(|name| !name.is_empty())
        .collect()
}

/// The roots of the paths a Rust block names (`x` of `x::y`, not of `a::x::y`).
fn roots(code: &str) -> BTreeSet<String> {
    let bytes = code.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("::") {
        let start = (0..at).rev().take_while(|&i| ident(bytes[i])).last();
        let Some(start) = start else { continue };
        let name = &code[start..at];
        let after_path = start >= 2 && &code[start - 2..start] == "::";
        let lowercase = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_');
        if !after_path && lowercase {
            found.insert(name.to_string());
        }
    }
    found
}

#[test]
fn readme_examples_name_only_the_crates_their_readme_lists() {
    let root = workspace();
    for readme in READMES {
        let text = std::fs::read_to_string(root.join(readme)).unwrap();
        let listed = listed(&text);
        assert!(!listed.is_empty(), "{readme} lists no dependencies");
        for code in blocks(&text, "rust") {
            for name in roots(code) {
                assert!(
                    BUILT_IN.contains(&name.as_str()) || listed.contains(&name),
                    "{readme}: an example names `{name}`, which its dependencies ({listed:?}) \
                     do not list"
                );
            }
        }
    }
}

#[test]
fn the_checks_find_what_they_look_for() {
    let readme = "```toml\n[dependencies]\nfake-descope = { path = \"x\" }\n# comment = 1\n```\n\
                  ```rust,no_run\nuse descope_spec::Operation;\nlet d = std::time::Duration::ZERO;\n\
                  fake_descope::FakeDescope::start();\n```\n";
    assert_eq!(listed(readme), BTreeSet::from(["fake_descope".to_string()]));
    let code = blocks(readme, "rust")[0];
    assert_eq!(
        roots(code),
        BTreeSet::from(["descope_spec", "fake_descope", "std"].map(String::from))
    );
}
