//! The version a change needs, under Cargo's rules: a breaking change takes
//! the major number, or the minor one while the major is 0; an addition takes
//! the minor number from 1.0 on, the patch number before it.
//!
//! The crates share one workspace version (`[workspace.package]`): they are
//! released together and depend on each other's exact releases, so one
//! number that covers the largest bump any of them needs is both correct and
//! simplest for users to read.

use semver::Version;
use serde::Serialize;

use super::CrateEffect;

/// A version bump, smallest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bump {
    /// Nothing a user sees changed.
    None,
    /// Compatible: fixes, additions (before 1.0), behaviour within the contract.
    Patch,
    /// Additions from 1.0 on.
    Minor,
    /// Breaking.
    Major,
}

impl Bump {
    /// The bump for a crate whose change breaks users, adds to its API, or
    /// only changes what it does within its contract. Before 1.0, [`next`]
    /// applies it one place lower.
    pub fn of(breaking: bool, additions: bool, changed: bool) -> Bump {
        if breaking {
            Bump::Major
        } else if additions {
            Bump::Minor
        } else if changed {
            Bump::Patch
        } else {
            Bump::None
        }
    }
}

/// The version the crates need.
#[derive(Debug, Serialize)]
pub struct Needed {
    /// The version the old spec shipped in, when known.
    pub base: Option<String>,
    /// The largest bump any crate needs (before 1.0: `major` means the minor
    /// number, `minor` the patch number).
    pub bump: Bump,
    /// The smallest version that carries the change, when the base is known.
    pub required: Option<String>,
}

/// The version after `base` that a `bump` needs, under Cargo's rules.
pub fn next(base: &Version, bump: Bump) -> Version {
    let zero = base.major == 0;
    match (bump, zero) {
        (Bump::None, _) => base.clone(),
        (Bump::Major, false) => Version::new(base.major + 1, 0, 0),
        (Bump::Major, true) | (Bump::Minor, false) => Version::new(base.major, base.minor + 1, 0),
        (Bump::Minor, true) | (Bump::Patch, _) => {
            Version::new(base.major, base.minor, base.patch + 1)
        }
    }
}

/// What the crates need together, from `base`.
pub fn needed(base: Option<String>, crates: &[CrateEffect]) -> Needed {
    let bump = crates.iter().map(|c| c.bump).max().unwrap_or(Bump::None);
    let required = base
        .as_deref()
        .and_then(|b| Version::parse(b).ok())
        .map(|b| next(&b, bump).to_string());
    Needed {
        base,
        bump,
        required,
    }
}

/// Whether `current` is a lower version than `required`.
pub fn below(current: &str, required: &str) -> bool {
    match (Version::parse(current), Version::parse(required)) {
        (Ok(current), Ok(required)) => current < required,
        _ => true,
    }
}

/// The `[workspace.package]` version of a workspace manifest.
pub fn of_manifest(text: &str) -> Option<String> {
    let manifest: toml::Table = text.parse().ok()?;
    manifest
        .get("workspace")?
        .get("package")?
        .get("version")?
        .as_str()
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_rules_before_and_after_one() {
        let v = |s| Version::parse(s).unwrap();
        assert_eq!(next(&v("0.1.0"), Bump::Major).to_string(), "0.2.0");
        assert_eq!(next(&v("0.1.3"), Bump::Minor).to_string(), "0.1.4");
        assert_eq!(next(&v("0.1.3"), Bump::Patch).to_string(), "0.1.4");
        assert_eq!(next(&v("1.2.3"), Bump::Major).to_string(), "2.0.0");
        assert_eq!(next(&v("1.2.3"), Bump::Minor).to_string(), "1.3.0");
        assert_eq!(next(&v("1.2.3"), Bump::None).to_string(), "1.2.3");
        assert!(below("0.1.0", "0.2.0"));
        assert!(!below("0.2.0", "0.2.0"));
        assert_eq!(
            of_manifest("[workspace.package]\nversion = \"0.3.1\"\n").as_deref(),
            Some("0.3.1")
        );
        assert_eq!(of_manifest("[package]\nversion = \"1.0.0\"\n"), None);
    }
}
