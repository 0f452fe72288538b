//! The abuse limits: which exist, whom each counts, how big each is, and what a refusal
//! says. The counts live in the database (`store::limits`), so every instance behind a
//! load balancer sees the same; the keys are keyed hashes of the client's address or the
//! applicant's number, never the address or number itself.
//!
//! What the portal guards against: SMS pumping (anyone may file without signing in, and
//! every filing texts the number given), sweeping reference numbers, guessing codes and
//! passwords, and filling the disk or the memory with uploads. An idempotent replay of an
//! accepted filing is recognised before any limit is charged, so it is never refused.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use nafitha_domain::Localized;

use crate::error::ApiError;
use crate::secret::Secret;
use crate::store::limits::{Charge, Quota, Refused};

use crate::clock::DAY_MS;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
/// How long counts are kept: no limit looks back further than two of its windows, and
/// the longest window is a day.
pub const COUNTERS_KEPT_MS: i64 = 2 * DAY_MS;

/// How big each limit is; 0 turns a limit off (benchmarks). Read by `config`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitSettings {
    /// Public tracking lookups per client per minute (`NAFITHA_TRACK_PER_MINUTE`, 30).
    pub track_per_minute: u32,
    /// Sign-in attempts (codes asked for or typed, staff passwords) per client per
    /// minute (`NAFITHA_SIGN_IN_PER_MINUTE`, 60: an agency's office shares one address).
    pub sign_in_per_minute: u32,
    /// Filings per client per hour (`NAFITHA_FILINGS_PER_CLIENT_HOUR`, 60: a mobile
    /// carrier's shared addresses carry many citizens; the per-number and SMS caps are
    /// the main defence).
    pub filings_per_client_hour: u32,
    /// Filings per applicant mobile number per hour (`NAFITHA_FILINGS_PER_PHONE_HOUR`, 5).
    pub filings_per_phone_hour: u32,
    /// SMS to one number per day, every kind counted (`NAFITHA_SMS_PER_PHONE_DAY`, 10).
    /// Filings and sign-in codes beyond it are refused; the agency's own messages about
    /// a request are counted but always sent.
    pub sms_per_phone_day: u32,
    /// Uploads per client per hour (`NAFITHA_UPLOADS_PER_CLIENT_HOUR`, 60).
    pub uploads_per_client_hour: u32,
    /// Megabytes uploaded per client per hour (`NAFITHA_UPLOAD_MB_PER_CLIENT_HOUR`, 200).
    pub upload_mb_per_client_hour: u32,
    /// Uploads one client may have in progress at once, per instance
    /// (`NAFITHA_UPLOADS_IN_FLIGHT_PER_CLIENT`, 4).
    pub uploads_in_flight_per_client: u32,
    /// Uploads in progress at once on one instance, from everyone
    /// (`NAFITHA_UPLOADS_IN_FLIGHT`, 32).
    pub uploads_in_flight: u32,
    /// Payment callbacks per client per minute (`NAFITHA_PAYMENT_CALLBACKS_PER_MINUTE`,
    /// 120: a gateway calls from few addresses; a forger guessing signatures gets no
    /// further than the key's length allows anyway).
    pub payment_callbacks_per_minute: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            track_per_minute: 30,
            sign_in_per_minute: 60,
            filings_per_client_hour: 60,
            filings_per_phone_hour: 5,
            sms_per_phone_day: 10,
            uploads_per_client_hour: 60,
            upload_mb_per_client_hour: 200,
            uploads_in_flight_per_client: 4,
            uploads_in_flight: 32,
            payment_callbacks_per_minute: 120,
        }
    }
}

/// A limit kept in the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Track,
    SignIn,
    FilingsPerClient,
    FilingsPerPhone,
    SmsPerPhone,
    UploadsPerClient,
    UploadBytesPerClient,
    /// Uploads in progress at once (kept in each instance's memory, not counted).
    UploadsInFlight,
    PaymentCallbacks,
}

