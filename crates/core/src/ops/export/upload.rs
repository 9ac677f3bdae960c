//! Uploading an export where the web application serves it from: an S3 bucket (Amazon S3
//! or an S3-compatible store) or a mounted folder (`file:///dir`). object_store signs and
//! sends; its errors carry the request URL and the server's reply, so they are said in
//! our words, with every secret scrubbed, never printed raw.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::signer::{Method, Signer};
use object_store::{
    Attribute, Attributes, BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions,
    PutPayload, RetryConfig,
};

use crate::error::{self, CliError, ErrorKind};
use crate::model::aws::AwsSettings;

use super::store_errors::{error_chain, explain, root_cause, s3_code};

/// Where `--upload` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadUrl {
    /// `s3://bucket/prefix`
    S3 { bucket: String, prefix: String },
    /// `file:///dir`
    Folder { path: std::path::PathBuf },
}

impl UploadUrl {
    pub fn parse(text: &str) -> Result<UploadUrl> {
        let usage = |why: &str| {
            error::usage(format!(
                "--upload {text:?}: {why} (give s3://bucket/prefix or file:///dir)"
            ))
        };
        let url = url::Url::parse(text).map_err(|_| usage("not a URL"))?;
        match url.scheme() {
            "s3" => {
                let bucket = url.host_str().filter(|bucket| !bucket.is_empty());
                let bucket = bucket.ok_or_else(|| usage("no bucket"))?;
                Ok(UploadUrl::S3 {
                    bucket: bucket.to_string(),
                    prefix: url.path().trim_matches('/').to_string(),
                })
            }
            "file" if url.host_str().is_none_or(str::is_empty) => Ok(UploadUrl::Folder {
                path: url
                    .to_file_path()
                    .map_err(|()| usage("not a folder path"))?,
            }),
            _ => Err(usage("an unknown scheme")),
        }
    }
}

/// An open store, with what messages may say about it.
pub struct Uploader {
    store: Arc<dyn ObjectStore>,
    /// The S3 store again, for presigning (a folder has no such URLs).
    signer: Option<AmazonS3>,
    /// The folder of a file:// upload.
    folder: Option<std::path::PathBuf>,
    /// "s3://bucket": the stored URLs' start.
    base: String,
    prefix: String,
    /// "bucket b at endpoint e", "the folder /dir".
    place: String,
    secrets: Vec<String>,
    temporary_credentials: bool,
}

/// How long one request may take, and how often a failing one is tried again: a store
/// that is down must fail in seconds, not after object_store's default three minutes.
fn client() -> (ClientOptions, RetryConfig) {
    let retry = RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            base: 2.0,
        },
        max_retries: 2,
        retry_timeout: Duration::from_secs(10),
    };
    let options = ClientOptions::new()
        .with_connect_timeout(Duration::from_secs(3))
        .with_timeout(Duration::from_secs(60));
    (options, retry)
}

impl Uploader {
    /// Opens the store `url` names; `aws` is needed for S3 only.
    pub fn open(url: &UploadUrl, aws: impl FnOnce() -> Result<AwsSettings>) -> Result<Uploader> {
        match url {
            UploadUrl::Folder { path } => {
                // Like a bucket, the folder must be there: it is not made on the fly.
                let store = LocalFileSystem::new_with_prefix(path)
                    .ok()
                    .filter(|_| path.is_dir())
                    .ok_or_else(|| {
                        error::database(format!(
                            "uploading to the folder {}: it does not exist",
                            path.display()
                        ))
                    })?;
                Ok(Uploader {
                    store: Arc::new(store),
                    signer: None,
                    folder: Some(path.clone()),
                    base: String::new(),
                    prefix: String::new(),
                    place: format!("the folder {}", path.display()),
                    secrets: Vec::new(),
                    temporary_credentials: false,
                })
            }
            UploadUrl::S3 { bucket, prefix } => {
                // reqwest takes the process's TLS provider: ring, as everywhere here.
                let _ = rustls::crypto::ring::default_provider().install_default();
                let aws = aws()?;
                let (mut options, retry) = client();
                // http:// only when the endpoint given says so.
                options = options.with_allow_http(
                    aws.endpoint
                        .as_ref()
                        .is_some_and(|url| url.scheme() == "http"),
                );
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(&aws.region)
                    .with_access_key_id(&aws.access_key_id)
                    .with_secret_access_key(aws.secret_access_key())
                    .with_client_options(options)
                    .with_retry(retry);
                if let Some(token) = aws.session_token() {
                    builder = builder.with_token(token);
                }
                builder = match &aws.endpoint {
                    Some(endpoint) => {
                        builder.with_endpoint(endpoint.as_str().trim_end_matches('/'))
                    }
                    None => builder.with_virtual_hosted_style_request(!bucket.contains('.')),
                };
                let endpoint = aws.endpoint.as_ref().map_or_else(
                    || format!("Amazon S3 ({})", aws.region),
                    |url| url.as_str().trim_end_matches('/').to_string(),
                );
                let store = builder.build().map_err(|_| {
                    error::not_configured(format!(
                        "the S3 settings for bucket {bucket} at {endpoint} are not usable \
                         (check AWS_REGION and AWS_ENDPOINT_URL)"
                    ))
                })?;
                Ok(Uploader {
                    store: Arc::new(store.clone()),
                    signer: Some(store),
                    folder: None,
                    base: format!("s3://{bucket}"),
                    prefix: prefix.clone(),
                    place: format!("bucket {bucket} at {endpoint}"),
                    secrets: aws.secrets(),
                    temporary_credentials: aws.session_token().is_some(),
                })
            }
        }
    }

