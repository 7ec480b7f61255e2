//! Sliding-window rate limits for sign-in, second-factor codes, password resets,
//! registration, enquiries and problem reports (written here because the common actix crate
//! is GPL). On the embedded database an instance keeps its counts in memory; on PostgreSQL
//! every instance counts in one table (`rate_limit_attempts`), so several instances behind a
//! proxy allow no more than one would. Searches have their own per-instance token buckets
//! ([`TokenBuckets`]): counting each search in the database would put a write on the search
//! path; limit searches across instances at the proxy (see the README).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use entity::rate_limit_attempts;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use crate::error::AppError;

/// How many attempts a key may make in a window.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max_attempts: usize,
    pub window: Duration,
}

/// Failed sign-ins to one account from unrecognised browsers (together), or from one
/// recognised browser.
pub const SIGN_IN_PER_ACCOUNT: Limit = Limit {
    max_attempts: 10,
    window: Duration::from_secs(15 * 60),
};
pub const SIGN_IN_PER_IP: Limit = Limit {
    max_attempts: 50,
    window: Duration::from_secs(15 * 60),
};
/// Wrong second-factor codes for one account, across every pending sign-in.
pub const SECOND_FACTOR_PER_ACCOUNT: Limit = Limit {
    max_attempts: 10,
    window: Duration::from_secs(15 * 60),
};
/// Wrong passwords or codes on "confirm it is you" and the current-password field, per account.
pub const CONFIRM_PER_ACCOUNT: Limit = Limit {
    max_attempts: 10,
    window: Duration::from_secs(15 * 60),
};
pub const RESET_PER_EMAIL: Limit = Limit {
    max_attempts: 5,
    window: Duration::from_secs(60 * 60),
};
pub const RESET_PER_IP: Limit = Limit {
    max_attempts: 20,
    window: Duration::from_secs(60 * 60),
};
pub const ENQUIRIES_PER_HOUR: Limit = Limit {
    max_attempts: 10,
    window: Duration::from_secs(60 * 60),
};
pub const ENQUIRIES_PER_DAY: Limit = Limit {
    max_attempts: 30,
    window: Duration::from_secs(24 * 60 * 60),
};
pub const MESSAGES_PER_HOUR: Limit = Limit {
    max_attempts: 60,
    window: Duration::from_secs(60 * 60),
};
/// Problem reports about listings from one address (no sign-in is needed to report).
pub const REPORTS_PER_IP: Limit = Limit {
    max_attempts: 5,
    window: Duration::from_secs(60 * 60),
};
pub const REGISTER_PER_IP: Limit = Limit {
    max_attempts: 20,
    window: Duration::from_secs(60 * 60),
};

/// The longest window of any limit: attempts older than this count for nothing.
pub const LONGEST_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// Keys kept before old windows are swept out, to bound memory under attack.
const SWEEP_ABOVE_KEYS: usize = 10_000;

/// A limit reached: how long until the next attempt is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooMany(pub Duration);

impl From<TooMany> for AppError {
    fn from(TooMany(wait): TooMany) -> Self {
        AppError::TooManyRequests {
            retry_after_secs: wait.as_secs().max(1),
        }
    }
}

/// The limiter every handler uses: in memory, or shared through the database.
pub struct RateLimiter {
    memory: MemoryAttempts,
    shared: Option<SharedAttempts>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::in_memory()
    }
}

impl RateLimiter {
    /// Counts kept by this process alone (the embedded database: one instance).
    pub fn in_memory() -> Self {
        Self {
            memory: MemoryAttempts::default(),
            shared: None,
        }
    }

    /// Counts kept in `db`, shared with every instance on it; keys are hashed with `salt`
    /// (the same on every instance).
    pub fn shared(db: DatabaseConnection, salt: String) -> Self {
        Self {
            memory: MemoryAttempts::default(),
            shared: Some(SharedAttempts { db, salt }),
        }
    }

