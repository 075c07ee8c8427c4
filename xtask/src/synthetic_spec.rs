//! A made-up OpenAPI 3.0.3 document of any number of operations, shaped like
//! a provider's whole published API rather than our slice of it: management
//! and auth operations grouped by resource, each with a request schema of
//! nested objects, enums and arrays, a response schema of its own or a
//! shared one, shared component schemas, error responses and security. At
//! 460 operations its client is about the size of Descope's whole API's.
//!
//! It exists to measure the workflow at scale (`cargo xtask bench`) and to
//! test that `generate` stays fast and right on a large spec; every name and
//! word in it is invented here.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::workspace;

/// The resources operations are grouped by, each with a shared schema.
const RESOURCES: [&str; 20] = [
    "user",
    "tenant",
    "role",
    "permission",
    "accessKey",
    "group",
    "sso",
    "project",
    "flow",
    "theme",
    "audit",
    "webhook",
    "connector",
    "session",
    "device",
    "invite",
    "policy",
    "scope",
    "secret",
    "domain",
];

/// What an operation does to its resource.
const ACTIONS: [&str; 8] = [
    "create", "update", "patch", "load", "search", "delete", "import", "export",
];

/// The request field that [`renamed_field`] renames, in the first request
/// schema only.
const EDITED_FIELD: &str = "displayName";

/// The document with `operations` operations, as YAML.
pub fn document(operations: usize) -> String {
    let ops: Vec<Op> = (0..operations).map(Op::new).collect();
    let mut out = String::new();
    header(&mut out);
    out.push_str("paths:\n");
    for op in &ops {
        path_item(&mut out, op);
    }
    components(&mut out, &ops);
    out
}

/// `document` with one request field of one operation renamed: a change
/// that breaks on the wire and in the Rust API, and reaches one schema.
pub fn renamed_field(document: &str) -> String {
    document.replacen(
        &format!("        {EDITED_FIELD}:\n"),
        "        shownName:\n",
        1,
    )
}

/// Makes `dir` a workspace root for `generate --root`: the document of
/// `operations` operations as its spec, an empty `spec/recorded/`, a
/// manifest with a version, and the directories the generated files go to.
pub fn write_workspace(dir: &Path, operations: usize) -> Result<()> {
    let generated = [workspace::GENERATED, workspace::TABLE]
        .map(|file| dir.join(file).parent().map(Path::to_path_buf));
    for sub in generated
        .into_iter()
        .flatten()
        .chain([dir.join(workspace::RECORDED)])
    {
        std::fs::create_dir_all(&sub)
            .with_context(|| format!("cannot create {}", sub.display()))?;
    }
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"0.1.0\"\n",
    )?;
    std::fs::write(dir.join(workspace::SPEC), document(operations))?;
    Ok(())
}

