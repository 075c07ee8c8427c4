//! The crate graph, read from `cargo metadata`: between the publishable
//! crates, arrows point down only, for every kind of dependency (normal,
//! dev, build), so that each packages on its own. Unpublished test support
//! (descope-testkit) may stand above the crates whose tests it serves:
//! packaging drops a dev-dependency without a version.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// The workspace's packages as `cargo metadata --no-deps` lists them.
fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(descope_workspace_tests::workspace())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Each publishable crate and the publishable crates it depends on, any kind.
fn publishable_graph() -> BTreeMap<String, BTreeSet<String>> {
    let metadata = metadata();
    // `publish = false` reads as an empty list of registries.
    let packages: Vec<&Value> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["publish"] != serde_json::json!([]))
        .collect();
    let members: BTreeSet<String> = packages
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    packages
        .iter()
        .map(|package| {
            let depends_on = package["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["name"].as_str().unwrap().to_string())
                .filter(|name| members.contains(name))
                .collect();
            (package["name"].as_str().unwrap().to_string(), depends_on)
        })
        .collect()
}

/// A cycle through `from`, if there is one, as the crates along it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![(from.to_string(), vec![from.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((at, path)) = stack.pop() {
        for next in graph.get(&at).into_iter().flatten() {
            if next == from {
                return Some([path.clone(), vec![next.clone()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push((next.clone(), [path.clone(), vec![next.clone()]].concat()));
            }
        }
    }
    None
}

#[test]
fn no_crate_depends_on_itself_through_others_by_any_kind_of_dependency() {
    let graph = publishable_graph();
    assert_eq!(graph.len(), 7, "{graph:?}");
    for name in graph.keys() {
        assert_eq!(cycle(&graph, name), None, "{name}");
    }
    // Nothing a service compiles for its tests depends on the suite.
    for lower in [
        "descope-spec",
        "descope-raw",
        "descope-ergonomic",
        "descope-axum",
        "fake-descope",
    ] {
        assert!(!graph[lower].contains("descope-conformance"), "{lower}");
    }
}

#[test]
fn a_cycle_is_found() {
    let graph = BTreeMap::from([
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["c".to_string()])),
        ("c".to_string(), BTreeSet::from(["a".to_string()])),
        ("d".to_string(), BTreeSet::from(["a".to_string()])),
    ]);
    assert_eq!(
        cycle(&graph, "a").map(|c| c.join(" -> ")).as_deref(),
        Some("a -> b -> c -> a")
    );
    assert_eq!(cycle(&graph, "d"), None);
}

#[test]
fn the_client_asks_tokio_only_for_what_it_uses() {
    // A library's tokio features are forced on every service that depends
    // on it: the client takes its timer and its async mutex, nothing else.
    let metadata = metadata();
    let client = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "descope-ergonomic")
        .unwrap();
    let tokio: Vec<&Value> = client["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["name"] == "tokio" && d["kind"].is_null())
        .collect();
    assert_eq!(tokio.len(), 1, "{tokio:?}");
    assert_eq!(tokio[0]["uses_default_features"], false);
    let mut features: Vec<&str> = tokio[0]["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    features.sort_unstable();
    // `rt`: the session validator re-reads stale keys in a task of its own
    // (tokio::spawn), so that no validation waits for it.
    assert_eq!(features, ["rt", "sync", "time"]);
}