    /// Records an attempt for `key`; refuses it with the time to wait when the limit is reached.
    pub async fn check(&self, key: &str, limit: Limit) -> Result<(), TooMany> {
        self.check_only(key, limit).await?;
        self.record(key, limit).await;
        Ok(())
    }

    /// Refuses with the time to wait if `key` has reached the limit, without counting this
    /// one (sign-in counts only failures, so a busy shared address is not locked out by
    /// successes). A database that cannot be read lets the attempt through (logged): every
    /// attempt this limits needs the database itself.
    pub async fn check_only(&self, key: &str, limit: Limit) -> Result<(), TooMany> {
        match &self.shared {
            None => self.memory.check_only(key, limit).map_err(TooMany),
            Some(shared) => match shared.wait(key, limit).await {
                Ok(None) => Ok(()),
                Ok(Some(wait)) => Err(TooMany(wait)),
                Err(err) => {
                    tracing::warn!(%err, "rate limit could not be read");
                    Ok(())
                }
            },
        }
    }

    /// Counts an attempt against `key`.
    pub async fn record(&self, key: &str, limit: Limit) {
        match &self.shared {
            None => self.memory.record(key, limit),
            Some(shared) => {
                if let Err(err) = shared.record(key).await {
                    tracing::warn!(%err, "rate limit attempt could not be recorded");
                }
            }
        }
    }

    /// Forgets a key, e.g. after a successful sign-in.
    pub async fn reset(&self, key: &str) {
        match &self.shared {
            None => self.memory.reset(key),
            Some(shared) => {
                if let Err(err) = shared.reset(key).await {
                    tracing::warn!(%err, "rate limit could not be reset");
                }
            }
        }
    }
}

/// Attempts in the database, under salted hashes of their keys.
struct SharedAttempts {
    db: DatabaseConnection,
    salt: String,
}

impl SharedAttempts {
    fn hash(&self, key: &str) -> String {
        crate::domain::tokens::sha256_hex(&format!("{}{key}", self.salt))
    }

    /// How long to wait, if `key` has reached the limit.
    async fn wait(&self, key: &str, limit: Limit) -> Result<Option<Duration>, DbErr> {
        let now = chrono::Utc::now();
        let since = now - chrono::Duration::from_std(limit.window).unwrap_or_default();
        let found: Option<(i64, Option<chrono::DateTime<chrono::Utc>>)> =
            rate_limit_attempts::Entity::find()
                .select_only()
                .column_as(rate_limit_attempts::Column::Id.count(), "n")
                .column_as(rate_limit_attempts::Column::At.min(), "oldest")
                .filter(rate_limit_attempts::Column::KeyHash.eq(self.hash(key)))
                .filter(rate_limit_attempts::Column::At.gt(since))
                .into_tuple()
                .one(&self.db)
                .await?;
        let (count, oldest) = found.unwrap_or((0, None));
        if usize::try_from(count).unwrap_or(usize::MAX) < limit.max_attempts {
            return Ok(None);
        }
        let age = oldest.map_or(Duration::ZERO, |t| (now - t).to_std().unwrap_or_default());
        Ok(Some(limit.window.saturating_sub(age)))
    }

    async fn record(&self, key: &str) -> Result<(), DbErr> {
        rate_limit_attempts::Entity::insert(rate_limit_attempts::ActiveModel {
            key_hash: Set(self.hash(key)),
            at: Set(chrono::Utc::now()),
            ..Default::default()
        })
        .exec_without_returning(&self.db)
        .await?;
        Ok(())
    }

