//! The default text report, short enough to read on one screen however many
//! fields change: each wire change once, with the changes that read the same
//! at several operations or pointers merged; each Rust API effect once, under
//! the type or client method it is on, naming the wire changes behind it;
//! one line or two per crate. `--verbose` prints every change on its own line
//! instead, with every item it altered.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::report::{crate_line, version_line, wire_label};
use super::rust_api::{ApiEffect, ItemChange};
use super::usage::EditKind;
use super::wire::{ChangeKind, WireEffect};
use super::{Report, Why};

/// Where lists wrap, in characters.
const WIDTH: usize = 100;

/// How far in a wrapped list continues.
const INDENT: usize = 6;

/// How many invalidated recordings are named; `--verbose` names them all.
const RECORDINGS_NAMED: usize = 6;

/// The report as the default text.
pub fn text(report: &Report) -> String {
    let mut out = vec![format!("spec-diff {} -> {}", report.old, report.new)];
    if report.changes.is_empty() {
        out.extend([String::new(), "No change.".to_string()]);
    } else {
        let lines = wire(report, &mut out);
        api(report, &lines, &mut out);
    }
    crates(report, &mut out);
    if !report.recordings.is_empty() {
        let mut files: Vec<String> = report.recordings.iter().map(|r| r.file.clone()).collect();
        let head = format!("  recordings invalidated ({}): ", files.len());
        if files.len() > RECORDINGS_NAMED {
            let more = files.len() - RECORDINGS_NAMED;
            files.truncate(RECORDINGS_NAMED);
            files.push(format!("{more} more"));
        }
        wrap(&head, &files, ",", &mut out);
    }
    out.push(String::new());
    out.push(version_line(report));
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// The count of changes, then the numbered wire lines: each holds the
/// changes of one effect at the same operations, so that a change that
/// reads the same at several operations (a shared component) is listed once
/// for all. Returns, for each line, the changes on it, as indices into the
/// report's.
fn wire(report: &Report, out: &mut Vec<String>) -> Vec<Vec<usize>> {
    out.push(format!(
        "Wire: {} change(s), {} breaking, {} compatible, {} documentation only",
        report.changes.len(),
        report.count(WireEffect::Breaking),
        report.count(WireEffect::Compatible),
        report.count(WireEffect::Documentation),
    ));
    // The same change at several operations: (effect, section, pointer,
    // detail, kind) -> the operations and the changes.
    type Same<'a> = (WireEffect, String, Option<&'a str>, &'a str, ChangeKind);
    let mut same: Vec<(Same, Vec<&str>, Vec<usize>)> = Vec::new();
    for (i, c) in report.changes.iter().enumerate() {
        let change = &c.change;
        let key = (
            change.wire,
            change.place.section(),
            change.place.pointer(),
            change.detail.as_str(),
            change.change,
        );
        match same.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, ops, indices)) => {
                push_new(ops, change.operation.as_str());
                indices.push(i);
            }
            None => same.push((key, vec![change.operation.as_str()], vec![i])),
        }
    }
    // One line per (operations, effect); on it, one entry per section and
    // kind of change, with the pointers it is at.
    type Entry<'a> = ((String, ChangeKind), Vec<&'a str>, Vec<Option<&'a str>>);
    type Line<'a> = ((Vec<&'a str>, WireEffect), Vec<Entry<'a>>, Vec<usize>);
    let mut lines: Vec<Line> = Vec::new();
    for ((effect, section, pointer, detail, kind), ops, indices) in same {
        let key = (ops, effect);
        let at = match lines.iter().position(|(k, _, _)| *k == key) {
            Some(at) => at,
            // After the other lines of the same operations, so that they
            // are named once.
            None => {
                let at = lines
                    .iter()
                    .rposition(|(k, _, _)| k.0 == key.0)
                    .map_or(lines.len(), |last| last + 1);
                lines.insert(at, (key, Vec::new(), Vec::new()));
                at
            }
        };
        let (_, entries, on_line) = &mut lines[at];
        on_line.extend(indices);
        let kind = (section, kind);
        match entries.iter_mut().find(|(k, _, _)| *k == kind) {
            Some((_, details, pointers)) => {
                push_new(details, detail);
                pointers.push(pointer);
            }
            None => entries.push((kind, vec![detail], vec![pointer])),
        }
    }
    let named = |ops: &[&str]| match ops.len() {
        n if n > 2 && n == report.operations => "every operation".to_string(),
        _ => ops.join(", "),
    };
    for (number, ((ops, effect), entries, _)) in lines.iter().enumerate() {
        // The operations head their lines; a single line goes on with them.
        let first = number == 0 || lines[number - 1].0 .0 != *ops;
        let alone = first && lines.get(number + 1).is_none_or(|next| next.0 .0 != *ops);
        if first && !alone {
            out.push(format!("  {}:", named(ops)));
        }
        let mut listed = Vec::new();
        if alone {
            listed.push(format!("{} ", named(ops)));
        }
        let mut section = None;
        for ((at, kind), details, pointers) in entries {
            // A kind whose changes all read the same shows its words; else
            // its name. The body itself goes without saying.
            let what = match details.as_slice() {
                [one] => one
                    .strip_prefix(at.as_str())
                    .unwrap_or(one)
                    .trim()
                    .to_string(),
                _ => kind_name(*kind),
            };
            let pointers: Vec<&str> = pointers
                .iter()
                .flatten()
                .copied()
                .filter(|p| *p != "body")
                .collect();
            let entry = match pointers.is_empty() {
                true => what,
                false => format!("{what} at {}", pointers.join(", ")),
            };
            listed.push(match section == Some(at) {
                true => format!("; {entry}"),
                false => format!("{}{at}: {entry}", if section.is_some() { "; " } else { "" }),
            });
            section = Some(at);
        }
        let head = format!(
            "  {:>4} {:<10} ",
            format!("[{}]", number + 1),
            wire_label(*effect)
        );
        wrap(&head, &[listed.concat()], "", out);
    }
    lines.into_iter().map(|(_, _, on_line)| on_line).collect()
}

