//! A small in-memory sliding-window rate limiter for sign-in and password reset (written here
//! because the common actix crate is GPL). Each app instance keeps its own counts.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

/// Keys kept before old windows are swept out, to bound memory under attack.
const SWEEP_ABOVE_KEYS: usize = 10_000;

#[derive(Default)]
pub struct RateLimiter {
    attempts: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Records an attempt for `key`; refuses it with the time to wait when the limit is reached.
    pub fn check(&self, key: &str, limit: Limit) -> Result<(), Duration> {
        self.check_only(key, limit)?;
        self.record(key, limit);
        Ok(())
    }

    /// Refuses with the time to wait if `key` has reached the limit, without counting this one
    /// (sign-in counts only failures, so a busy shared address is not locked out by successes).
    pub fn check_only(&self, key: &str, limit: Limit) -> Result<(), Duration> {
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

    /// Counts an attempt against `key`.
    pub fn record(&self, key: &str, limit: Limit) {
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

    /// Forgets a key, e.g. after a successful sign-in.
    pub fn reset(&self, key: &str) {
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

    #[test]
    fn refuses_after_the_limit_and_names_the_wait() {
        let limiter = RateLimiter::default();
        let limit = Limit {
            max_attempts: 3,
            window: Duration::from_secs(60),
        };
        for _ in 0..3 {
            assert!(limiter.check("a", limit).is_ok());
        }
        let wait = limiter
            .check("a", limit)
            .expect_err("fourth attempt refused");
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert!(limiter.check("b", limit).is_ok(), "other keys unaffected");
        limiter.reset("a");
        assert!(limiter.check("a", limit).is_ok());
        assert!(limiter.check_only("c", limit).is_ok());
        assert!(
            limiter.check_only("c", limit).is_ok(),
            "check_only does not count"
        );
    }
}
