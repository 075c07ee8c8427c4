//! Containers that keep at most a fixed number of entries: when full, the
//! oldest goes for the newest, and is counted. Every kind of state the fake
//! keeps (the request log, tokens, messages, users) lives in one of them, so
//! a long test run or a load run cannot grow it without bound.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// How many of each kind of state (tokens, messages, users) a fake keeps
/// unless told otherwise.
pub const DEFAULT_MAX_KEPT: usize = 10_000;

/// Entries in arrival order, at most `limit` of them.
#[derive(Clone, Debug)]
pub(crate) struct BoundedLog<T> {
    kept: VecDeque<T>,
    limit: usize,
    dropped: u64,
    /// Entries ever pushed: the number of the last one.
    pushed: u64,
}

impl<T> BoundedLog<T> {
    pub(crate) fn new(limit: usize) -> Self {
        BoundedLog {
            kept: VecDeque::new(),
            limit,
            dropped: 0,
            pushed: 0,
        }
    }

    /// Keeps the entry `make` builds from its number (1, 2, 3, ... in
    /// arrival order; dropped entries keep their numbers used).
    pub(crate) fn push_numbered(&mut self, make: impl FnOnce(u64) -> T) {
        self.push(make(self.pushed + 1));
    }

    /// Keeps `entry`, dropping the oldest when full (with a limit of 0,
    /// `entry` itself is the one dropped).
    pub(crate) fn push(&mut self, entry: T) {
        self.pushed += 1;
        if self.kept.len() >= self.limit {
            self.kept.pop_front();
            self.dropped += 1;
            if self.limit == 0 {
                return;
            }
        }
        self.kept.push_back(entry);
    }

    /// The kept entries, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.kept.iter()
    }

    /// How many entries were dropped to keep within the limit.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Forgets the kept entries (not counted as dropped).
    pub(crate) fn clear(&mut self) {
        self.kept.clear();
    }
}

/// A map that remembers insertion order and keeps at most `limit` entries.
#[derive(Clone, Debug)]
pub(crate) struct BoundedMap<K, V> {
    entries: HashMap<K, (u64, V)>,
    /// Keys by insertion; a key removed or inserted again leaves a stale
    /// entry here, skipped when met and compacted away now and then.
    order: VecDeque<(u64, K)>,
    next: u64,
    limit: usize,
    dropped: u64,
}

impl<K: Clone + Eq + Hash, V> BoundedMap<K, V> {
    pub(crate) fn new(limit: usize) -> Self {
        BoundedMap {
            entries: HashMap::new(),
            order: VecDeque::new(),
            next: 0,
            limit,
            dropped: 0,
        }
    }

    /// Inserts (or replaces) `key`, and returns what was dropped to make room.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Vec<(K, V)> {
        self.next += 1;
        self.entries.insert(key.clone(), (self.next, value));
        self.order.push_back((self.next, key));
        let mut evicted = Vec::new();
        while self.entries.len() > self.limit {
            let Some((seq, key)) = self.order.pop_front() else {
                break;
            };
            if self.entries.get(&key).is_some_and(|(at, _)| *at == seq) {
                let (_, value) = self.entries.remove(&key).expect("just seen");
                self.dropped += 1;
                evicted.push((key, value));
            }
        }
        if self.order.len() > 2 * self.entries.len() + 64 {
            let entries = &self.entries;
            self.order
                .retain(|(seq, key)| entries.get(key).is_some_and(|(at, _)| at == seq));
        }
        evicted
    }

    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        self.entries.get(key).map(|(_, value)| value)
    }

    pub(crate) fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.entries.get_mut(key).map(|(_, value)| value)
    }

    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        self.entries.remove(key).map(|(_, value)| value)
    }

    /// Keeps only the entries `keep` says yes to (not counted as dropped).
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        self.entries.retain(|key, (_, value)| keep(key, value));
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// How many entries were dropped to keep within the limit.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The entries, oldest first.
    #[cfg(test)]
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.order.iter().filter_map(|(seq, key)| {
            self.entries
                .get(key)
                .filter(|(at, _)| at == seq)
                .map(|(_, value)| value)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_drops_its_oldest_and_counts_them() {
        let mut log = BoundedLog::new(3);
        for n in 1..=5 {
            log.push(n);
        }
        assert_eq!(log.iter().copied().collect::<Vec<_>>(), [3, 4, 5]);
        assert_eq!(log.dropped(), 2);
        log.clear();
        assert_eq!((log.iter().count(), log.dropped()), (0, 2));
        let mut none = BoundedLog::new(0);
        none.push(1);
        none.push(2);
        assert_eq!((none.iter().count(), none.dropped()), (0, 2));
    }

    #[test]
    fn a_map_drops_the_oldest_live_key() {
        let mut map = BoundedMap::new(2);
        assert!(map.insert("a", 1).is_empty());
        assert!(map.insert("b", 2).is_empty());
        // Replacing a key makes it the newest, without dropping anything.
        assert!(map.insert("a", 3).is_empty());
        assert_eq!(map.insert("c", 4), vec![("b", 2)]);
        assert_eq!(map.values().copied().collect::<Vec<_>>(), [3, 4]);
        assert_eq!(map.remove(&"a"), Some(3));
        assert!(
            map.insert("d", 5).is_empty(),
            "room was made by the removal"
        );
        assert_eq!(map.insert("e", 6), vec![("c", 4)]);
        assert_eq!((map.len(), map.dropped()), (2, 2));
        map.retain(|_, value| *value > 5);
        assert_eq!(map.values().copied().collect::<Vec<_>>(), [6]);
    }

    #[test]
    fn the_order_is_compacted_once_past_twice_the_live_keys_plus_64() {
        // Three live keys, one replaced again and again: each replacement
        // leaves a stale entry, kept until there are more than 2 x 3 + 64.
        let mut map = BoundedMap::new(10);
        for key in ["a", "b", "c"] {
            map.insert(key, 0);
        }
        for n in 0..67 {
            map.insert("c", n);
        }
        assert_eq!(map.order.len(), 70, "not compacted yet");
        map.insert("c", 67);
        assert_eq!(map.order.len(), 3, "compacted to the live keys");
        assert_eq!(map.values().copied().collect::<Vec<_>>(), [0, 0, 67]);
    }

    #[test]
    fn a_map_stays_compact_under_churn() {
        let mut map = BoundedMap::new(10);
        for n in 0..10_000 {
            map.insert(n % 3, n);
            map.remove(&(n % 3));
        }
        assert!(map.order.len() <= 2 * map.len() + 65, "{}", map.order.len());
        let mut zero = BoundedMap::new(0);
        assert_eq!(zero.insert("a", 1), vec![("a", 1)]);
        assert_eq!(zero.len(), 0);
    }
}