/// The name of a kind of change, as the JSON report spells it.
fn kind_name(kind: ChangeKind) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(name)) => name,
        _ => format!("{kind:?}"),
    }
}

/// descope-raw's changed API items, one line per type or client method
/// they are on, with the numbers of the wire lines whose changes relate to
/// them.
fn api(report: &Report, lines: &[Vec<usize>], out: &mut Vec<String>) {
    let groups = groups(&report.raw_items);
    if groups.is_empty() {
        return;
    }
    out.push(String::new());
    out.push(format!(
        "descope-raw API: {} item(s) on {} type(s) or method(s) [the wire lines behind each]",
        report.raw_items.len(),
        groups.len(),
    ));
    // Each item's wire lines, found once: a large change has thousands of
    // items and changes.
    let mut lines_of: HashMap<&str, BTreeSet<usize>> = HashMap::new();
    for (number, on_line) in lines.iter().enumerate() {
        for &i in on_line {
            for item in &report.changes[i].rust {
                lines_of.entry(&item.item).or_default().insert(number + 1);
            }
        }
    }
    for (owner, items) in &groups {
        let effect = match items.iter().any(|i| i.effect == ApiEffect::Breaking) {
            true => "BREAKING",
            false => "addition",
        };
        let numbers: BTreeSet<usize> = items
            .iter()
            .filter_map(|item| lines_of.get(item.item.as_str()))
            .flatten()
            .copied()
            .collect();
        let behind = behind(&numbers);
        let head = format!("  {effect:<10} {owner} {behind}: ");
        wrap(&head, &members(owner, items), ";", out);
    }
}

/// `items` by the type or client method they are on ([`owner`]).
fn groups(items: &[ItemChange]) -> BTreeMap<String, Vec<&ItemChange>> {
    let mut groups: BTreeMap<String, Vec<&ItemChange>> = BTreeMap::new();
    for item in items {
        groups.entry(owner(&item.item)).or_default().push(item);
    }
    groups
}

/// What changed of a group's items: `changed a, b; removed c`; a type
/// added or removed as a whole, with its member count.
fn members(owner: &str, items: &[&ItemChange]) -> Vec<String> {
    let (builder, own): (Vec<&&ItemChange>, Vec<&&ItemChange>) =
        items.iter().partition(|i| i.item.contains("::builder::"));
    let whole = own.iter().find(|i| i.item == owner);
    let mut listed = Vec::new();
    match whole {
        Some(item) if item.change != "changed" => {
            listed.push(format!(
                "{} with {} member(s)",
                item.change,
                items.len() - 1
            ));
        }
        _ => {
            for change in ["changed", "removed", "added"] {
                let names: Vec<String> = own
                    .iter()
                    .filter(|i| i.change == change)
                    .map(|i| member(owner, &i.item))
                    .collect();
                if !names.is_empty() {
                    listed.push(format!("{change} {}", names.join(", ")));
                }
            }
            // The builder's setters follow the type's fields: not listed.
            if own.is_empty() && !builder.is_empty() {
                listed.push(format!("{} builder item(s)", builder.len()));
            }
        }
    }
    listed
}

