//! `cargo xtask generate` on defective specs: every defect listed with its
//! JSON pointer, where progenitor would give one sentence for the first.

use std::fs;

use crate::support::{copy_of_workspace, edit_spec, stderr, xtask, GENERATED, SPEC};

/// The fixture with one defect of each kind (see its comments).
const DEFECTIVE: &str = include_str!("fixtures/defective.yaml");

#[test]
fn generate_lists_every_defect_of_the_fixture_with_its_pointer() {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("spec")).unwrap();
    fs::write(root.path().join(SPEC), DEFECTIVE).unwrap();
    let output = xtask(root.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    // The generator refusal is not listed: the document's structural
    // defects refuse it before anything is generated.
    assert_eq!(
        stderr(&output),
        "error: spec/descope.yaml: 8 defects:\n\
         \x20 rust-name-collision at /components/schemas/Gadget_Kind: `Gadget_Kind` becomes the type `GadgetKind`, as `GadgetKind` does\n\
         \x20 default-mismatch at /components/schemas/Widget/properties/labels/default: the default false does not fit its schema of type object\n\
         \x20 rust-name-collision at /components/schemas/Widget/properties/serial_number: `serial_number` becomes the field `serial_number`, as `SerialNumber` does\n\
         \x20 rust-name-collision at /paths/~1v1~1gadgets/get/parameters/1: `page_size` becomes the parameter `page_size`, as `pageSize` does\n\
         \x20 rust-name-collision at /paths/~1v1~1gadgets~1search/post/operationId: `SearchGadgets` becomes the method `search_gadgets`, as `search_gadgets` does\n\
         \x20 missing-operation-id at /paths/~1v1~1widgets/get: GET /v1/widgets has no operationId; every operation needs one\n\
         \x20 dangling-ref at /paths/~1v1~1widgets/post/requestBody/content/application~1json/schema/$ref: `#/components/schemas/catalog.WidgetRequest` does not exist\n\
         \x20 duplicate-operation-id at /paths/~1v1~1widgets~1{id}/get/operationId: `ListGadgets` is already the id of GET /v1/gadgets\n"
    );
}

#[test]
fn a_loadable_spec_with_defects_is_refused_before_generation() {
    let root = copy_of_workspace();
    let before = fs::read(root.path().join(GENERATED)).unwrap();
    // Two defects the loader does not look for: typify would name neither.
    edit_spec(
        root.path(),
        "          nullable: true\n          description: >-\n            Claims added",
        "          nullable: true\n          default: false\n          description: >-\n            Claims added",
    );
    edit_spec(
        root.path(),
        "        loginId:\n          $ref: '#/components/schemas/LoginId'\n        customClaims:",
        "        loginId:\n          $ref: '#/components/schemas/LoginId'\n        login_id:\n          type: string\n        customClaims:",
    );
    let output = xtask(root.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: spec/descope.yaml: 2 defects:\n\
         \x20 default-mismatch at /components/schemas/EmbeddedLinkSigninRequest/properties/customClaims/default: the default false does not fit its schema of type object\n\
         \x20 rust-name-collision at /components/schemas/EmbeddedLinkSigninRequest/properties/login_id: `login_id` becomes the field `login_id`, as `loginId` does\n"
    );
    assert_eq!(fs::read(root.path().join(GENERATED)).unwrap(), before);
}