impl Limit {
    /// The name counters, logs and metrics know the limit by.
    pub fn name(self) -> &'static str {
        match self {
            Limit::Track => "track",
            Limit::SignIn => "sign_in",
            Limit::FilingsPerClient => "filings_client",
            Limit::FilingsPerPhone => "filings_phone",
            Limit::SmsPerPhone => "sms_phone",
            Limit::UploadsPerClient => "uploads_client",
            Limit::UploadBytesPerClient => "upload_bytes_client",
            Limit::UploadsInFlight => "uploads_in_flight",
            Limit::PaymentCallbacks => "payment_callbacks",
        }
    }

    fn from_name(name: &str) -> Option<Limit> {
        [
            Limit::Track,
            Limit::SignIn,
            Limit::FilingsPerClient,
            Limit::FilingsPerPhone,
            Limit::SmsPerPhone,
            Limit::UploadsPerClient,
            Limit::UploadBytesPerClient,
            Limit::UploadsInFlight,
            Limit::PaymentCallbacks,
        ]
        .into_iter()
        .find(|l| l.name() == name)
    }
}

/// The limits of one instance: their sizes, the key their counters are hashed with,
/// and the uploads it is receiving now.
#[derive(Debug)]
pub struct Limits {
    settings: LimitSettings,
    secret: Secret,
    /// Uploads in progress, by client key. In memory: what is in flight is each
    /// instance's own memory and disk to protect.
    uploading: Mutex<HashMap<String, u32>>,
}

/// An upload in progress, counted until it is dropped.
#[derive(Debug)]
pub struct UploadPermit {
    limits: Arc<Limits>,
    client: String,
}

impl Drop for UploadPermit {
    fn drop(&mut self) {
        let mut uploading = self
            .limits
            .uploading
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = uploading.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                uploading.remove(&self.client);
            }
        }
    }
}

impl Limits {
    pub fn new(settings: LimitSettings, secret: Secret) -> Arc<Limits> {
        Arc::new(Limits {
            settings,
            secret,
            uploading: Mutex::default(),
        })
    }

    /// Counts an upload by `client` as in progress, unless this instance already
    /// receives as many as it allows from everyone or from this client: then 429.
    pub fn start_upload(self: &Arc<Self>, client: IpAddr) -> Result<UploadPermit, ApiError> {
        let client = client_key(client);
        let s = &self.settings;
        let mut uploading = self.uploading.lock().unwrap_or_else(|e| e.into_inner());
        let total: u32 = uploading.values().sum();
        let mine = uploading.get(&client).copied().unwrap_or(0);
        let full = (s.uploads_in_flight > 0 && total >= s.uploads_in_flight)
            || (s.uploads_in_flight_per_client > 0 && mine >= s.uploads_in_flight_per_client);
        if full {
            return Err(too_many(Refused {
                bucket: Limit::UploadsInFlight.name(),
                retry_after_ms: UPLOAD_BUSY_RETRY_MS,
            }));
        }
        *uploading.entry(client.clone()).or_insert(0) += 1;
        Ok(UploadPermit {
            limits: self.clone(),
            client,
        })
    }

    /// The quota of `limit`; `None` when it is turned off.
    pub fn quota(&self, limit: Limit) -> Option<Quota> {
        let s = &self.settings;
        let (max, window_ms) = match limit {
            Limit::Track => (s.track_per_minute, MINUTE_MS),
            Limit::SignIn => (s.sign_in_per_minute, MINUTE_MS),
            Limit::FilingsPerClient => (s.filings_per_client_hour, HOUR_MS),
            Limit::FilingsPerPhone => (s.filings_per_phone_hour, HOUR_MS),
            Limit::SmsPerPhone => (s.sms_per_phone_day, DAY_MS),
            Limit::UploadsPerClient => (s.uploads_per_client_hour, HOUR_MS),
            Limit::UploadBytesPerClient => (s.upload_mb_per_client_hour, HOUR_MS),
            Limit::PaymentCallbacks => (s.payment_callbacks_per_minute, MINUTE_MS),
            Limit::UploadsInFlight => return None,
        };
        let max = i64::from(max);
        let max = if limit == Limit::UploadBytesPerClient {
            max * 1024 * 1024
        } else {
            max
        };
        (max > 0).then_some(Quota { max, window_ms })
    }

