//! The results of a run and their renderings: a table for people, JSON and
//! JUnit XML for CI.

use std::fmt::Write as _;

use serde::Serialize;

use descope_spec::recorded::ClientKind;

/// What a result checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// Reading a recording or the spec.
    Load,
    /// The recording against the spec.
    Spec,
    /// A replay against a client on the mock server.
    Replay,
    /// The recorded request against a server given by base URL.
    Server,
    /// Coverage of the spec by all recordings.
    Coverage,
    /// Recording a new exchange from a live server.
    Record,
    /// A request that breaks the spec, sent to a server given by base URL.
    Probe,
}

impl CheckKind {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Load => "load",
            CheckKind::Spec => "spec",
            CheckKind::Replay => "replay",
            CheckKind::Server => "server",
            CheckKind::Coverage => "coverage",
            CheckKind::Record => "record",
            CheckKind::Probe => "probe",
        }
    }
}

/// One check of one exchange (or of the whole set, for coverage).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// The exchange file, the spec file for spec load errors, `*` for coverage.
    pub exchange: String,
    /// What was checked.
    pub check: CheckKind,
    /// The client, for replays.
    pub client: Option<ClientKind>,
    /// Every problem found; none means the check passed.
    pub problems: Vec<String>,
}

impl CheckResult {
    /// Whether the check found nothing wrong.
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The output formats of the runner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// One row per check, then the summary line.
    #[default]
    Table,
    /// A JSON document, for CI.
    Json,
    /// JUnit XML, for CI test reports.
    Junit,
}

impl std::str::FromStr for Format {
    type Err = String;

    /// `table`, `json` or `junit`.
    fn from_str(name: &str) -> Result<Format, String> {
        match name {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "junit" => Ok(Format::Junit),
            other => Err(format!("unknown format `{other}`: table, json or junit")),
        }
    }
}

/// How many of the things the spec declares a run covered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// How many were covered.
    pub covered: usize,
    /// How many the spec declares.
    pub declared: usize,
}

impl std::fmt::Display for Tally {
    /// `covered/declared`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.covered, self.declared)
    }
}

/// The spec's coverage by a run: by the recordings it read (operations,
/// response statuses or ranges, request fields) and by the probes it sent
/// (request-body constraints; none unless it probed a server).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Operations some exchange calls.
    pub operations: Tally,
    /// Declared response keys (`200`, `4XX`, ...) some exchange answers with.
    pub response_statuses: Tally,
    /// Request body fields some recorded request sends.
    pub request_fields: Tally,
    /// Request body constraints a probe was sent for.
    pub constraints_probed: Tally,
}

impl Coverage {
    /// The figures by name, in report order.
    pub fn figures(&self) -> [(&'static str, Tally); 4] {
        [
            ("operations", self.operations),
            ("response statuses", self.response_statuses),
            ("request fields", self.request_fields),
            ("constraints probed", self.constraints_probed),
        ]
    }

    /// `coverage: operations 2/2, response statuses 8/8, ...`.
    pub fn line(&self) -> String {
        let figures: Vec<String> = self
            .figures()
            .iter()
            .map(|(name, tally)| format!("{name} {tally}"))
            .collect();
        format!("coverage: {}", figures.join(", "))
    }
}

/// Every result of a run, in run order, and the spec's coverage by it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The results.
    pub results: Vec<CheckResult>,
    /// The coverage figures; `None` when the run stopped before reading the
    /// spec and recordings.
    pub coverage: Option<Coverage>,
}

