//! Where attachment files are kept: `NAFITHA_OBJECT_STORE` chooses a local directory (the
//! default, `<data dir>/uploads`) or an S3-compatible bucket, with `NAFITHA_S3_ENDPOINT`,
//! `NAFITHA_S3_REGION`, `NAFITHA_S3_PATH_STYLE` and the standard AWS credential variables.
//! This module only reads and checks the settings; `attachments::objects` opens them.
//! Credentials never appear in a message or a `Debug` print.

use std::path::{Path, PathBuf};

use super::ConfigError;

/// The attachment store chosen by the settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectStoreConfig {
    /// Files in a directory of this machine (one instance, or a directory every instance
    /// mounts).
    Local(PathBuf),
    /// Objects in an S3-compatible bucket, shared by every instance.
    S3(S3Config),
}

/// An S3-compatible bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Config {
    /// The bucket's name (S3's rules: 3 to 63 lowercase letters, digits, hyphens, dots).
    pub bucket: String,
    /// Where in the bucket the files go (`s3://bucket/nafitha/uploads`), if not at its top.
    pub prefix: Option<String>,
    /// `NAFITHA_S3_ENDPOINT`: the service's address (`https://s3.example.sa`, or
    /// `http://127.0.0.1:9000`, which then allows plain HTTP); unset: AWS for the region.
    pub endpoint: Option<String>,
    /// `NAFITHA_S3_REGION`, else `AWS_REGION` or `AWS_DEFAULT_REGION`, else `us-east-1`.
    pub region: String,
    /// `NAFITHA_S3_PATH_STYLE`: `https://host/bucket/key` rather than
    /// `https://bucket.host/key`. On by default with an endpoint (on-premises stores
    /// seldom resolve bucket host names), off for AWS.
    pub path_style: bool,
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`; unset: a web
    /// identity token (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`) or the machine's
    /// instance role.
    pub credentials: Option<S3Credentials>,
}

/// Static S3 credentials. Their `Debug` hides the secret parts.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for S3Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("session_token", &self.session_token.as_ref().map(|_| "***"))
            .finish()
    }
}

impl ObjectStoreConfig {
    /// The default: `<data dir>/uploads`.
    pub fn in_data_dir(data_dir: &Path) -> ObjectStoreConfig {
        ObjectStoreConfig::Local(data_dir.join("uploads"))
    }

    /// Where the files are, for logs and errors (never a credential).
    pub fn describe(&self) -> String {
        match self {
            ObjectStoreConfig::Local(dir) => format!("the directory {}", dir.display()),
            ObjectStoreConfig::S3(s3) => {
                let prefix = s3
                    .prefix
                    .as_deref()
                    .map(|p| format!("/{p}"))
                    .unwrap_or_default();
                let at = s3
                    .endpoint
                    .as_deref()
                    .map(|e| format!(" at {e}"))
                    .unwrap_or_default();
                format!("the bucket s3://{}{prefix}{at}", s3.bucket)
            }
        }
    }
}

const STORE_KEY: &str = "NAFITHA_OBJECT_STORE";
const S3_KEYS: [&str; 3] = [
    "NAFITHA_S3_ENDPOINT",
    "NAFITHA_S3_REGION",
    "NAFITHA_S3_PATH_STYLE",
];

fn bad(message: String) -> ConfigError {
    ConfigError::ObjectStore(message)
}

/// `raw` as it may be repeated in a message: anything before an `@` (a user and password)
/// hidden.
fn shown(raw: &str) -> String {
    match (raw.find("://"), raw.rfind('@')) {
        (Some(start), Some(at)) if at > start => format!("{}***{}", &raw[..start + 3], &raw[at..]),
        _ => raw.to_owned(),
    }
}

/// Reads `NAFITHA_OBJECT_STORE` and, for a bucket, the S3 settings.
pub(super) fn read(
    get: &impl Fn(&str) -> Option<String>,
    data_dir: &Path,
) -> Result<ObjectStoreConfig, ConfigError> {
    let Some(raw_value) = get(STORE_KEY) else {
        refuse_s3_settings_without_a_bucket(get)?;
        return Ok(ObjectStoreConfig::in_data_dir(data_dir));
    };
    let raw = &shown(raw_value.trim());
    let usage = || {
        bad(format!(
            "{STORE_KEY} must be file:///absolute/directory or s3://bucket[/prefix] (got {raw:?})"
        ))
    };
    let url = url::Url::parse(raw_value.trim()).map_err(|_| usage())?;
    match url.scheme() {
        "file" => {
            refuse_s3_settings_without_a_bucket(get)?;
            local(raw, &url).map(ObjectStoreConfig::Local)
        }
        "s3" => s3(get, raw, &url).map(ObjectStoreConfig::S3),
        _ => Err(usage()),
    }
}

fn refuse_s3_settings_without_a_bucket(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    match S3_KEYS.into_iter().find(|key| get(key).is_some()) {
        Some(key) => Err(bad(format!(
            "{key} is set but {STORE_KEY} is not an s3:// bucket: set both, or neither"
        ))),
        None => Ok(()),
    }
}

