//! Which match keys are on record, for a bulk write (an import, the demo landlord): most
//! people it names are new, and proving that costs a query each (a tenth of an import's
//! time). Inside [`matching_within`] a fixed-size Bloom filter of every stored person's
//! keys answers "nobody can match" without asking; a person who may match is looked for
//! as ever ([`super::find_matches`]), so the filter decides how often the database is
//! asked, never what a match is. A false "may match" costs one query; there is no false
//! "cannot match", because every write of a person's keys passes through
//! [`note`] (their search terms are stored by the same writers), and because on SQLite
//! nobody else writes while a bulk write holds the write lock. On PostgreSQL others may
//! add people meanwhile (a report logged during a web import), so there the database is
//! always asked.

use super::{name_key, postcode_key, tenancy_ref_key};
use crate::cases::codes;
use entity::people;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::{
    cell::RefCell,
    hash::{DefaultHasher, Hash, Hasher},
};

/// 2^23 bits (1 MiB), whatever the number of people: with three probes a key, about
/// 0.1 % false "may match" for 300,000 keys.
const BITS: usize = 1 << 23;
const PROBES: u64 = 3;
/// Stored people read at a time while the filter is filled.
const PAGE: u64 = 10_000;

/// A stored person's id and match keys: tenancy reference, name, postcode.
type Stored = (i32, Option<String>, Option<String>, Option<String>);

tokio::task_local! {
    static KNOWN: RefCell<Filter>;
}

/// The keys a person can be matched by (`find_matches`): their tenancy reference, and
/// their name with their postcode.
#[derive(Hash)]
enum Key<'a> {
    Tenancy(&'a str),
    NameAt(&'a str, &'a str),
}

fn keys<'a>(tenancy: Option<&'a str>, name: Option<&'a str>, postcode: Option<&'a str>) -> Vec<Key<'a>> {
    let present = |k: Option<&'a str>| k.filter(|k| !k.is_empty());
    let mut keys = vec![];
    if let Some(t) = present(tenancy) {
        keys.push(Key::Tenancy(t));
    }
    if let (Some(n), Some(p)) = (present(name), present(postcode)) {
        keys.push(Key::NameAt(n, p));
    }
    keys
}

struct Filter {
    bits: Vec<u64>,
}

impl Filter {
    fn new() -> Self {
        Filter {
            bits: vec![0; BITS / 64],
        }
    }

    /// The bits a key sets: double hashing from one 64-bit hash (fixed keys, so the same
    /// in every run).
    fn probes(key: &Key) -> impl Iterator<Item = usize> {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        let hash = hasher.finish();
        let (a, b) = (hash & 0xFFFF_FFFF, (hash >> 32) | 1);
        (0..PROBES).map(move |i| (a.wrapping_add(i.wrapping_mul(b)) as usize) % BITS)
    }

    fn add(&mut self, key: &Key) {
        for bit in Self::probes(key) {
            self.bits[bit / 64] |= 1 << (bit % 64);
        }
    }

    fn may_hold(&self, key: &Key) -> bool {
        Self::probes(key).all(|bit| self.bits[bit / 64] & (1 << (bit % 64)) != 0)
    }

    /// A person's stored keys (already normalised, as the matching query compares them).
    fn add_stored(&mut self, tenancy: Option<&str>, name: Option<&str>, postcode: Option<&str>) {
        for key in keys(tenancy, name, postcode) {
            self.add(&key);
        }
    }
}