impl Report {
    /// How many checks passed.
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed()).count()
    }

    /// How many checks failed.
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }

    /// `N passed, N failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed(), self.failed())
    }

    /// Every problem of every failed check, one per line.
    pub fn problems(&self) -> Vec<&str> {
        self.results
            .iter()
            .flat_map(|r| r.problems.iter().map(String::as_str))
            .collect()
    }

    /// The report in `format`. The table ends with the summary line; the
    /// machine formats carry the counts inside.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Table => self.table(),
            Format::Json => self.json(),
            Format::Junit => self.junit(),
        }
    }

    fn table(&self) -> String {
        let mut rows = vec![[
            "EXCHANGE".to_string(),
            "CHECK".into(),
            "CLIENT".into(),
            "RESULT".into(),
            "MESSAGE".into(),
        ]];
        for result in &self.results {
            let client = result.client.map_or("-", ClientKind::name).to_string();
            let verdict = if result.passed() { "pass" } else { "FAIL" };
            // The exchange column already names the file.
            let prefix = format!("{}: ", result.exchange);
            let mut messages = result
                .problems
                .iter()
                .map(|p| p.strip_prefix(&prefix).unwrap_or(p).to_string());
            rows.push([
                result.exchange.clone(),
                result.check.name().into(),
                client,
                verdict.into(),
                messages.next().unwrap_or_default(),
            ]);
            for more in messages {
                rows.push([
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    more,
                ]);
            }
        }
        let mut widths = [0; 4];
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for row in &rows {
            let mut line = String::new();
            for (cell, width) in row.iter().zip(widths) {
                let _ = write!(line, "{cell:<width$}  ");
            }
            line.push_str(&row[4]);
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if let Some(coverage) = &self.coverage {
            out.push_str(&coverage.line());
            out.push('\n');
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    fn json(&self) -> String {
        #[derive(Serialize)]
        struct Row<'a> {
            exchange: &'a str,
            check: CheckKind,
            client: Option<ClientKind>,
            result: &'static str,
            problems: &'a [String],
        }
        #[derive(Serialize)]
        struct Document<'a> {
            passed: usize,
            failed: usize,
            coverage: Option<Coverage>,
            results: Vec<Row<'a>>,
        }
        let document = Document {
            passed: self.passed(),
            failed: self.failed(),
            coverage: self.coverage,
            results: self
                .results
                .iter()
                .map(|r| Row {
                    exchange: &r.exchange,
                    check: r.check,
                    client: r.client,
                    result: if r.passed() { "pass" } else { "fail" },
                    problems: &r.problems,
                })
                .collect(),
        };
        let mut out = serde_json::to_string_pretty(&document).unwrap_or_default();
        out.push('\n');
        out
    }

    fn junit(&self) -> String {
        let (tests, failures) = (self.results.len(), self.failed());
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"descope-conformance\" tests=\"{tests}\" failures=\"{failures}\">"
        );
        let _ = writeln!(
            out,
            "  <testsuite name=\"descope-conformance\" tests=\"{tests}\" failures=\"{failures}\">"
        );
        if let Some(coverage) = &self.coverage {
            out.push_str("    <properties>\n");
            for (name, tally) in coverage.figures() {
                let _ = writeln!(
                    out,
                    "      <property name=\"coverage.{}\" value=\"{tally}\"/>",
                    name.replace(' ', "_")
                );
            }
            out.push_str("    </properties>\n");
        }
        for result in &self.results {
            let class = match result.client {
                Some(client) => format!("{}.{}", result.check.name(), client),
                None => result.check.name().to_string(),
            };
            let open = format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml(&class),
                xml(&result.exchange)
            );
            match result.problems.first() {
                None => {
                    let _ = writeln!(out, "{open}/>");
                }
                Some(first) => {
                    let _ = writeln!(out, "{open}>");
                    let _ = writeln!(
                        out,
                        "      <failure message=\"{}\">{}</failure>",
                        xml(first),
                        xml(&result.problems.join("\n"))
                    );
                    let _ = writeln!(out, "    </testcase>");
                }
            }
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }
}

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            results: vec![
                CheckResult {
                    exchange: "a.yaml".into(),
                    check: CheckKind::Spec,
                    client: None,
                    problems: vec![],
                },
                CheckResult {
                    exchange: "b.yaml".into(),
                    check: CheckKind::Replay,
                    client: Some(ClientKind::Raw),
                    problems: vec!["b.yaml: one <thing>".into(), "b.yaml: two".into()],
                },
            ],
            coverage: Some(Coverage {
                operations: Tally {
                    covered: 2,
                    declared: 2,
                },
                constraints_probed: Tally {
                    covered: 0,
                    declared: 34,
                },
                ..Coverage::default()
            }),
        }
    }

    #[test]
    fn table_ends_with_the_summary_line() {
        let table = report().render(Format::Table);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.last(), Some(&"1 passed, 1 failed"));
        assert_eq!(
            lines[lines.len() - 2],
            "coverage: operations 2/2, response statuses 0/0, request fields 0/0, \
             constraints probed 0/34"
        );
        assert!(lines[2].starts_with("b.yaml") && lines[2].ends_with("FAIL    one <thing>"));
        assert!(lines[3].trim_start().starts_with("two"));
    }

    #[test]
    fn machine_formats_carry_counts_and_escape() {
        let json: serde_json::Value = serde_json::from_str(&report().render(Format::Json)).unwrap();
        assert_eq!(json["failed"], 1);
        assert_eq!(json["results"][1]["client"], "raw");
        let junit = report().render(Format::Junit);
        assert!(junit.contains("tests=\"2\" failures=\"1\""));
        assert!(junit.contains("classname=\"replay.raw\" name=\"b.yaml\""));
        assert!(junit.contains("one &lt;thing&gt;"));
        assert!(junit.contains("<property name=\"coverage.constraints_probed\" value=\"0/34\"/>"));
        assert_eq!(json["coverage"]["operations"]["covered"], 2);
    }
}