    async fn reset(&self, key: &str) -> Result<(), DbErr> {
        rate_limit_attempts::Entity::delete_many()
            .filter(rate_limit_attempts::Column::KeyHash.eq(self.hash(key)))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

/// Removes attempts older than any window (the hourly sweep); returns how many.
pub async fn forget_old_attempts(
    db: &DatabaseConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DbErr> {
    let before = now - chrono::Duration::from_std(LONGEST_WINDOW).unwrap_or_default();
    Ok(rate_limit_attempts::Entity::delete_many()
        .filter(rate_limit_attempts::Column::At.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Attempts kept by this process.
#[derive(Default)]
struct MemoryAttempts {
    attempts: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl MemoryAttempts {
    fn check_only(&self, key: &str, limit: Limit) -> Result<(), Duration> {
        let now = Instant::now();
        let mut map = self
            .attempts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(times) = map.get_mut(key) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= limit.window)
        {
            times.pop_front();
        }
        if times.len() >= limit.max_attempts {
            let oldest = times.front().copied().unwrap_or(now);
            return Err(limit.window.saturating_sub(now.duration_since(oldest)));
        }
        Ok(())
    }

    fn record(&self, key: &str, limit: Limit) {
        let now = Instant::now();
        let mut map = self
            .attempts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.len() > SWEEP_ABOVE_KEYS {
            map.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < limit.window)
            });
        }
        map.entry(key.to_owned()).or_default().push_back(now);
    }

    fn reset(&self, key: &str) {
        let mut map = self
            .attempts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.remove(key);
    }
}

/// Per-key token buckets: each key may spend `per_minute` requests at once, and gets them
/// back steadily (`per_minute` a minute). For searches, where a person makes a few requests
/// a minute and a script thousands.
#[derive(Default)]
pub struct TokenBuckets {
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl TokenBuckets {
    /// Takes a token for `key`, or says how long until one is free. `per_minute == 0` means
    /// no limit.
    pub fn take(&self, key: &str, per_minute: u32) -> Result<(), Duration> {
        if per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(per_minute);
        let per_second = capacity / 60.0;
        let now = Instant::now();
        let mut map = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.len() > SWEEP_ABOVE_KEYS {
            // A bucket that has refilled completely is the same as no bucket.
            map.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * per_second < capacity
            });
        }
        let (tokens, at) = map.entry(key.to_owned()).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_second).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_spends_its_burst_then_refills() {
        let buckets = TokenBuckets::default();
        for _ in 0..60 {
            assert!(buckets.take("ip", 60).is_ok());
        }
        let wait = buckets.take("ip", 60).expect_err("empty");
        assert!(wait <= Duration::from_secs(1), "{wait:?}");
        assert!(buckets.take("other", 60).is_ok());
        assert!(buckets.take("ip", 0).is_ok(), "0 is no limit");
    }

    #[tokio::test]
    async fn refuses_after_the_limit_and_names_the_wait() {
        let limiter = RateLimiter::default();
        let limit = Limit {
            max_attempts: 3,
            window: Duration::from_secs(60),
        };
        for _ in 0..3 {
            assert!(limiter.check("a", limit).await.is_ok());
        }
        let TooMany(wait) = limiter
            .check("a", limit)
            .await
            .expect_err("fourth attempt refused");
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert!(
            limiter.check("b", limit).await.is_ok(),
            "other keys unaffected"
        );
        limiter.reset("a").await;
        assert!(limiter.check("a", limit).await.is_ok());
        assert!(limiter.check_only("c", limit).await.is_ok());
        assert!(
            limiter.check_only("c", limit).await.is_ok(),
            "check_only does not count"
        );
    }

    #[test]
    fn no_limit_outlasts_the_longest_window() {
        for limit in [
            SIGN_IN_PER_ACCOUNT,
            SIGN_IN_PER_IP,
            SECOND_FACTOR_PER_ACCOUNT,
            CONFIRM_PER_ACCOUNT,
            RESET_PER_EMAIL,
            RESET_PER_IP,
            ENQUIRIES_PER_HOUR,
            ENQUIRIES_PER_DAY,
            MESSAGES_PER_HOUR,
            REPORTS_PER_IP,
            REGISTER_PER_IP,
        ] {
            assert!(limit.window <= LONGEST_WINDOW, "{limit:?}");
        }
    }
}
