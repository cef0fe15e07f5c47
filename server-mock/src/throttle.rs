//! Rate limits: a token bucket per device and per client address, so one
//! phone (or one script) flooding the city's inbox gets `429 Too Many
//! Requests` with `Retry-After` while everyone else is still served.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};

/// A bucket's size and refill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Requests allowed at once.
    pub burst: u32,
    /// Requests allowed per second over time.
    pub per_second: f64,
}

/// The limits a server applies; `None` turns one off (the load benchmark).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Writes (POST, PUT) from one `device_id`.
    pub per_device: Option<Rate>,
    /// Writes from one client IP address (NAT puts many phones behind one).
    pub per_address: Option<Rate>,
    /// Longest a request may take, body included (slow-body clients are cut off).
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_device: Some(Rate { burst: 60, per_second: 1.0 }),
            per_address: Some(Rate { burst: 600, per_second: 50.0 }),
            request_timeout: Duration::from_secs(30),
        }
    }
}

impl Limits {
    /// No rate limits (the request timeout stays).
    pub fn unlimited() -> Self {
        Limits { per_device: None, per_address: None, ..Limits::default() }
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets by key. Pure apart from the clock it is given.
#[derive(Default)]
pub struct Buckets {
    map: Mutex<HashMap<String, Bucket>>,
}

/// Keys kept before idle full buckets are forgotten.
const SWEEP_AT: usize = 10_000;

impl Buckets {
    /// Takes one token from `key`'s bucket at `now`, or says how long until one is there.
    pub fn take(&self, key: &str, rate: Rate, now: Instant) -> Result<(), Duration> {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= SWEEP_AT {
            // A full bucket is the same as none: drop those so random keys cannot grow the map.
            map.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate.per_second < f64::from(rate.burst)
            });
        }
        let b = map.entry(key.to_owned()).or_insert(Bucket { tokens: f64::from(rate.burst), at: now });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * rate.per_second).min(f64::from(rate.burst));
        b.at = now.max(b.at);
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            let wait = if rate.per_second > 0.0 { (1.0 - b.tokens) / rate.per_second } else { 3600.0 };
            Err(Duration::from_secs_f64(wait))
        }
    }
}

/// The shared limiter of one server.
#[derive(Default)]
pub struct Throttle {
    buckets: Buckets,
}

impl Throttle {
    /// One write from `device`; `Err` is the wait to send back with a 429 ([`too_many`]).
    pub fn device(&self, limits: &Limits, device: Option<&str>) -> Result<(), Duration> {
        match (limits.per_device, device) {
            (Some(rate), Some(d)) => self.buckets.take(&format!("d:{d}"), rate, Instant::now()),
            _ => Ok(()),
        }
    }
}

/// `429` with `Retry-After` in whole seconds (at least 1).
pub fn too_many(wait: Duration) -> Response {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let secs = secs.max(1);
    let mut r = (
        StatusCode::TOO_MANY_REQUESTS,
        Json(serde_json::json!({ "code": "rate_limited", "message": format!("too many requests; retry in {secs} s") })),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// Middleware: writes from one address beyond its rate get 429. Reads are
/// not limited here (they are cheap and cached by clients).
pub(crate) async fn per_address(State(s): State<Arc<crate::AppState>>, req: Request, next: Next) -> Response {
    let write = matches!(*req.method(), Method::POST | Method::PUT | Method::DELETE | Method::PATCH);
    if let (true, Some(rate)) = (write, s.config.limits.per_address) {
        let ip = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        if let Some(ip) = ip {
            if let Err(wait) = s.throttle.buckets.take(&format!("a:{ip}"), rate, Instant::now()) {
                return too_many(wait);
            }
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_then_refills() {
        let b = Buckets::default();
        let rate = Rate { burst: 3, per_second: 2.0 };
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(b.take("x", rate, t0).is_ok());
        }
        let wait = b.take("x", rate, t0).unwrap_err();
        assert!((wait.as_secs_f64() - 0.5).abs() < 1e-6, "{wait:?}");
        assert!(b.take("y", rate, t0).is_ok(), "another key has its own bucket");
        assert!(b.take("x", rate, t0 + Duration::from_millis(500)).is_ok());
        assert!(b.take("x", rate, t0 + Duration::from_millis(500)).is_err());
    }

    #[test]
    fn a_clock_going_back_does_not_mint_tokens() {
        let b = Buckets::default();
        let rate = Rate { burst: 1, per_second: 1.0 };
        let t0 = Instant::now() + Duration::from_secs(10);
        assert!(b.take("x", rate, t0).is_ok());
        assert!(b.take("x", rate, t0 - Duration::from_secs(5)).is_err());
    }

    #[test]
    fn retry_after_is_whole_seconds_at_least_one() {
        let r = too_many(Duration::from_millis(200));
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()[header::RETRY_AFTER], "1");
        assert_eq!(too_many(Duration::from_millis(2100)).headers()[header::RETRY_AFTER], "3");
    }
}
