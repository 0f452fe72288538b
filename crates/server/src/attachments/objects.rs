//! The store attachment files live in: a local directory, or an S3-compatible bucket
//! shared by every instance (through `object_store`). It owns how a file goes in (a part
//! at a time, so an upload never holds a whole file in memory), how it comes out (as a
//! stream) and how it is removed. It knows nothing of requests or who may read a file.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use object_store::path::Path as ObjectPath;
use object_store::ObjectStore;

use crate::config::{ObjectStoreConfig, S3Config};

/// Size of the parts a file is stored in on a local directory: what one upload holds in
/// memory at a time.
const LOCAL_PART_BYTES: usize = 1024 * 1024;
/// Size of the parts on S3: the smallest part S3 accepts (but for the last). A file no
/// larger is sent in one request.
const S3_PART_BYTES: usize = 5 * 1024 * 1024;
/// Longest the start-up check of the store may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(20);

/// Where attachment files are kept. Cheap to clone.
#[derive(Clone)]
pub struct Objects {
    store: Arc<dyn ObjectStore>,
    /// The size of the parts a file is written in.
    part_bytes: usize,
    /// Where, for logs and errors.
    described: Arc<str>,
}

impl std::fmt::Debug for Objects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Objects")
            .field("at", &self.described)
            .field("part_bytes", &self.part_bytes)
            .finish()
    }
}

/// A stored file on its way out: its size and its bytes as they arrive.
pub struct Download {
    pub size: u64,
    pub stream: BoxStream<'static, object_store::Result<Bytes>>,
}

impl Objects {
    /// Opens the store the configuration names (a directory is created when missing).
    /// Nothing is sent to a bucket yet: [`Objects::check`] does that.
    pub fn open(config: &ObjectStoreConfig) -> anyhow::Result<Objects> {
        let described: Arc<str> = config.describe().into();
        match config {
            ObjectStoreConfig::Local(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {described}"))?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
                    .with_context(|| format!("cannot open {described}"))?;
                Ok(Objects {
                    store: Arc::new(store),
                    part_bytes: LOCAL_PART_BYTES,
                    described,
                })
            }
            ObjectStoreConfig::S3(s3) => Ok(Objects {
                store: open_s3(s3).with_context(|| format!("cannot use {described}"))?,
                part_bytes: S3_PART_BYTES,
                described,
            }),
        }
    }

    /// The store as a local directory (tests and tools).
    pub fn local(dir: &std::path::Path) -> anyhow::Result<Objects> {
        Objects::open(&ObjectStoreConfig::Local(dir.to_owned()))
    }

    /// Where the files are, for logs.
    pub fn describe(&self) -> &str {
        &self.described
    }