    /// The counter key of `subject` (a client key or a phone number) for `limit`.
    pub fn key(&self, limit: Limit, subject: &str) -> String {
        self.secret.short_hash("limit", &[limit.name(), subject])
    }

    /// What `limit` charges `subject` for an attempt costing `cost`; `None` when the
    /// limit is off.
    pub fn charge(&self, limit: Limit, subject: &str, cost: i64) -> Option<Charge> {
        Some(Charge {
            bucket: limit.name(),
            key: self.key(limit, subject),
            quota: self.quota(limit)?,
            cost,
        })
    }

    /// The two counts a staff sign-in as `username` from `client` goes through: this
    /// username from this client (a few free tries, then waits doubling up to a quarter
    /// of an hour: guessing from one place is soon hopeless), and this username from
    /// anywhere (more free tries, waits up to five minutes). The second is not enforced
    /// for a browser holding the username's device cookie (`known_device`): strangers'
    /// guesses cannot keep the owner out of the browser they work from. The keys do not
    /// depend on whether the account exists.
    pub fn staff_sign_in_throttles(
        &self,
        username: &str,
        client: IpAddr,
        known_device: bool,
    ) -> [Throttle; 2] {
        let key = |parts: &[&str]| self.secret.short_hash("staff sign-in", parts);
        [
            Throttle {
                key: key(&[username, &client_key(client)]),
                free: CLIENT_FREE_TRIES,
                max_delay_ms: CLIENT_MAX_DELAY_MS,
                enforced: true,
            },
            Throttle {
                key: key(&[username]),
                free: ACCOUNT_FREE_TRIES,
                max_delay_ms: ACCOUNT_MAX_DELAY_MS,
                enforced: !known_device,
            },
        ]
    }

    /// A new device token for `username`: a random nonce and its keyed hash.
    pub fn device_token(&self, username: &str) -> String {
        let nonce = crate::secret::hex(&rand::random::<[u8; 16]>());
        let mac = self.device_mac(username, &nonce);
        format!("{nonce}.{mac}")
    }

    /// True when `token` is a device token made for `username`.
    pub fn is_device_of(&self, token: &str, username: &str) -> bool {
        token
            .split_once('.')
            .is_some_and(|(nonce, mac)| crate::secret::same(&self.device_mac(username, nonce), mac))
    }

    fn device_mac(&self, username: &str, nonce: &str) -> String {
        self.secret.short_hash("staff device", &[username, nonce])
    }

    /// Charges `limit` once for `client`: 429 with the wait when over it.
    pub async fn check(
        &self,
        store: &crate::store::Store,
        limit: Limit,
        client: IpAddr,
        now_ms: i64,
    ) -> Result<(), ApiError> {
        let charges: Vec<Charge> = self
            .charge(limit, &client_key(client), 1)
            .into_iter()
            .collect();
        match store.charge_limits(&charges, now_ms).await? {
            Some(refused) => Err(too_many(refused)),
            None => Ok(()),
        }
    }
}

/// When uploads are refused for being too many at once, the wait suggested.
const UPLOAD_BUSY_RETRY_MS: i64 = 5_000;

/// After a day without a wrong password, a username's (and a client's) count of wrong
/// passwords starts again from nothing.
pub const THROTTLE_QUIET_MS: i64 = DAY_MS;
/// Wrong passwords from one client for one username before the first wait, and the
/// longest wait they can build up to.
const CLIENT_FREE_TRIES: i64 = 3;
const CLIENT_MAX_DELAY_MS: i64 = 15 * MINUTE_MS;
/// Wrong passwords for one username from anywhere before every client without the
/// username's device cookie waits, and the longest such wait.
const ACCOUNT_FREE_TRIES: i64 = 10;
const ACCOUNT_MAX_DELAY_MS: i64 = 5 * MINUTE_MS;
/// How long a browser stays known as one a staff member signed in from.
pub const DEVICE_COOKIE_MS: i64 = 365 * DAY_MS;

