//! The landlord's case settings, stored as rows in `settings` with safe defaults.

use sea_orm::{ConnectionTrait, DbErr};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseSettings {
    /// Hate incidents are suggested as Priority 1 (DOMAIN.md default).
    pub hate_is_priority_1: bool,
    /// Reports by one victim in six months that meet the ASB Case Review threshold.
    pub review_threshold: i32,
    /// A single hate incident meets the threshold (many areas' local choice).
    pub single_hate_incident_qualifies: bool,
}

impl Default for CaseSettings {
    fn default() -> Self {
        CaseSettings {
            hate_is_priority_1: true,
            review_threshold: 3,
            single_hate_incident_qualifies: false,
        }
    }
}

/// ASB, Crime and Policing Act 2014 s.104: a local threshold of at most three complaints.
pub const REVIEW_THRESHOLD_RANGE: std::ops::RangeInclusive<i32> = 1..=3;

const HATE_P1: &str = "cases.hate_is_priority_1";
const THRESHOLD: &str = "cases.review_threshold";
const SINGLE_HATE: &str = "cases.single_hate_incident_qualifies";

impl CaseSettings {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let rows = crate::db::settings(db).await?;
        let get = |key: &str| rows.iter().find(|r| r.key == key).map(|r| r.value.as_str());
        let defaults = CaseSettings::default();
        Ok(CaseSettings {
            hate_is_priority_1: get(HATE_P1).map_or(defaults.hate_is_priority_1, |v| v == "true"),
            review_threshold: get(THRESHOLD)
                .and_then(|v| v.parse().ok())
                .filter(|n| REVIEW_THRESHOLD_RANGE.contains(n))
                .unwrap_or(defaults.review_threshold),
            single_hate_incident_qualifies: get(SINGLE_HATE)
                .map_or(defaults.single_hate_incident_qualifies, |v| v == "true"),
        })
    }

    pub async fn save(
        &self,
        db: &impl ConnectionTrait,
        now: time::OffsetDateTime,
        by: i32,
    ) -> Result<(), DbErr> {
        for (key, value) in [
            (HATE_P1, self.hate_is_priority_1.to_string()),
            (THRESHOLD, self.review_threshold.to_string()),
            (SINGLE_HATE, self.single_hate_incident_qualifies.to_string()),
        ] {
            crate::db::put_setting(db, key, value, now, by).await?;
        }
        Ok(())
    }
}
