//! Deadlines in time order, so that a lazy expiry pass (run on every request) looks only at
//! what is due instead of at every record an emulator holds.

use std::collections::BTreeSet;

use time::OffsetDateTime;

/// Keys of records, each with the moment it falls due.
///
/// A key stays listed until its moment passes, whatever happens to its record meanwhile: the
/// caller checks, for each key [`take_due`](Deadlines::take_due) returns, that the record is
/// still one to expire.
///
/// ```
/// use paymux_sandbox::kit::deadlines::Deadlines;
/// use time::macros::datetime;
///
/// let mut deadlines = Deadlines::default();
/// deadlines.add(datetime!(2026-01-01 10:00 UTC), "pay_2".to_owned());
/// deadlines.add(datetime!(2026-01-01 09:00 UTC), "pay_1".to_owned());
/// assert!(deadlines.take_due(datetime!(2026-01-01 08:59 UTC)).is_empty());
/// assert_eq!(deadlines.take_due(datetime!(2026-01-01 10:00 UTC)), ["pay_1", "pay_2"]);
/// assert!(deadlines.take_due(datetime!(2026-01-01 11:00 UTC)).is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct Deadlines<K> {
    due: BTreeSet<(OffsetDateTime, K)>,
}

impl<K> Default for Deadlines<K> {
    fn default() -> Self {
        Deadlines { due: BTreeSet::new() }
    }
}

impl<K: Ord> Deadlines<K> {
    /// Lists `key` as due at `at`.
    pub fn add(&mut self, at: OffsetDateTime, key: K) {
        self.due.insert((at, key));
    }

    /// Removes and returns, earliest first, every key due at or before `now`.
    pub fn take_due(&mut self, now: OffsetDateTime) -> Vec<K> {
        let mut keys = Vec::new();
        while let Some((at, _)) = self.due.first() {
            if *at > now {
                break;
            }
            if let Some((_, key)) = self.due.pop_first() {
                keys.push(key);
            }
        }
        keys
    }
}