    /// The object's key: the prefix, the record id, the version, the file name.
    pub fn key(&self, id: uuid::Uuid, version: i64, file_name: &str) -> Path {
        Path::from(self.prefix.as_str())
            .join(id.to_string())
            .join(version.to_string())
            .join(file_name)
    }

    /// The object's URL, in the store's own scheme (s3://bucket/key, file:///dir/key).
    pub fn url(&self, key: &Path) -> String {
        match &self.folder {
            Some(folder) => url::Url::from_file_path(folder.join(key.as_ref())).map_or_else(
                |()| format!("file://{}/{key}", folder.display()),
                String::from,
            ),
            None => format!("{}/{key}", self.base),
        }
    }

    /// Whether the object is (still) there: a HEAD request.
    pub async fn exists(&self, key: &Path) -> Result<bool> {
        match self.store.head(key).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(failure) => Err(self.failed("checking", failure)),
        }
    }

    /// Uploads `bytes` as the object `key`. Refused before anything is sent when the
    /// bucket is not there (an S3-compatible store might otherwise make it).
    pub async fn put(&self, key: &Path, bytes: Vec<u8>, content_type: &'static str) -> Result<()> {
        if self.signer.is_some() {
            // A listing answers "no such bucket" where a PUT may not (an S3-compatible
            // store may make the bucket), and tries the credentials before the document
            // goes anywhere. It lists the object's own folder: one short page. A policy
            // that may write but not list is left to the PUT to judge.
            let parts: Vec<_> = key.parts().collect();
            let folder = Path::from_iter(parts[..parts.len().saturating_sub(1)].iter().cloned());
            match self.store.list_with_delimiter(Some(&folder)).await {
                Ok(_) => {}
                Err(failure)
                    if s3_code(&error_chain(&failure)).as_deref() == Some("AccessDenied") => {}
                Err(failure) => return Err(self.failed("uploading to", failure)),
            }
        }
        let mut options = PutOptions::default();
        if self.signer.is_some() {
            // A folder takes no attributes: only a bucket is told the content type.
            let mut attributes = Attributes::new();
            attributes.insert(Attribute::ContentType, content_type.into());
            options.attributes = attributes;
        }
        let put = self.store.put_opts(key, PutPayload::from(bytes), options);
        match tokio::time::timeout(Duration::from_secs(120), put).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(failure)) => Err(self.failed("uploading to", failure)),
            Err(_) => Err(error::database(format!(
                "uploading to {}: no answer within 120 s",
                self.place
            ))),
        }
    }

    /// A time-limited https URL to share the object (S3 only), not stored anywhere.
    pub async fn presign(&self, key: &Path, ttl: Duration) -> Result<String> {
        let Some(signer) = &self.signer else {
            return Err(error::usage("--presign is for s3:// uploads"));
        };
        if self.temporary_credentials {
            return Err(error::usage(
                "--presign with temporary credentials (AWS_SESSION_TOKEN) would put the token \
                 in the URL: use long-term credentials, or share the object another way",
            ));
        }
        let url = signer
            .signed_url(Method::GET, key, ttl)
            .await
            .map_err(|failure| self.failed("signing a URL for", failure))?;
        Ok(url.to_string())
    }

    /// A store's failure, in our words: what was being done, where, and why, from the
    /// S3 error code when the server sent one; the server's own words only with every
    /// secret scrubbed out, and never the request it signed.
    fn failed(&self, doing: &str, failure: object_store::Error) -> anyhow::Error {
        let text = error_chain(&failure);
        let why = match (s3_code(&text), &failure) {
            (Some(code), _) => explain(&code, &text),
            (None, object_store::Error::NotFound { .. }) => {
                "not found (is the bucket there?)".to_string()
            }
            (None, object_store::Error::PermissionDenied { .. }) => "permission denied".to_string(),
            (None, object_store::Error::Unauthenticated { .. }) => {
                "the credentials were refused".to_string()
            }
            (None, _) => match root_cause(&failure) {
                Some(cause) => format!("no answer ({cause})"),
                None => "it failed".to_string(),
            },
        };
        let why = crate::secrets::scrub(&why, &self.secrets);
        CliError::new(
            ErrorKind::Database,
            format!("{doing} {}: {why}", self.place),
        )
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_urls_name_a_bucket_and_prefix_or_a_folder() {
        assert_eq!(
            UploadUrl::parse("s3://exports/team/resumes/").unwrap(),
            UploadUrl::S3 {
                bucket: "exports".into(),
                prefix: "team/resumes".into()
            }
        );
        assert_eq!(
            UploadUrl::parse("s3://exports").unwrap(),
            UploadUrl::S3 {
                bucket: "exports".into(),
                prefix: String::new()
            }
        );
        assert_eq!(
            UploadUrl::parse("file:///srv/exports").unwrap(),
            UploadUrl::Folder {
                path: "/srv/exports".into()
            }
        );
        for bad in [
            "s3:///x",
            "file://host/x",
            "https://bucket/x",
            "exports/x",
            "",
        ] {
            assert!(UploadUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