fn local(raw: &str, url: &url::Url) -> Result<PathBuf, ConfigError> {
    let host_ok = matches!(url.host_str(), None | Some("") | Some("localhost"));
    let path = match url.to_file_path() {
        Ok(path) if host_ok && url.query().is_none() && url.fragment().is_none() => path,
        _ => {
            return Err(bad(format!(
                "{STORE_KEY} needs an absolute directory, like file:///var/lib/nafitha/uploads (got {raw:?})"
            )))
        }
    };
    if path.parent().is_none() {
        return Err(bad(format!(
            "{STORE_KEY} must not be the root directory (got {raw:?})"
        )));
    }
    Ok(path)
}

fn s3(
    get: &impl Fn(&str) -> Option<String>,
    raw: &str,
    url: &url::Url,
) -> Result<S3Config, ConfigError> {
    if !url.username().is_empty() || url.password().is_some() {
        // Never echo the value: it holds a credential.
        return Err(bad(format!(
            "{STORE_KEY} must not carry credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )));
    }
    if url.port().is_some() || url.query().is_some() || url.fragment().is_some() {
        return Err(bad(format!(
            "{STORE_KEY} must be s3://bucket or s3://bucket/prefix, the service's address in NAFITHA_S3_ENDPOINT (got {raw:?})"
        )));
    }
    let bucket = url.host_str().unwrap_or_default().to_owned();
    if !is_bucket_name(&bucket) {
        return Err(bad(format!(
            "{STORE_KEY} names a bucket S3 does not allow: 3 to 63 lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit (got {raw:?})"
        )));
    }
    let prefix = url.path().trim_matches('/');
    let prefix = if prefix.is_empty() {
        None
    } else {
        let segments_ok = prefix
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != ".." && s.chars().all(is_key_char));
        if !segments_ok {
            return Err(bad(format!(
                "{STORE_KEY}'s prefix must be path segments of letters, digits and - _ . (got {raw:?})"
            )));
        }
        Some(prefix.to_owned())
    };
    let endpoint = get("NAFITHA_S3_ENDPOINT")
        .map(|value| {
            let value = value.trim();
            let raw = shown(value);
            match url::Url::parse(value) {
                Ok(e)
                    if matches!(e.scheme(), "http" | "https")
                        && e.host_str().is_some_and(|h| !h.is_empty())
                        && e.username().is_empty()
                        && e.password().is_none()
                        && matches!(e.path(), "" | "/")
                        && e.query().is_none()
                        && e.fragment().is_none() =>
                {
                    Ok(value.trim_end_matches('/').to_owned())
                }
                _ => Err(bad(format!(
                    "NAFITHA_S3_ENDPOINT must be an http(s) address without a path, like https://s3.example.sa or http://127.0.0.1:9000 (got {raw:?})"
                ))),
            }
        })
        .transpose()?;
    let region = match get("NAFITHA_S3_REGION")
        .or_else(|| get("AWS_REGION"))
        .or_else(|| get("AWS_DEFAULT_REGION"))
    {
        None => "us-east-1".to_owned(),
        Some(raw) => {
            let region = raw.trim();
            let ok = (1..=64).contains(&region.len())
                && region
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                return Err(bad(format!(
                    "NAFITHA_S3_REGION must be a region name like me-central-1 (got {raw:?})"
                )));
            }
            region.to_owned()
        }
    };
    let path_style = match get("NAFITHA_S3_PATH_STYLE") {
        None => endpoint.is_some(),
        Some(raw) => match raw.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" => true,
            "0" | "false" | "no" => false,
            _ => {
                return Err(bad(format!(
                    "NAFITHA_S3_PATH_STYLE must be 1 or 0 (got {raw:?})"
                )))
            }
        },
    };
    let credentials = match (get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => Some(S3Credentials {
            access_key_id: id.trim().to_owned(),
            secret_access_key: secret.trim().to_owned(),
            session_token: get("AWS_SESSION_TOKEN").map(|t| t.trim().to_owned()),
        }),
        (None, None) => None,
        (Some(_), None) => {
            return Err(bad(
                "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY: set both, or neither"
                    .into(),
            ))
        }
        (None, Some(_)) => {
            return Err(bad(
                "AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID: set both, or neither"
                    .into(),
            ))
        }
    };
    Ok(S3Config {
        bucket,
        prefix,
        endpoint,
        region,
        path_style,
        credentials,
    })
}

