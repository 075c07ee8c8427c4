//! `cargo xtask upstream <PUBLISHED_SPEC>`: our operations against Descope's
//! published OpenAPI document. Every difference of structure is one of:
//! (a) a recorded deviation that still applies, (b) a recorded deviation
//! upstream no longer needs (it now agrees with us, or the deviation's target
//! is gone), (c) an upstream change we have not recorded. Prose is ours and
//! is compared by count only.
//!
//! The published document is never committed nor fetched: the maintainer
//! downloads it and passes its path.

mod adopt;
mod deviations;
mod structure;

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use serde::Serialize;
use serde_json::Value;

use self::deviations::Effect;
use self::structure::Difference;

/// How to print the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// One of our operations against the published document.
#[derive(Debug, Serialize)]
pub struct OperationReport {
    pub operation: String,
    /// Where it is in the published document, if it is there.
    pub published_at: Option<String>,
    /// (a): the recorded deviations that change this operation.
    pub deviations_applied: Vec<usize>,
    /// (c): where the published structure, deviations applied, still
    /// differs from ours.
    pub not_recorded: Vec<Difference>,
    pub prose_published: usize,
    pub prose_ours: usize,
}

/// The whole comparison.
#[derive(Debug, Serialize)]
pub struct Report {
    pub published_operations: usize,
    pub published_schemas: usize,
    pub operations: Vec<OperationReport>,
    /// Every recorded deviation and what it does; (b) are those that change nothing.
    pub deviations: Vec<Effect>,
    /// The published document's defects, each with its JSON pointer: ours
    /// to know about, not to fix, so they leave the exit status alone.
    pub defects: Vec<crate::defects::Defect>,
}

impl Report {
    /// The (b) deviations: upstream no longer needs them.
    pub fn no_longer_needed(&self) -> impl Iterator<Item = &Effect> {
        self.deviations.iter().filter(|d| !d.applies())
    }

    /// Whether there is nothing to do: no (b) and no (c).
    pub fn clean(&self) -> bool {
        self.no_longer_needed().next().is_none()
            && self.operations.iter().all(|op| op.not_recorded.is_empty())
    }
}