/// How an item reads under its owner: `timeout` for `types::Body.timeout`,
/// `impl From<X>` for `types::Body: From<X>`, `(attributes)` for the owner
/// (whose entry is its derives and serde attributes).
fn member(owner: &str, item: &str) -> String {
    let rest = item.strip_prefix(owner).unwrap_or(item);
    if rest.is_empty() {
        "(attributes)".to_string()
    } else if let Some(name) = rest.strip_prefix('.').or(rest.strip_prefix("::")) {
        name.to_string()
    } else if let Some(bound) = rest.strip_prefix(": ") {
        format!("impl {bound}")
    } else {
        rest.to_string()
    }
}

/// The type or client method an API item is on, which the report groups
/// it under: the path up to its first type name (`types::Body` for
/// `types::Body.timeout`, `types::builder::Body::timeout` and `types::Body:
/// Default`), a method of `Client` on its own, or the module of a constant.
fn owner(item: &str) -> String {
    let (path, bound) = item.split_once(": ").unwrap_or((item, ""));
    // An impl on a type of std (`From<Body> for Option<BodyInner>`) is on
    // the generated type it names.
    if path.starts_with("types::::") {
        if let Some((_, named)) = bound.trim_end_matches('>').rsplit_once('<') {
            return format!("types::{}", named.rsplit("::").next().unwrap_or(named));
        }
    }
    let path = path.split('.').next().unwrap_or(path);
    let mut segments: Vec<&str> = path.split("::").collect();
    if segments.starts_with(&["types", "builder"]) {
        segments.remove(1);
    }
    // The builder module's impls on its parent's types (`super::Body`).
    if segments.get(1) == Some(&"super") {
        segments.remove(1);
    }
    let is_type = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().any(|c| c.is_ascii_lowercase())
    };
    match segments.iter().position(|s| is_type(s)) {
        Some(at) if segments[at] == "Client" && at + 1 < segments.len() => {
            segments[..at + 2].join("::")
        }
        Some(at) => segments[..=at].join("::"),
        None => segments[..segments.len().saturating_sub(1)].join("::"),
    }
}

/// `[1,4]`: the numbers of the wire lines holding a change whose `rust`
/// names an item of a group; `[-]` when no single change accounts for it.
fn behind(numbers: &BTreeSet<usize>) -> String {
    match numbers.is_empty() {
        true => "[-]".to_string(),
        false => {
            let numbers: Vec<String> = numbers.iter().map(usize::to_string).collect();
            format!("[{}]", numbers.join(","))
        }
    }
}

/// One line per crate, as in the verbose report, then what its reasons
/// come to, counted where the report lists them above.
fn crates(report: &Report, out: &mut Vec<String>) {
    out.push(String::new());
    out.push(match report.changes.is_empty() {
        true => "Crates:".to_string(),
        false => "Crates (--verbose: every change with its items, every reason):".to_string(),
    });
    for c in &report.crates {
        let count = |why: &Why| c.reasons.iter().filter(|r| r.why == *why).count();
        let mut parts = Vec::new();
        // descope-raw's items are listed above; the table's, here.
        if c.name == "descope-raw" && !report.raw_items.is_empty() {
            parts.push(format!("{} API item(s) above", count(&Why::Item)));
        }
        // Modules of field constants tend to change alike: one entry each.
        if c.name == "descope-spec" {
            let mut alike: Vec<(String, Vec<String>)> = Vec::new();
            for (owner, items) in groups(&report.table_items) {
                let what = members(&owner, &items).join(", ");
                match alike.iter_mut().find(|(w, _)| *w == what) {
                    Some((_, owners)) => owners.push(owner),
                    None => alike.push((what, vec![owner])),
                }
            }
            parts.extend(
                alike
                    .into_iter()
                    .map(|(what, owners)| format!("{}: {what}", braced(&owners))),
            );
        }
        let wraps = count(&Why::Wraps);
        if wraps > 0 {
            parts.push(format!("wraps {wraps} wire change(s)"));
        }
        let mut edits: Vec<(EditKind, Vec<&str>)> = Vec::new();
        for reason in &c.reasons {
            if let Why::SourceEdit(edit) = &reason.why {
                match edits.iter_mut().find(|(kind, _)| *kind == edit.kind) {
                    Some((_, names)) => push_new(names, edit.name.as_str()),
                    None => edits.push((edit.kind, vec![edit.name.as_str()])),
                }
            }
        }
        // The types built with literals are named (each needs a new field
        // filled in); the other uses are counted.
        let (literals, counted): (Vec<_>, Vec<_>) = edits
            .into_iter()
            .partition(|(kind, _)| *kind == EditKind::Literal);
        let mut uses = Vec::new();
        if !counted.is_empty() {
            let counts: Vec<String> = counted
                .iter()
                .map(|(kind, names)| format!("{} {}", kind.phrase(), names.len()))
                .collect();
            uses.push(format!("{} changed item(s)", counts.join(" and ")));
        }
        for (kind, names) in literals {
            uses.push(format!("{} {}", kind.phrase(), names.join(", ")));
        }
        if !uses.is_empty() {
            parts.push(format!("its source {}", uses.join(", ")));
        }
        if count(&Why::EmbeddedSpec) > 0 {
            parts.push("the embedded spec changes".to_string());
        }
        let served = count(&Why::ServesWire);
        if served > 0 {
            parts.push(format!("refuses more ({served} BREAKING)"));
        }
        let exposed = count(&Why::Exposes);
        if exposed > 0 {
            parts.push(format!(
                "exposes descope_spec::Operation: {exposed} breaking item(s)"
            ));
        }
        match parts.is_empty() {
            true => out.push(crate_line(c)),
            false => wrap(&format!("{}: ", crate_line(c)), &parts, ";", out),
        }
    }
}

