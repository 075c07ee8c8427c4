//! Where the fake's ids, tokens and key material come from: the operating
//! system's generator, or, with a seed, SHA-256 in counter mode over it, so
//! that a seeded fake gives the same values run after run.

use std::sync::atomic::{AtomicU64, Ordering};

use aws_lc_rs::digest::{digest, SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// The source of every id and token the fake makes.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    seed: Option<u64>,
    counter: AtomicU64,
}

impl Ids {
    /// Values from the operating system's generator, or from `seed`.
    pub(crate) fn new(seed: Option<u64>) -> Ids {
        Ids {
            seed,
            counter: AtomicU64::new(0),
        }
    }

    /// 32 fresh bytes.
    pub(crate) fn bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        match self.seed {
            Some(seed) => {
                let n = self.counter.fetch_add(1, Ordering::Relaxed);
                let mut input = [0u8; 16];
                input[..8].copy_from_slice(&seed.to_be_bytes());
                input[8..].copy_from_slice(&n.to_be_bytes());
                out.copy_from_slice(digest(&SHA256, &input).as_ref());
            }
            // The OS generator failing means the machine cannot run tests at all.
            None => {
                getrandom::fill(&mut out).expect("the operating system's random generator works")
            }
        }
        out
    }

    /// 32 fresh bytes as base64url (43 characters): as hard to guess as the
    /// real thing, for tokens and ids.
    pub(crate) fn id(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.bytes())
    }

    /// A number below `bound` (for picking among a few).
    pub(crate) fn below(&self, bound: usize) -> usize {
        let bytes = self.bytes();
        (u64::from_be_bytes(bytes[..8].try_into().expect("8 of 32 bytes")) % bound as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_repeat_and_unseeded_ones_differ() {
        let (a, b) = (Ids::new(Some(7)), Ids::new(Some(7)));
        let first: Vec<String> = (0..3).map(|_| a.id()).collect();
        let again: Vec<String> = (0..3).map(|_| b.id()).collect();
        assert_eq!(first, again);
        assert_ne!(first[0], first[1]);
        assert_ne!(Ids::new(Some(8)).id(), first[0]);
        let os = Ids::new(None);
        let (x, y) = (os.id(), os.id());
        assert_eq!(x.len(), 43);
        assert_ne!(x, y);
        assert!((0..50).all(|_| a.below(3) < 3));
    }

    #[test]
    fn below_reaches_every_value_under_its_bound() {
        // It picks a key of the pool: each must come up (seeded, so fixed).
        let ids = Ids::new(Some(7));
        let picked: std::collections::BTreeSet<usize> = (0..64).map(|_| ids.below(4)).collect();
        assert_eq!(picked.into_iter().collect::<Vec<_>>(), [0, 1, 2, 3]);
    }
}