/// One count of wrong staff passwords and the waits it imposes: nothing for the free
/// tries, then a wait after each further wrong password that doubles from one second up
/// to `max_delay_ms`. Every attempt is counted as wrong before the password is checked
/// (and the count cleared when it was right), so guesses sent in parallel are all
/// counted and all wait.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Throttle {
    /// The count's key (a keyed hash of the username, or of the username and client).
    pub key: String,
    pub free: i64,
    pub max_delay_ms: i64,
    /// When false the attempt is counted but never refused by this count.
    pub enforced: bool,
}

impl Throttle {
    /// The wait after the `failures`-th wrong password in a row.
    pub fn delay_ms(&self, failures: i64) -> i64 {
        if failures < self.free {
            return 0;
        }
        let steps = u32::try_from(failures - self.free)
            .unwrap_or(u32::MAX)
            .min(30);
        (1_000i64 << steps).min(self.max_delay_ms)
    }
}

/// Whom a client address stands for/// Whom a client address stands for: an IPv4 address, or an IPv6 address's /64 (one
/// subscriber's network, where the host part is the client's to change at will).
pub fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The 429 for a refused charge: `Retry-After` and a message saying which limit, in both
/// languages. Recorded as a security event (the limit's name, never whom it counted).
pub fn too_many(refused: Refused) -> ApiError {
    let wait_s = u64::try_from((refused.retry_after_ms + 999) / 1000)
        .unwrap_or(1)
        .max(1);
    let limit = Limit::from_name(refused.bucket);
    crate::metrics::limit_hit(refused.bucket);
    tracing::warn!(target: "security", security_event = "limit_hit", limit = refused.bucket);
    let wait = Wait(wait_s);
    let message = match limit {
        Some(Limit::FilingsPerClient | Limit::FilingsPerPhone) => Localized::new(
            format!(
                "أُرسلت طلبات كثيرة في وقت قصير. يمكنك إرسال طلب جديد بعد {}",
                wait.ar()
            ),
            format!(
                "Many requests were sent in a short time. You can send a new one in {}",
                wait.en()
            ),
        ),
        Some(Limit::SmsPerPhone) => Localized::new(
            format!(
                "أُرسلت إلى هذا الرقم رسائل كثيرة اليوم. حاول مرة أخرى بعد {}",
                wait.ar()
            ),
            format!(
                "This number has been sent many messages today. Try again in {}",
                wait.en()
            ),
        ),
        Some(Limit::UploadsInFlight) => Localized::new(
            format!(
                "تُرفع ملفات كثيرة في الوقت نفسه. حاول مرة أخرى بعد {}",
                wait.ar()
            ),
            format!(
                "Many files are being uploaded at the same time. Try again in {}",
                wait.en()
            ),
        ),
        Some(Limit::UploadsPerClient | Limit::UploadBytesPerClient) => Localized::new(
            format!(
                "رُفعت ملفات كثيرة في وقت قصير. حاول مرة أخرى بعد {}",
                wait.ar()
            ),
            format!(
                "Many files were uploaded in a short time. Try again in {}",
                wait.en()
            ),
        ),
        _ => Localized::new(
            format!("محاولات كثيرة. حاول مرة أخرى بعد {}", wait.ar()),
            format!("Too many attempts. Try again in {}", wait.en()),
        ),
    };
    ApiError::TooManyRequests {
        retry_after_s: wait_s,
        message,
    }
}

/// A wait, said in seconds, minutes or hours as fits.
struct Wait(u64);

impl Wait {
    fn parts(&self) -> (u64, u8) {
        match self.0 {
            s if s < 120 => (s, 0),
            s if s < 2 * 3600 => (s.div_ceil(60), 1),
            s => (s.div_ceil(3600), 2),
        }
    }

