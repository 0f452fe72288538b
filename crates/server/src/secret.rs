//! The server's secret: the key of every keyed hash the server stores (sign-in codes,
//! the keys of the abuse counters), so that a copy of the database alone cannot be
//! searched for a code or a phone number. It comes from `NAFITHA_SECRET`, or, for the
//! single-instance default, from `<data dir>/secret.key`, generated on first start. It is
//! never logged, and never stored in the database.

use std::path::Path;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The shortest secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;
/// The file the generated secret is kept in, inside the data directory.
pub const SECRET_FILE: &str = "secret.key";

/// A key for keyed hashes (HMAC-SHA-256).
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Secret {
    /// A secret from its text form (at least [`MIN_SECRET_BYTES`] bytes, e.g. 64 hex
    /// digits); `None` when too short.
    pub fn from_text(text: &str) -> Option<Secret> {
        let text = text.trim();
        (text.len() >= MIN_SECRET_BYTES).then(|| Secret(text.as_bytes().to_vec()))
    }

    /// The secret kept in `<data_dir>/secret.key`, made (random, readable by the owner
    /// only) when the file does not exist yet.
    pub fn load_or_create(data_dir: &Path) -> std::io::Result<Secret> {
        let path = data_dir.join(SECRET_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Secret::from_text(&text).ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "{} is shorter than {MIN_SECRET_BYTES} bytes",
                        path.display()
                    ),
                )
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let text = hex(&rand::random::<[u8; 32]>());
                write_private(&path, &text)?;
                Ok(Secret(text.into_bytes()))
            }
            Err(error) => Err(error),
        }
    }

    /// [`Secret::keyed_hash`] cut to 128 bits (32 hex digits): enough to tell subjects
    /// apart in a key or a token, at half the length.
    pub fn short_hash(&self, purpose: &str, parts: &[&str]) -> String {
        let mut hash = self.keyed_hash(purpose, parts);
        hash.truncate(32);
        hash
    }

    /// HMAC-SHA-256 of `parts` (each length-prefixed, so no two lists hash alike) under
    /// this secret, as hex. `purpose` separates the uses of the one key.
    pub fn keyed_hash(&self, purpose: &str, parts: &[&str]) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        for part in std::iter::once(purpose).chain(parts.iter().copied()) {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        hex(&mac.finalize().into_bytes())
    }
}

impl Secret {
    /// HMAC-SHA-256 of `bytes` exactly as given (no framing: what another party signs
    /// with a shared key, such as a payment's callback), as lowercase hex.
    pub fn sign(&self, bytes: &[u8]) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(bytes);
        hex(&mac.finalize().into_bytes())
    }

    /// A secret of its own for `purpose`, derived from this one (a keyed hash of the
    /// purpose): knowing it tells nothing of this one.
    pub fn derive(&self, purpose: &str) -> Secret {
        Secret(self.keyed_hash(purpose, &[]).into_bytes())
    }
}

/// True when `a` and `b` are equal, compared in a time that does not depend on where they
/// differ (for comparing a keyed hash with one sent or stored).
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Bytes as lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_kept_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let first = Secret::load_or_create(dir.path()).unwrap();
        let again = Secret::load_or_create(dir.path()).unwrap();
        assert_eq!(first.keyed_hash("t", &["x"]), again.keyed_hash("t", &["x"]));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(SECRET_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn keyed_hashes_depend_on_the_key_the_purpose_and_the_split_of_parts() {
        let a = Secret::from_text(&"a".repeat(32)).unwrap();
        let b = Secret::from_text(&"b".repeat(32)).unwrap();
        assert_ne!(a.keyed_hash("p", &["x"]), b.keyed_hash("p", &["x"]));
        assert_ne!(a.keyed_hash("p", &["x"]), a.keyed_hash("q", &["x"]));
        assert_ne!(
            a.keyed_hash("p", &["ab", "c"]),
            a.keyed_hash("p", &["a", "bc"])
        );
        assert!(Secret::from_text("short").is_none());
        assert_eq!(format!("{a:?}"), "Secret(***)");
    }
}
