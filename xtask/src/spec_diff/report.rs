//! The spec-diff report as text, JSON or Markdown. The JSON shape is
//! documented in `docs/spec-diff.md` and is the [`Report`] serialised. The
//! text here is the verbose one; the default, grouped one is [`screen`]'s.

use std::fmt::Write as _;

use super::screen;
use super::wire::WireEffect;
use super::{CrateEffect, Report};

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For a terminal.
    Text,
    /// For tools: the report as one JSON document.
    Json,
    /// For a pull request or a release note.
    Markdown,
}

/// The report in `format`; `verbose` text lists every change on its own
/// line with each item it alters, and every reason of every crate.
pub fn render(report: &Report, format: Format, verbose: bool) -> String {
    match format {
        Format::Json => {
            let mut json = serde_json::to_string_pretty(report).expect("the report serialises");
            json.push('\n');
            json
        }
        Format::Text if verbose => text(report),
        Format::Text => screen::text(report),
        Format::Markdown => markdown(report),
    }
}

/// How a wire effect is shown.
pub(super) fn wire_label(effect: WireEffect) -> &'static str {
    match effect {
        WireEffect::Breaking => "BREAKING",
        WireEffect::Compatible => "compatible",
        WireEffect::Documentation => "docs",
    }
}

fn text(report: &Report) -> String {
    let mut out = String::new();
    let w = &mut out;
    writeln!(w, "spec-diff {} -> {}", report.old, report.new).unwrap();
    if report.changes.is_empty() {
        writeln!(w, "\nNo change.").unwrap();
    } else {
        writeln!(w, "\nChanges (wire effect, operation, where, what):").unwrap();
        for c in &report.changes {
            let change = &c.change;
            writeln!(
                w,
                "  {:<10} {} {}: {}",
                wire_label(change.wire),
                change.operation,
                change.place,
                change.detail
            )
            .unwrap();
            for item in &c.rust {
                writeln!(
                    w,
                    "  {:<10}   descope-raw {} {} ({:?})",
                    "", item.item, item.change, item.effect
                )
                .unwrap();
            }
        }
    }
    writeln!(w, "\nCrates:").unwrap();
    for c in &report.crates {
        writeln!(w, "{}", crate_line(c)).unwrap();
        for reason in &c.reasons {
            writeln!(w, "      {}", reason.line).unwrap();
        }
    }
    if !report.recordings.is_empty() {
        writeln!(w, "\nRecordings the new spec invalidates:").unwrap();
        for r in &report.recordings {
            writeln!(w, "  {}", r.file).unwrap();
            for p in &r.problems {
                writeln!(w, "      {p}").unwrap();
            }
        }
    }
    writeln!(w, "\n{}", version_line(report)).unwrap();
    out
}

/// A crate's line: its API, source and behaviour effects and its bump.
pub(super) fn crate_line(c: &CrateEffect) -> String {
    format!(
        "  {:<18} api {}{}{}  bump {:?}",
        c.name,
        if c.api_breaking {
            "BREAKING"
        } else if c.api_additions {
            "additions"
        } else {
            "unchanged"
        },
        if c.source_needs_edits {
            ", source needs edits"
        } else {
            ""
        },
        if c.behaviour_breaking {
            ", behaviour BREAKING"
        } else {
            ""
        },
        c.bump
    )
}

fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let w = &mut out;
    writeln!(w, "## Spec changes: `{}` -> `{}`\n", report.old, report.new).unwrap();
    if report.changes.is_empty() {
        writeln!(w, "No change.\n").unwrap();
    } else {
        writeln!(w, "| wire | operation | where | what | descope-raw API |").unwrap();
        writeln!(w, "|---|---|---|---|---|").unwrap();
        for c in &report.changes {
            let items: Vec<String> = c
                .rust
                .iter()
                .map(|i| format!("`{}` {} ({:?})", i.item, i.change, i.effect))
                .collect();
            writeln!(
                w,
                "| {} | `{}` | {} | {} | {} |",
                wire_label(c.change.wire),
                c.change.operation,
                c.change.place,
                c.change.detail.replace('|', "\\|"),
                items.join("<br>")
            )
            .unwrap();
        }
        writeln!(w).unwrap();
    }
    writeln!(
        w,
        "| crate | public API | source needs edits | behaviour | bump |"
    )
    .unwrap();
    writeln!(w, "|---|---|---|---|---|").unwrap();
    for c in &report.crates {
        let api = if c.api_breaking {
            "**breaking**"
        } else if c.api_additions {
            "additions"
        } else {
            "unchanged"
        };
        writeln!(
            w,
            "| `{}` | {api} | {} | {} | {:?} |",
            c.name,
            if c.source_needs_edits { "yes" } else { "no" },
            if c.behaviour_breaking {
                "**breaking**"
            } else {
                "unchanged"
            },
            c.bump
        )
        .unwrap();
    }
    if !report.recordings.is_empty() {
        writeln!(w, "\nRecordings the new spec invalidates:\n").unwrap();
        for r in &report.recordings {
            writeln!(w, "- `{}`: {}", r.file, r.problems.join("; ")).unwrap();
        }
    }
    writeln!(w, "\n{}", version_line(report)).unwrap();
    out
}

/// The version the change needs, in one sentence.
pub(super) fn version_line(report: &Report) -> String {
    let v = &report.version;
    match (&v.base, &v.required) {
        (Some(base), Some(required)) if base == required => {
            format!("Version: {base} needs no bump.")
        }
        (Some(base), Some(required)) => format!(
            "Version: {base} -> at least {required} ({:?} bump under Cargo's rules).",
            v.bump
        ),
        _ => format!(
            "Version: a {:?} bump (the base version is unknown).",
            v.bump
        ),
    }
}

/// The paragraph for a spec that did not change since `old`.
pub fn unchanged(old: &str) -> String {
    format!("Against {old}: no change to the spec.")
}

/// One paragraph: what `cargo xtask generate` prints after generating.
pub fn paragraph(report: &Report) -> String {
    let (breaking, compatible, docs) = (
        report.count(WireEffect::Breaking),
        report.count(WireEffect::Compatible),
        report.count(WireEffect::Documentation),
    );
    if report.changes.is_empty() {
        return unchanged(&report.old);
    }
    let crates: Vec<String> = report
        .crates
        .iter()
        .filter(|c| c.bump != super::version::Bump::None)
        .map(|c| {
            let mut what = Vec::new();
            if c.api_breaking {
                what.push("API breaking");
            } else if c.api_additions {
                what.push("API additions");
            }
            if c.source_needs_edits {
                what.push("source needs edits");
            }
            if c.behaviour_breaking {
                what.push("behaviour breaking");
            }
            if what.is_empty() {
                what.push("content changed");
            }
            format!("{} ({})", c.name, what.join(", "))
        })
        .collect();
    format!(
        "Against {}: {breaking} change(s) break callers on the wire, {compatible} are compatible, \
         {docs} touch documentation only. Rust: {}. {} {}Details: `cargo xtask spec-diff`.",
        report.old,
        if crates.is_empty() {
            "no crate affected".to_string()
        } else {
            crates.join("; ")
        },
        version_line(report),
        if report.recordings.is_empty() {
            String::new()
        } else {
            format!("{} recording(s) no longer hold. ", report.recordings.len())
        },
    )
}
