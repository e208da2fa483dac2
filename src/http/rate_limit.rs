//! Per-subject rate limiting: a token bucket per token subject, API key or (for anonymous
//! callers) client IP. Kept in memory per instance; behind a load balancer each instance limits
//! on its own, which bounds the total at instances x limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::RateLimitConfig;

/// Buckets beyond this count trigger a sweep of idle ones, bounding memory.
const SWEEP_THRESHOLD: usize = 10_000;

/// The buckets and when idle ones were last swept.
struct Buckets {
    by_subject: HashMap<String, Bucket>,
    last_sweep: Instant,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// The limiter shared by all workers.
pub struct RateLimiter {
    config: RateLimitConfig,
    buckets: Mutex<Buckets>,
}

impl RateLimiter {
    pub fn new(config: RateLimitConfig) -> Self {
        RateLimiter {
            config,
            buckets: Mutex::new(Buckets {
                by_subject: HashMap::new(),
                last_sweep: Instant::now(),
            }),
        }
    }

    fn refill_per_sec(&self) -> f64 {
        f64::from(self.config.per_minute.max(1)) / 60.0
    }

    /// Takes one request from `subject`'s bucket; `Err(wait)` when it is empty.
    pub fn check(&self, subject: &str) -> Result<(), Duration> {
        if !self.config.enabled {
            return Ok(());
        }
        let capacity = f64::from(self.config.burst.max(1));
        let rate = self.refill_per_sec();
        let now = Instant::now();
        // A poisoned lock only means another worker panicked mid-update; the map is still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        // Sweeping is O(buckets): at most once a second, so a flood of subjects cannot make
        // every request pay for it.
        if buckets.by_subject.len() > SWEEP_THRESHOLD
            && now.duration_since(buckets.last_sweep) > Duration::from_secs(1)
        {
            buckets.last_sweep = now;
            let idle = Duration::from_secs_f64(capacity / rate);
            buckets
                .by_subject
                .retain(|_, b| now.duration_since(b.updated) < idle);
        }
        let bucket = buckets
            .by_subject
            .entry(subject.to_string())
            .or_insert(Bucket {
                tokens: capacity,
                updated: now,
            });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refill() {
        let limiter = RateLimiter::new(RateLimitConfig {
            enabled: true,
            per_minute: 6000,
            burst: 2,
        });
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_err());
        assert!(
            limiter.check("b").is_ok(),
            "subjects are limited separately"
        );
        std::thread::sleep(Duration::from_millis(20));
        assert!(
            limiter.check("a").is_ok(),
            "100 per second refills within 20 ms"
        );
    }
}