/// Commits everything in `dir` to a git repository there (made if need
/// be), as a maintainer's checkout is before they edit the spec.
pub fn commit(dir: &Path) -> Result<()> {
    let git = |args: &[&str]| -> Result<()> {
        let output = Command::new("git")
            .args(["-c", "user.name=xtask", "-c", "user.email=xtask@localhost"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(dir)
            .output()
            .context("cannot run git")?;
        if !output.status.success() {
            bail!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(())
    };
    git(&["init", "-q"])?;
    git(&["add", "-A"])?;
    git(&["commit", "-q", "--allow-empty", "-m", "synthetic spec"])
}

/// One operation's names.
struct Op {
    id: String,
    path: String,
    resource: &'static str,
    /// Management operations take the management key; the others, the
    /// project id alone.
    management: bool,
    /// Whether it answers with a schema of its own or its resource's.
    own_response: bool,
    /// Whether its request's settings object is a type of its own.
    own_settings: bool,
}

impl Op {
    fn new(index: usize) -> Op {
        let resource = RESOURCES[index % RESOURCES.len()];
        let action = ACTIONS[(index / RESOURCES.len()) % ACTIONS.len()];
        // A round is one pass over every resource and action; later rounds
        // get a version of their own, as an API that grows does.
        let round = index / (RESOURCES.len() * ACTIONS.len());
        let management = index % 3 != 2;
        let area = if management { "mgmt" } else { "auth" };
        let version = round + 1;
        let id = format!(
            "{}{}{}V{version}",
            camel(area),
            camel(resource),
            camel(action)
        );
        Op {
            path: format!("/v{version}/{area}/{}/{action}", resource.to_lowercase()),
            id,
            resource,
            management,
            own_response: index.is_multiple_of(2),
            own_settings: !index.is_multiple_of(2),
        }
    }

    fn request(&self) -> String {
        format!("{}Request", self.id)
    }

    fn response(&self) -> String {
        if self.own_response {
            format!("{}Response", self.id)
        } else {
            format!("{}Summary", camel(self.resource))
        }
    }
}

fn camel(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn header(out: &mut String) {
    out.push_str(
        "openapi: 3.0.3
info:
  title: Synthetic identity API
  version: 2.0.0
  description: >-
    A generated document for measuring the workflow on a spec the size of a whole
    provider API. Nothing in it describes a real service.
servers:
  - url: https://identity.example.com
tags:
  - name: management
    description: Operations that need the management key.
  - name: auth
    description: Operations that a project id and a token in the body authenticate.
",
    );
}

fn path_item(out: &mut String, op: &Op) {
    let (tag, scheme) = if op.management {
        ("management", "managementKey")
    } else {
        ("auth", "projectId")
    };
    write!(
        out,
        "  {path}:
    post:
      operationId: {id}
      tags: [{tag}]
      summary: {id} on one {resource}
      description: >-
        Acts on a {resource} of the project. Generated for the scale test.
      security:
        - {scheme}: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/{request}'
      responses:
        '200':
          description: Done.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/{response}'
        4XX:
          $ref: '#/components/responses/ClientError'
        5XX:
          $ref: '#/components/responses/ServerError'
",
        path = op.path,
        id = op.id,
        resource = op.resource,
        request = op.request(),
        response = op.response(),
    )
    .unwrap();
}

fn components(out: &mut String, ops: &[Op]) {
    out.push_str(
        "components:
  securitySchemes:
    managementKey:
      type: http
      scheme: bearer
      bearerFormat: <ProjectId>:<ManagementKey>
      description: The project id and a management key.
    projectId:
      type: http
      scheme: bearer
      bearerFormat: <ProjectId>
      description: The project id alone.
  responses:
    ClientError:
      description: The request was refused.
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Failure'
    ServerError:
      description: The server failed.
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Failure'
  schemas:
    Failure:
      type: object
      required: [code]
      properties:
        code:
          type: string
          description: A stable code.
        reason:
          type: string
        detail:
          type: string
    Identifier:
      type: string
      minLength: 1
      description: How the subject is known.
    Phone:
      type: string
      pattern: ^\\+[1-9][0-9]{1,14}$
      description: E.164.
    Profile:
      type: object
      nullable: true
      additionalProperties: false
      properties:
        name:
          type: string
          nullable: true
        phone:
          $ref: '#/components/schemas/Phone'
        email:
          type: string
          format: email
          nullable: true
        picture:
          type: string
          nullable: true
    Assignment:
      type: object
      required: [tenantId]
      properties:
        tenantId:
          type: string
        roleNames:
          type: array
          items:
            type: string
    Mode:
      type: string
      enum: [strict, lenient, audit]
    Channel:
      type: string
      enum: [email, sms, voice]
    Outcome:
      type: string
      enum: [applied, queued, skipped]
    Page:
      type: object
      properties:
        offset:
          type: integer
          format: int32
          minimum: 0
        limit:
          type: integer
          format: int32
          minimum: 1
          maximum: 1000
",
    );
    out.push_str("    Settings:\n");
    out.push_str(&indented(SETTINGS, 6));
    for resource in RESOURCES {
        write!(
            out,
            "    {name}Summary:
      type: object
      required: [id]
      properties:
        id:
          type: string
        state:
          type: string
          enum: [active, disabled, pending]
        profile:
          $ref: '#/components/schemas/Profile'
        assignments:
          type: array
          items:
            $ref: '#/components/schemas/Assignment'
        createdTime:
          type: integer
          format: int64
",
            name = camel(resource),
        )
        .unwrap();
    }
    for op in ops {
        request_schema(out, op);
        if op.own_response {
            response_schema(out, op);
        }
    }
}

fn request_schema(out: &mut String, op: &Op) {
    write!(
        out,
        "    {name}:
      type: object
      additionalProperties: false
      required: [identifier]
      properties:
        identifier:
          $ref: '#/components/schemas/Identifier'
        {EDITED_FIELD}:
          type: string
          nullable: true
          description: Shown to people.
        mode:
          $ref: '#/components/schemas/Mode'
        settings:
{settings}        profile:
          $ref: '#/components/schemas/Profile'
        assignments:
          type: array
          nullable: true
          items:
            $ref: '#/components/schemas/Assignment'
",
        name = op.request(),
        settings = if op.own_settings {
            indented(SETTINGS, 10)
        } else {
            "          $ref: '#/components/schemas/Settings'\n".to_string()
        },
    )
    .unwrap();
}

/// A nested object: inline in half the requests (a type of their own each),
/// shared by the others.
const SETTINGS: &str = "type: object
nullable: true
additionalProperties: false
properties:
  enabled:
    type: boolean
  retries:
    type: integer
    format: int32
    minimum: 0
  channel:
    $ref: '#/components/schemas/Channel'
";

/// `yaml` with every line moved right by `by` spaces.
fn indented(yaml: &str, by: usize) -> String {
    yaml.lines()
        .map(|line| format!("{:by$}{line}\n", ""))
        .collect()
}

fn response_schema(out: &mut String, op: &Op) {
    write!(
        out,
        "    {name}:
      type: object
      required: [{resource}]
      properties:
        {resource}:
          $ref: '#/components/schemas/{summary}Summary'
        total:
          type: integer
          format: int32
        warnings:
          type: array
          items:
            type: string
        outcome:
          $ref: '#/components/schemas/Outcome'
",
        name = op.response(),
        resource = op.resource,
        summary = camel(op.resource),
    )
    .unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;
    use descope_spec::Spec;

    use crate::generate;
    use crate::spec_diff::{self, wire::WireEffect};

    #[test]
    fn the_document_loads_with_every_operation_and_schema() {
        let spec = Spec::parse("synthetic.yaml", &document(460)).unwrap();
        assert_eq!(spec.operations().len(), 460);
        let schemas = spec.document()["components"]["schemas"]
            .as_object()
            .unwrap()
            .len();
        // Requests, half as many own responses, the shared ones.
        assert_eq!(schemas, 460 + 230 + RESOURCES.len() + 10);
    }

    #[test]
    fn generate_sums_up_a_checkout_of_it_unchanged_and_with_a_field_renamed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_workspace(root, 40).unwrap();
        generate::run(root, false).unwrap();
        commit(root).unwrap();
        let spec = || Spec::load(&root.join(workspace::SPEC), workspace::SPEC).unwrap();
        let unchanged = spec_diff::summary_against_head(root, &spec());
        assert_eq!(
            unchanged,
            "Against HEAD:spec/descope.yaml: no change to the spec."
        );
        let committed = std::fs::read_to_string(root.join(workspace::SPEC)).unwrap();
        std::fs::write(root.join(workspace::SPEC), renamed_field(&committed)).unwrap();
        let summary = spec_diff::summary_against_head(root, &spec());
        // Gone from a closed request: breaking; the new name is optional.
        assert!(
            summary.contains("1 change(s) break callers on the wire, 1 are compatible"),
            "{summary}"
        );
        assert!(summary.contains("descope-raw (API breaking)"), "{summary}");

        let old = Spec::parse("old.yaml", &committed).unwrap();
        let report =
            spec_diff::compare(root, &old, &spec(), "old".into(), "new".into(), None).unwrap();
        // The first request schema written is the first operation's.
        let first = &Op::new(0).id;
        let details: Vec<(&str, &str, WireEffect)> = report
            .changes
            .iter()
            .map(|c| {
                (
                    c.change.operation.as_str(),
                    c.change.detail.as_str(),
                    c.change.wire,
                )
            })
            .collect();
        assert_eq!(
            details,
            [
                (
                    first.as_str(),
                    "optional field `shownName` added",
                    WireEffect::Compatible
                ),
                (
                    first.as_str(),
                    "field `displayName` removed",
                    WireEffect::Breaking
                ),
            ]
        );
        let removed = &report.changes[1].rust;
        assert!(
            removed
                .iter()
                .any(|i| i.item.ends_with(".display_name") && i.change == "removed"),
            "{removed:?}"
        );
    }
}