    /// Proves the store usable at start: writes a small object and removes it, so a
    /// wrong bucket, endpoint or credential stops the server with a clear error instead
    /// of failing the first upload.
    pub async fn check(&self) -> anyhow::Result<()> {
        let probe = ObjectPath::from(format!("start-check-{:032x}", rand::random::<u128>()));
        let attempt = async {
            self.store
                .put(&probe, Bytes::from_static(b"ok").into())
                .await?;
            self.store.delete(&probe).await
        };
        match tokio::time::timeout(CHECK_TIMEOUT, attempt).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => {
                Err(anyhow::Error::new(error)
                    .context(format!("cannot write to {}", self.described)))
            }
            Err(_) => anyhow::bail!(
                "cannot write to {}: no answer within {} s",
                self.described,
                CHECK_TIMEOUT.as_secs()
            ),
        }
    }

    /// Copies the file at `path` into the store as `id`, a part at a time: memory holds
    /// one part (1 MiB on a directory, 5 MiB on S3) whatever the file's size. A file no
    /// larger than a part goes in one request; a failed multipart upload is aborted.
    pub async fn put_file(&self, id: &str, path: &std::path::Path) -> anyhow::Result<()> {
        use tokio::io::AsyncReadExt;
        let location = ObjectPath::from(id);
        let mut file = tokio::fs::File::open(path).await?;
        let size = file.metadata().await?.len();
        if size <= self.part_bytes as u64 {
            let mut whole = Vec::with_capacity(size as usize);
            file.read_to_end(&mut whole).await?;
            self.store.put(&location, whole.into()).await?;
            return Ok(());
        }
        let upload = self.store.put_multipart(&location).await?;
        let mut writer = object_store::WriteMultipart::new_with_chunk_size(upload, self.part_bytes);
        let mut buffer = vec![0u8; 64 * 1024];
        let copied: anyhow::Result<()> = async {
            loop {
                let n = file.read(&mut buffer).await?;
                if n == 0 {
                    return Ok(());
                }
                // One part at a time: the last one is sent before more is read.
                writer.wait_for_capacity(0).await?;
                writer.write(&buffer[..n]);
            }
        }
        .await;
        match copied {
            Ok(()) => {
                writer.finish().await?;
                Ok(())
            }
            Err(error) => {
                let _ = writer.abort().await;
                Err(error)
            }
        }
    }

    /// The file stored as `id`, as a stream; `None` when there is none.
    pub async fn get(&self, id: &str) -> object_store::Result<Option<Download>> {
        match self.store.get(&ObjectPath::from(id)).await {
            Ok(found) => Ok(Some(Download {
                size: found.meta.size,
                stream: found.into_stream(),
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Removes the file stored as `id`; a file already gone is not an error.
    pub async fn delete(&self, id: &str) -> object_store::Result<()> {
        match self.store.delete(&ObjectPath::from(id)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }
}

/// The bucket, through `object_store`'s S3 client: path-style or virtual-hosted, plain
/// HTTP only when the endpoint says so, retries bounded so a failing store answers an
/// upload within half a minute rather than three.
fn open_s3(s3: &S3Config) -> anyhow::Result<Arc<dyn ObjectStore>> {
    use object_store::aws::AmazonS3Builder;
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&s3.bucket)
        .with_region(&s3.region)
        .with_virtual_hosted_style_request(!s3.path_style)
        .with_retry(object_store::RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(20),
            ..object_store::RetryConfig::default()
        });
    if let Some(endpoint) = &s3.endpoint {
        let endpoint = if s3.path_style {
            endpoint.clone()
        } else {
            // Virtual-hosted with an endpoint of its own: object_store wants the bucket
            // in the host already.
            let mut url = url::Url::parse(endpoint)?;
            let host = format!("{}.{}", s3.bucket, url.host_str().unwrap_or_default());
            url.set_host(Some(&host))?;
            url.as_str().trim_end_matches('/').to_owned()
        };
        builder = builder
            .with_allow_http(endpoint.starts_with("http://"))
            .with_endpoint(endpoint);
    }
    if let Some(credentials) = &s3.credentials {
        builder = builder
            .with_access_key_id(&credentials.access_key_id)
            .with_secret_access_key(&credentials.secret_access_key);
        if let Some(token) = &credentials.session_token {
            builder = builder.with_token(token);
        }
    }
    let bucket: Arc<dyn ObjectStore> = Arc::new(builder.build()?);
    Ok(match &s3.prefix {
        Some(prefix) => Arc::new(object_store::prefix::PrefixStore::new(
            bucket,
            ObjectPath::from(prefix.as_str()),
        )),
        None => bucket,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_larger_than_a_part_is_stored_whole_and_read_back_as_a_stream() {
        use futures_util::StreamExt;
        let dir = tempfile::tempdir().unwrap();
        let objects = Objects::local(&dir.path().join("uploads")).unwrap();
        objects.check().await.unwrap();
        let content: Vec<u8> = (0..LOCAL_PART_BYTES * 2 + 123)
            .map(|i| (i % 251) as u8)
            .collect();
        let source = dir.path().join("source");
        std::fs::write(&source, &content).unwrap();

        objects.put_file("abc", &source).await.unwrap();
        let download = objects.get("abc").await.unwrap().expect("stored");
        let mut read = Vec::new();
        let mut stream = download.stream;
        while let Some(chunk) = stream.next().await {
            read.extend_from_slice(&chunk.unwrap());
        }

        assert_eq!(download.size, content.len() as u64);
        assert!(read == content, "the same bytes");
        objects.delete("abc").await.unwrap();
        objects.delete("abc").await.unwrap();
        assert!(objects.get("abc").await.unwrap().is_none());
        let left: Vec<_> = std::fs::read_dir(dir.path().join("uploads"))
            .unwrap()
            .collect();
        assert!(left.is_empty(), "no probe or part left: {left:?}");
    }

    #[test]
    fn a_bucket_is_opened_without_a_request_and_described_without_credentials() {
        let config = ObjectStoreConfig::S3(S3Config {
            bucket: "nafitha-files".into(),
            prefix: Some("prod".into()),
            endpoint: Some("https://s3.example.sa".into()),
            region: "me-central-1".into(),
            path_style: false,
            credentials: Some(crate::config::S3Credentials {
                access_key_id: "AKIDEXAMPLE".into(),
                secret_access_key: "very-secret".into(),
                session_token: None,
            }),
        });
        let objects = Objects::open(&config).unwrap();
        let printed = format!("{objects:?}");
        assert!(printed.contains("s3://nafitha-files/prod"), "{printed}");
        assert!(!printed.contains("very-secret"), "{printed}");
    }
}