/// Paths that differ in one segment only, as one: `a::{x, y}::c`;
/// others listed.
fn braced(paths: &[String]) -> String {
    let split: Vec<Vec<&str>> = paths.iter().map(|p| p.split("::").collect()).collect();
    let differing: Vec<usize> = (0..split[0].len())
        .filter(|&i| split.iter().any(|s| s.get(i) != split[0].get(i)))
        .collect();
    match differing.as_slice() {
        [at] if paths.len() > 1 && split.iter().all(|s| s.len() == split[0].len()) => {
            let names: Vec<&str> = split.iter().map(|s| s[*at]).collect();
            let mut merged = split[0].clone();
            let names = format!("{{{}}}", names.join(", "));
            merged[*at] = &names;
            merged.join("::")
        }
        _ => paths.join(", "),
    }
}

/// `item` at the end of `list` unless it is there already.
fn push_new<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// `head`, then `items` joined by `separator` and a space, word-wrapped
/// at [`WIDTH`] characters and continued [`INDENT`] spaces in.
fn wrap(head: &str, items: &[String], separator: &str, out: &mut Vec<String>) {
    let text = items.join(&format!("{separator} "));
    let mut line = head.to_string();
    // Whether the line holds nothing but the head or the indent yet.
    let mut fresh = true;
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        let width = line.chars().count() + usize::from(!fresh) + word.chars().count();
        if !fresh && width > WIDTH {
            out.push(std::mem::replace(&mut line, " ".repeat(INDENT)));
            fresh = true;
        }
        if !fresh {
            line.push(' ');
        }
        line.push_str(word);
        fresh = false;
    }
    out.push(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_grouped_by_the_type_or_method_they_are_on() {
        for (item, group) in [
            ("types::Body.timeout", "types::Body"),
            ("types::Body", "types::Body"),
            ("types::builder::Body::timeout", "types::Body"),
            ("types::Body: ::std::convert::From<&Body>", "types::Body"),
            (
                "types::builder::super::Body: ::std::convert::TryFrom<Body>",
                "types::Body",
            ),
            (
                "types::::std::option::Option<BodyInner>: ::std::convert::From<Body>",
                "types::Body",
            ),
            ("types::Kind::Sms", "types::Kind"),
            ("Client::update_phone", "Client::update_phone"),
            ("builder::UpdatePhone::body", "builder::UpdatePhone"),
            ("Operation::ALL", "Operation"),
            (
                "fields::update_phone::request::LOCALE",
                "fields::update_phone::request",
            ),
        ] {
            assert_eq!(owner(item), group, "{item}");
        }
        assert_eq!(member("types::Body", "types::Body.timeout"), "timeout");
        let paths = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            braced(&paths(&["fields::a::response", "fields::b::response"])),
            "fields::{a, b}::response"
        );
        assert_eq!(
            braced(&paths(&["fields::a::response"])),
            "fields::a::response"
        );
        assert_eq!(
            braced(&paths(&["fields::a::request", "fields::b::response"])),
            "fields::a::request, fields::b::response"
        );
        assert_eq!(
            member("types::Body", "types::Body: Default"),
            "impl Default"
        );
    }

    #[test]
    fn lists_wrap_at_the_width() {
        let mut out = Vec::new();
        let items: Vec<String> = (0..30).map(|i| format!("/field{i}")).collect();
        wrap("  head: ", &items, ",", &mut out);
        assert!(out.len() > 1);
        assert!(out.iter().all(|line| line.chars().count() <= WIDTH));
        assert!(out[0].starts_with("  head: /field0, /field1,"));
        assert!(out[1].starts_with("      /field"));
        assert_eq!(out.join(" ").matches("/field").count(), 30);
    }
}