    fn en(&self) -> String {
        let (n, unit) = self.parts();
        let unit = ["seconds", "minutes", "hours"][usize::from(unit)];
        format!("{n} {unit}")
    }

    fn ar(&self) -> String {
        let (n, unit) = self.parts();
        let unit = ["ثانية", "دقيقة", "ساعة"][usize::from(unit)];
        format!("{n} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(settings: LimitSettings) -> Arc<Limits> {
        Limits::new(settings, Secret::from_text(&"k".repeat(32)).unwrap())
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_network() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(c));
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().unwrap();
        assert_eq!(client_key(mapped), "10.1.2.3");
    }

    #[test]
    fn a_limit_set_to_zero_is_off_and_keys_hide_the_subject() {
        let off = limits(LimitSettings {
            filings_per_phone_hour: 0,
            ..LimitSettings::default()
        });
        assert!(off
            .charge(Limit::FilingsPerPhone, "+966512345678", 1)
            .is_none());
        let charge = off.charge(Limit::FilingsPerClient, "10.0.0.1", 1).unwrap();
        assert_eq!(charge.quota.max, 60);
        assert!(!charge.key.contains("10.0.0.1") && charge.key.len() == 32);
        let bytes = off.quota(Limit::UploadBytesPerClient).unwrap();
        assert_eq!(bytes.max, 200 * 1024 * 1024);
    }

    #[test]
    fn uploads_in_flight_are_capped_per_client_and_freed_when_done() {
        let limits = limits(LimitSettings {
            uploads_in_flight_per_client: 2,
            uploads_in_flight: 3,
            ..LimitSettings::default()
        });
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let first = limits.start_upload(a).unwrap();
        let _second = limits.start_upload(a).unwrap();
        assert!(limits.start_upload(a).is_err(), "a third from one client");
        let _other = limits.start_upload(b).unwrap();
        assert!(limits.start_upload(b).is_err(), "a fourth in all");
        drop(first);
        assert!(limits.start_upload(a).is_ok(), "freed when one ends");
    }

    #[test]
    fn wrong_passwords_cost_doubling_waits_and_a_known_device_is_not_held_by_strangers() {
        let limits = limits(LimitSettings::default());
        let client: IpAddr = "10.0.0.1".parse().unwrap();
        let [pair, account] = limits.staff_sign_in_throttles("agent.one", client, false);
        assert_eq!(
            (pair.delay_ms(2), pair.delay_ms(3), pair.delay_ms(6)),
            (0, 1_000, 8_000)
        );
        assert_eq!(pair.delay_ms(1_000), 15 * 60_000);
        assert_eq!(
            (account.delay_ms(9), account.delay_ms(1_000)),
            (0, 5 * 60_000)
        );
        assert!(pair.enforced && account.enforced);
        let [_, known] = limits.staff_sign_in_throttles("agent.one", client, true);
        assert!(!known.enforced);
        assert_eq!(known.key, account.key, "one count per username");
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        assert_ne!(
            limits.staff_sign_in_throttles("agent.one", other, false)[0].key,
            pair.key
        );
    }

    #[test]
    fn a_device_token_holds_only_for_its_username() {
        let limits = limits(LimitSettings::default());
        let token = limits.device_token("agent.one");
        assert!(limits.is_device_of(&token, "agent.one"));
        assert!(!limits.is_device_of(&token, "agent.two"));
        assert!(!limits.is_device_of("forged.0123", "agent.one"));
        assert!(!limits.is_device_of("", "agent.one"));
    }

    #[test]
    fn a_refusal_says_which_limit_and_when_in_both_languages() {
        let error = too_many(Refused {
            bucket: "filings_phone",
            retry_after_ms: 1_500_000,
        });
        let ApiError::TooManyRequests {
            retry_after_s,
            message,
        } = error
        else {
            panic!("a 429");
        };
        assert_eq!(retry_after_s, 1500);
        assert!(message.en.contains("25 minutes"), "{}", message.en);
        assert!(message.ar.contains("25 دقيقة"), "{}", message.ar);
    }
}