/// Runs `work`, a bulk write in `db`'s transaction, with every stored person's keys in a
/// filter ([`cannot_match`]); on PostgreSQL simply runs it (see above).
pub async fn matching_within<T>(
    db: &impl ConnectionTrait,
    work: impl Future<Output = Result<T, DbErr>>,
) -> Result<T, DbErr> {
    if !crate::db::is_sqlite(db) {
        return work.await;
    }
    let mut filter = Filter::new();
    let mut after = 0;
    loop {
        let page: Vec<Stored> = people::Entity::find()
            .select_only()
            .columns([
                people::Column::Id,
                people::Column::TenancyRefKey,
                people::Column::NameKey,
                people::Column::PostcodeKey,
            ])
            .filter(people::Column::Kind.eq(codes::NAMED))
            .filter(people::Column::Id.gt(after))
            .order_by_asc(people::Column::Id)
            .limit(PAGE)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.0;
        for (_, tenancy, name, postcode) in &page {
            filter.add_stored(tenancy.as_deref(), name.as_deref(), postcode.as_deref());
        }
    }
    KNOWN.scope(RefCell::new(filter), work).await
}

/// Records that `person` is stored with the keys it has now (every writer of a person's
/// keys stores their search terms, and calls this there).
pub fn note(person: &people::Model) {
    let _ = KNOWN.try_with(|known| {
        known.borrow_mut().add_stored(
            person.tenancy_ref_key.as_deref(),
            person.name_key.as_deref(),
            person.postcode_key.as_deref(),
        )
    });
}

/// Whether, inside [`matching_within`], nobody stored can match someone with these typed
/// details; outside one, never (ask the database).
pub fn cannot_match(tenancy: Option<&str>, name: Option<&str>, postcode: Option<&str>) -> bool {
    let (tenancy, name, postcode) = (
        tenancy.map(tenancy_ref_key),
        name.map(name_key),
        postcode.map(postcode_key),
    );
    let keys = keys(tenancy.as_deref(), name.as_deref(), postcode.as_deref());
    KNOWN
        .try_with(|known| {
            let known = known.borrow();
            keys.iter().all(|k| !known.may_hold(k))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_added_is_found_and_few_others_are() {
        let mut filter = Filter::new();
        let names: Vec<String> = (0..100_000).map(|i| format!("person {i}")).collect();
        for n in &names {
            filter.add(&Key::NameAt(n, "LE15AB"));
            filter.add(&Key::Tenancy(n));
        }
        assert!(names.iter().all(|n| filter.may_hold(&Key::NameAt(n, "LE15AB"))));
        assert!(names.iter().all(|n| filter.may_hold(&Key::Tenancy(n))));
        // The same words as another kind of key, or at another postcode, are other keys.
        let strays = names
            .iter()
            .filter(|n| filter.may_hold(&Key::NameAt(n, "LE15AC")))
            .count();
        assert!(strays < 100, "{strays} false matches in 100,000");
    }

    /// Typed details are normalised as stored keys are: "t 9" finds "T9", "CARA  doe" at
    /// "le2 2aa" finds "cara doe" at "LE22AA"; others cannot match; outside an import the
    /// database is always asked.
    #[tokio::test]
    async fn typed_details_are_judged_by_their_normalised_keys() {
        assert!(!cannot_match(Some("Z-1"), None, None), "outside an import");
        let mut filter = Filter::new();
        filter.add_stored(Some("T9"), Some("cara doe"), Some("LE22AA"));
        KNOWN
            .scope(RefCell::new(filter), async {
                assert!(!cannot_match(Some("t 9"), None, None));
                assert!(!cannot_match(None, Some("CARA  doe"), Some("le2 2aa")));
                assert!(!cannot_match(Some("T-10"), Some("Cara Doe"), Some("LE2 2AA")));
                assert!(cannot_match(Some("T-10"), Some("Cara Doe"), None));
                assert!(cannot_match(None, Some("Cara Doe"), Some("LE3 3AA")));
                assert!(cannot_match(None, Some("Cara Doe"), None), "no key at all");
            })
            .await;
    }

    #[test]
    fn keys_are_those_the_matching_query_uses() {
        assert!(keys(None, Some("amina khan"), None).is_empty());
        assert!(keys(Some(""), Some("amina khan"), Some("")).is_empty());
        assert_eq!(keys(Some("T1"), Some("amina khan"), Some("LE15AB")).len(), 2);
    }
}