/// Runs the command; an unusable input is an `Err` (exit 2 in `main`).
pub fn run(root: &Path, published: &Path, format: Format) -> Result<ExitCode> {
    let published = load_document(published)?;
    let ours = load_document(&root.join(crate::workspace::SPEC))?;
    let overlay = deviations::load(&root.join(deviations::FILE))?;
    let report = compare(&published, &ours, &overlay)?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => print!("{}", render(&report)),
    }
    Ok(if report.clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `--adopt`: brings each operation `ids` names into the spec at `root`,
/// deviations applied, and checks that its structure is then the published
/// one's.
pub fn adopt_operations(root: &Path, published: &Path, ids: &[String]) -> Result<ExitCode> {
    let published = load_document(published)?;
    let overlay = deviations::load(&root.join(deviations::FILE))?;
    let spec_path = root.join(crate::workspace::SPEC);
    for id in ids {
        let text = std::fs::read_to_string(&spec_path)
            .with_context(|| format!("cannot read {}", spec_path.display()))?;
        let ours = load_document(&spec_path)?;
        let slice = deviations::slice(&published, &[id.as_str()]);
        let (patched, _) = deviations::apply_each(&overlay, &slice, &[id.as_str()])?;
        let adopted = adopt::adopt(&text, &ours, &patched, id)?;
        let now: Value = serde_norway::from_str(&adopted)
            .with_context(|| format!("adopting {id} gave a spec that does not parse"))?;
        let theirs = structure::operation(&patched, id).expect("adopted from it");
        let mine = structure::operation(&now, id).expect("just adopted");
        let (theirs, mine) = (
            structure::of(&patched, &theirs).map_err(anyhow::Error::msg)?,
            structure::of(&now, &mine).map_err(anyhow::Error::msg)?,
        );
        if theirs != mine {
            bail!(
                "adopting {id} would not keep its structure: {:?}",
                structure::differences(&theirs, &mine)
            );
        }
        std::fs::write(&spec_path, adopted)
            .with_context(|| format!("cannot write {}", spec_path.display()))?;
        println!(
            "adopted {id} into {}: describe what is marked `{}`, record its exchanges, then run `cargo xtask generate`",
            crate::workspace::SPEC,
            adopt::TO_DESCRIBE
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A YAML or JSON OpenAPI 3.0 document as a JSON tree.
pub fn load_document(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let document: Value = serde_norway::from_str(&text)
        .with_context(|| format!("{}: neither YAML nor JSON", path.display()))?;
    match document.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0.") => Ok(document),
        Some(version) => bail!("{}: OpenAPI {version}; only 3.0.x is read", path.display()),
        None => bail!(
            "{}: not an OpenAPI document (no `openapi` field)",
            path.display()
        ),
    }
}

/// Compares our operations (`ours`) with the published document.
pub fn compare(
    published: &Value,
    ours: &Value,
    overlay: &roas_overlay::v1_0::Overlay,
) -> Result<Report> {
    let ids: Vec<&str> = structure::operations(ours)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let slice = deviations::slice(published, &ids);
    let (patched, effects) = deviations::apply_each(overlay, &slice, &ids)?;
    let mut operations = Vec::new();
    for id in &ids {
        let mine = structure::operation(ours, id).expect("listed from this document");
        let our_structure =
            structure::of(ours, &mine).map_err(|e| anyhow::anyhow!("our spec, {id}: {e}"))?;
        let upstream = structure::operation(published, id);
        let not_recorded = match structure::operation(&patched, id) {
            Some(theirs) => {
                let theirs = structure::of(&patched, &theirs)
                    .map_err(|e| anyhow::anyhow!("the published document, {id}: {e}"))?;
                structure::differences(&theirs, &our_structure)
            }
            None => vec![Difference {
                at: String::new(),
                published: None,
                ours: Some(our_structure),
            }],
        };
        operations.push(OperationReport {
            operation: id.to_string(),
            published_at: upstream
                .as_ref()
                .map(|op| format!("{} {}", op.method.to_uppercase(), op.path)),
            deviations_applied: effects
                .iter()
                .filter(|e| e.changes.iter().any(|c| c == id))
                .map(|e| e.number)
                .collect(),
            not_recorded,
            prose_published: upstream
                .as_ref()
                .map_or(0, |op| structure::reached_prose(published, op)),
            prose_ours: structure::reached_prose(ours, &mine),
        });
    }
    Ok(Report {
        published_operations: structure::operations(published).len(),
        published_schemas: published
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map_or(0, |s| s.len()),
        operations,
        deviations: effects,
        defects: crate::defects::find(published),
    })
}

/// The report as text: one block per operation, then the deviations
/// upstream no longer needs, then the verdict.
pub fn render(report: &Report) -> String {
    let mut out = format!(
        "published document: {} operations, {} component schemas\n",
        report.published_operations, report.published_schemas
    );
    for op in &report.operations {
        out.push_str(&format!(
            "\n{} ({})\n",
            op.operation,
            op.published_at
                .as_deref()
                .unwrap_or("not in the published document")
        ));
        out.push_str(&format!(
            "  (a) recorded deviations that still apply: {}\n",
            numbers(&op.deviations_applied)
        ));
        out.push_str(&format!(
            "  (c) upstream differences not recorded: {}\n",
            op.not_recorded.len()
        ));
        for difference in &op.not_recorded {
            out.push_str(&format!("      {}\n", describe(difference)));
        }
        out.push_str(&format!(
            "  prose (counted, never compared): {} fields published, {} ours\n",
            op.prose_published, op.prose_ours
        ));
    }
    if !report.defects.is_empty() {
        out.push_str(&format!(
            "\ndefects of the published document, {}\n",
            crate::defects::list(&report.defects)
        ));
    }
    let stale: Vec<&Effect> = report.no_longer_needed().collect();
    out.push_str(&format!(
        "\n(b) recorded deviations upstream no longer needs: {}\n",
        stale.len()
    ));
    for effect in stale {
        let why = if effect.matched == 0 {
            "its target selects nothing"
        } else {
            "it changes nothing"
        };
        out.push_str(&format!(
            "      #{} {} ({why}): {}\n",
            effect.number, effect.target, effect.reason
        ));
    }
    let (a, b, c) = (
        report.deviations.iter().filter(|d| d.applies()).count(),
        report.no_longer_needed().count(),
        report
            .operations
            .iter()
            .map(|o| o.not_recorded.len())
            .sum::<usize>(),
    );
    out.push_str(&format!(
        "\n{a} deviation(s) still apply, {b} no longer needed, {c} upstream change(s) not recorded: {}\n",
        if report.clean() {
            "nothing to do"
        } else {
            "remove (b), adopt or record (c)"
        }
    ));
    out
}

fn numbers(list: &[usize]) -> String {
    if list.is_empty() {
        return "none".to_string();
    }
    let shown: Vec<String> = list.iter().map(|n| format!("#{n}")).collect();
    format!("{} ({})", list.len(), shown.join(" "))
}

/// One difference on a line, values cut short.
fn describe(difference: &Difference) -> String {
    let show = |value: &Option<Value>| match value {
        None => "absent".to_string(),
        Some(value) => {
            let text = value.to_string();
            match text.char_indices().nth(60) {
                Some((cut, _)) => format!("{}...", &text[..cut]),
                None => text,
            }
        }
    };
    let at = if difference.at.is_empty() {
        "the operation"
    } else {
        &difference.at
    };
    format!(
        "{at}: published {}, ours {}",
        show(&difference.published),
        show(&difference.ours)
    )
}