/// S3's rules for bucket names (the ones that matter for addressing them).
fn is_bucket_name(name: &str) -> bool {
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && edge_ok(name.chars().next())
        && edge_ok(name.chars().last())
        && !name.contains("..")
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read_with(pairs: &[(&str, &str)]) -> Result<ObjectStoreConfig, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        read(&|k: &str| map.get(k).cloned(), Path::new("/srv/data"))
    }

    fn message(pairs: &[(&str, &str)]) -> String {
        read_with(pairs).unwrap_err().to_string()
    }

    #[test]
    fn the_default_is_the_uploads_directory_in_the_data_directory() {
        assert_eq!(
            read_with(&[]).unwrap(),
            ObjectStoreConfig::Local(PathBuf::from("/srv/data/uploads"))
        );
        assert_eq!(
            read_with(&[("NAFITHA_OBJECT_STORE", "file:///mnt/shared/uploads/")]).unwrap(),
            ObjectStoreConfig::Local(PathBuf::from("/mnt/shared/uploads/"))
        );
    }

    #[test]
    fn a_bucket_with_an_endpoint_uses_path_style_and_the_given_credentials() {
        let config = read_with(&[
            ("NAFITHA_OBJECT_STORE", "s3://nafitha-files/prod/uploads/"),
            ("NAFITHA_S3_ENDPOINT", "http://127.0.0.1:9000/"),
            ("NAFITHA_S3_REGION", "me-central-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG"),
        ])
        .unwrap();
        let ObjectStoreConfig::S3(s3) = config else {
            panic!("a bucket")
        };
        assert_eq!(s3.bucket, "nafitha-files");
        assert_eq!(s3.prefix.as_deref(), Some("prod/uploads"));
        assert_eq!(s3.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(s3.region, "me-central-1");
        assert!(s3.path_style);
        let credentials = s3.credentials.clone().unwrap();
        assert_eq!(credentials.secret_access_key, "wJalrXUtnFEMI/K7MDENG");
        let printed = format!("{s3:?}");
        assert!(!printed.contains("wJalrXUtnFEMI"), "{printed}");
        let described = ObjectStoreConfig::S3(s3).describe();
        assert_eq!(
            described,
            "the bucket s3://nafitha-files/prod/uploads at http://127.0.0.1:9000"
        );
    }

    #[test]
    fn a_bucket_on_aws_uses_virtual_hosts_and_the_standard_region_variables() {
        let ObjectStoreConfig::S3(s3) = read_with(&[
            ("NAFITHA_OBJECT_STORE", "s3://nafitha-files"),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
        ])
        .unwrap() else {
            panic!("a bucket")
        };
        assert_eq!(s3.prefix, None);
        assert_eq!(s3.endpoint, None);
        assert_eq!(s3.region, "eu-west-1");
        assert!(!s3.path_style);
        assert_eq!(s3.credentials, None, "the instance's role then");
    }

    #[test]
    fn bad_object_store_settings_are_refused_naming_the_variable() {
        let cases: [(&[(&str, &str)], &str); 12] = [
            (
                &[("NAFITHA_OBJECT_STORE", "ftp://x/y")],
                "NAFITHA_OBJECT_STORE must be",
            ),
            (
                &[("NAFITHA_OBJECT_STORE", "uploads")],
                "NAFITHA_OBJECT_STORE must be",
            ),
            (
                &[("NAFITHA_OBJECT_STORE", "file://data/uploads")],
                "absolute directory",
            ),
            (&[("NAFITHA_OBJECT_STORE", "file:///")], "root directory"),
            (
                &[("NAFITHA_OBJECT_STORE", "s3://Bad_Bucket")],
                "names a bucket",
            ),
            (&[("NAFITHA_OBJECT_STORE", "s3://ab")], "names a bucket"),
            (&[("NAFITHA_OBJECT_STORE", "s3://bucket/a//b")], "prefix"),
            (&[("NAFITHA_OBJECT_STORE", "s3://bucket/a*b")], "prefix"),
            (
                &[
                    ("NAFITHA_OBJECT_STORE", "s3://bucket"),
                    ("NAFITHA_S3_ENDPOINT", "s3.example.sa"),
                ],
                "NAFITHA_S3_ENDPOINT must be",
            ),
            (
                &[
                    ("NAFITHA_OBJECT_STORE", "s3://bucket"),
                    ("NAFITHA_S3_PATH_STYLE", "maybe"),
                ],
                "NAFITHA_S3_PATH_STYLE must be",
            ),
            (
                &[
                    ("NAFITHA_OBJECT_STORE", "s3://bucket"),
                    ("AWS_ACCESS_KEY_ID", "AKID"),
                ],
                "without AWS_SECRET_ACCESS_KEY",
            ),
            (
                &[("NAFITHA_S3_ENDPOINT", "http://127.0.0.1:9000")],
                "NAFITHA_S3_ENDPOINT is set but",
            ),
        ];
        for (pairs, expected) in cases {
            let message = message(pairs);
            assert!(message.contains(expected), "{pairs:?}: {message}");
        }
    }

    #[test]
    fn credentials_in_the_store_url_are_refused_without_being_repeated() {
        let message = message(&[("NAFITHA_OBJECT_STORE", "s3://AKID:topsecret@bucket")]);
        assert!(message.contains("must not carry credentials"), "{message}");
        assert!(!message.contains("topsecret"), "{message}");
    }
}
