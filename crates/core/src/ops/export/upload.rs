//! Uploading an export where the web application serves it from: an S3 bucket (Amazon S3
//! or an S3-compatible store) or a mounted folder (`file:///dir`). object_store signs and
//! sends; its errors carry the request URL and the server's reply, so they are said in
//! our words, with every secret scrubbed, never printed raw.

use std::future::Future;
use std::os::unix::ffi::OsStrExt as _;
use std::time::Duration;

use anyhow::Result;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::signer::{Method, Signer};
use object_store::{
    Attribute, Attributes, BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions,
    PutPayload, RetryConfig,
};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode};

use crate::error::{self, CliError, ErrorKind, Hint};
use crate::model::aws::AwsSettings;

use super::folder::Folder;
use super::store_errors::{error_chain, explain, s3_code, what_happened};
use super::upload_url::UploadUrl;

/// Where the objects go.
enum Store {
    S3(AmazonS3),
    Folder(Folder),
}

/// An open store, with what messages may say about it.
pub struct Uploader {
    store: Store,
    /// "s3://bucket" or "file:///dir": the recorded URLs' start.
    base: String,
    /// The keys' start, as UTF-8 (empty for a folder).
    prefix: String,
    /// "bucket b at endpoint e", "the folder /dir".
    place: String,
    secrets: Vec<String>,
    temporary_credentials: bool,
}

/// What a recorded URL leaves as it is: RFC 3986's unreserved characters and the `/`
/// between folders. Everything else in a key (spaces, `%`, `#`, `?`, non-ASCII) is
/// percent-encoded once, so any URL parser gets the exact key back by decoding once.
const URL_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A request without the file (a listing, a HEAD): an endpoint that is down, or that
/// accepts the connection and never answers, is given up on after this.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// A PUT carries the file: longer, still bounded, once the listing before it was answered.
const PUT_WITHIN: Duration = Duration::from_secs(60);

/// How one attempt is bounded, and how often a failing one is tried again. Every
/// operation is bounded as a whole as well (`within`): object_store retries a timed-out
/// attempt, so per-attempt limits alone added up to a minute.
fn client() -> (ClientOptions, RetryConfig) {
    let retry = RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            base: 2.0,
        },
        max_retries: 2,
        retry_timeout: ANSWER_WITHIN,
    };
    let options = ClientOptions::new()
        .with_connect_timeout(Duration::from_secs(3))
        .with_timeout(PUT_WITHIN);
    (options, retry)
}

impl Uploader {
    /// Opens the store `url` names; `aws` is needed for S3 only.
    pub fn open(url: &UploadUrl, aws: impl FnOnce() -> Result<AwsSettings>) -> Result<Uploader> {
        match url {
            UploadUrl::Folder { path } => Uploader::open_folder(path),
            UploadUrl::S3 { bucket, prefix } => Uploader::open_s3(bucket, prefix, aws),
        }
    }

    /// A mounted folder the web application serves.
    fn open_folder(path: &std::path::Path) -> Result<Uploader> {
        // Like a bucket, the folder must be there: it is not made on the fly.
        let folder = Folder::open(path).ok_or_else(|| {
            error::database(format!(
                "uploading to the folder {}: it does not exist",
                path.display()
            ))
        })?;
        Ok(Uploader {
            store: Store::Folder(folder),
            base: format!(
                "file://{}",
                percent_encode(path.as_os_str().as_bytes(), URL_PATH)
            )
            .trim_end_matches('/')
            .to_string(),
            prefix: String::new(),
            place: format!("the folder {}", path.display()),
            secrets: Vec::new(),
            temporary_credentials: false,
        })
    }

    /// A bucket, with the S3 settings read only now.
    fn open_s3(
        bucket: &str,
        prefix: &str,
        aws: impl FnOnce() -> Result<AwsSettings>,
    ) -> Result<Uploader> {
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
            Some(endpoint) => builder.with_endpoint(endpoint.as_str().trim_end_matches('/')),
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
            store: Store::S3(store),
            base: format!("s3://{bucket}"),
            prefix: prefix.to_string(),
            place: format!("bucket {bucket} at {endpoint}"),
            secrets: aws.secrets(),
            temporary_credentials: aws.session_token().is_some(),
        })
    }

    /// The object's key: the prefix, the record id, the version, the file name, each the
    /// exact UTF-8 text (the store's client encodes it once on the wire; a folder gets
    /// these very names on disk).
    pub fn key(&self, id: uuid::Uuid, version: i64, file_name: &str) -> Result<Path> {
        let mut key = self.prefix.clone();
        for part in [&id.to_string(), &version.to_string(), file_name] {
            if !key.is_empty() {
                key.push('/');
            }
            key.push_str(part);
        }
        Path::parse(&key).map_err(|_| {
            error::invalid(format!(
                "the file name {file_name:?} cannot be an object key (a / or a control \
                 character)"
            ))
        })
    }

    /// The object's URL as recorded: the store's scheme, then the key percent-encoded
    /// once (s3://bucket/r%C3%A9sum%C3%A9s/..., file:///dir/...), the same for both.
    pub fn url(&self, key: &Path) -> String {
        let key = percent_encode(key.as_ref().as_bytes(), URL_PATH);
        format!("{}/{key}", self.base)
    }

    /// Whether the object is (still) there: a HEAD request.
    pub async fn exists(&self, key: &Path) -> Result<bool> {
        let store = match &self.store {
            Store::Folder(folder) => {
                return folder
                    .exists(key)
                    .map_err(|why| self.refused("checking", &why));
            }
            Store::S3(store) => store,
        };
        match bounded(ANSWER_WITHIN, store.head(key)).await {
            Ok(_) => Ok(true),
            Err(Some(object_store::Error::NotFound { .. })) => Ok(false),
            Err(failure) => Err(self.said("checking", failure, ANSWER_WITHIN)),
        }
    }

    /// Deletes the object `key`: true when it was there, false when it was gone already
    /// (a second run of an erase or a prune finishes what the first began).
    pub async fn delete(&self, key: &Path) -> Result<bool> {
        let store = match &self.store {
            Store::Folder(folder) => {
                return folder
                    .delete(key)
                    .map_err(|why| self.refused("deleting from", &why));
            }
            Store::S3(store) => store,
        };
        // S3 answers a DELETE of a missing key with success: ask first, to say which.
        if !self.exists(key).await? {
            return Ok(false);
        }
        match bounded(ANSWER_WITHIN, store.delete(key)).await {
            Ok(()) | Err(Some(object_store::Error::NotFound { .. })) => Ok(true),
            Err(failure) => Err(self.said("deleting from", failure, ANSWER_WITHIN)),
        }
    }

    /// Uploads `bytes` as the object `key`. Refused before anything is sent when the
    /// bucket is not there (an S3-compatible store might otherwise make it).
    pub async fn put(&self, key: &Path, bytes: Vec<u8>, content_type: &'static str) -> Result<()> {
        let store = match &self.store {
            Store::Folder(folder) => {
                return folder
                    .put(key, &bytes)
                    .map_err(|why| self.refused("uploading to", &why));
            }
            Store::S3(store) => store,
        };
        // A listing answers "no such bucket" where a PUT may not (an S3-compatible store
        // may make the bucket), and tries the credentials before the document goes
        // anywhere. It lists the object's own folder: one short page. A policy that may
        // write but not list is left to the PUT to judge.
        let folder = key.parent().unwrap_or(Path::ROOT);
        match bounded(ANSWER_WITHIN, store.list_with_delimiter(Some(&folder))).await {
            Ok(_) => {}
            Err(Some(failure))
                if s3_code(&error_chain(&failure)).as_deref() == Some("AccessDenied") => {}
            Err(failure) => return Err(self.said("uploading to", failure, ANSWER_WITHIN)),
        }
        // A bucket takes the content type, which the web application serves.
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, content_type.into());
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        let put = store.put_opts(key, PutPayload::from(bytes), options);
        bounded(PUT_WITHIN, put)
            .await
            .map(drop)
            .map_err(|failure| self.said("uploading to", failure, PUT_WITHIN))
    }
    /// A time-limited https URL to share the object (S3 only), not stored anywhere.
    pub async fn presign(&self, key: &Path, ttl: Duration) -> Result<String> {
        let Store::S3(signer) = &self.store else {
            let message = "only an S3 store signs a URL to share";
            return Err(CliError::new(ErrorKind::Usage, message)
                .with_hint(Hint::PresignNeedsS3)
                .into());
        };
        if self.temporary_credentials {
            let message = "the credentials are temporary: a signed URL would carry their \
                           session token";
            return Err(CliError::new(ErrorKind::Usage, message)
                .with_hint(Hint::PresignTemporaryCredentials)
                .into());
        }
        let url = signer
            .signed_url(Method::GET, key, ttl)
            .await
            .map_err(|failure| self.failed("signing a URL for", failure))?;
        Ok(url.to_string())
    }

    /// A store's failure, or its silence, in our words.
    fn said(
        &self,
        doing: &str,
        failure: Option<object_store::Error>,
        limit: Duration,
    ) -> anyhow::Error {
        match failure {
            Some(failure) => self.failed(doing, failure),
            None => self.refused(
                doing,
                &format!(
                    "no answer within {} s (the endpoint did not reply; is it an S3 store, \
                     and is it up?)",
                    limit.as_secs()
                ),
            ),
        }
    }

    /// A store's failure, in our words: what was being done, where, and why, from the
    /// S3 error code when the server sent one; whether it answered at all (its HTTP
    /// status) or why not; the server's own words only with every secret scrubbed out,
    /// and never the request it signed.
    fn failed(&self, doing: &str, failure: object_store::Error) -> anyhow::Error {
        let text = error_chain(&failure);
        let why = match (s3_code(&text), &failure) {
            (Some(code), _) => explain(&code, &text),
            (None, object_store::Error::NotFound { .. }) => {
                "the store answered 404 Not Found (is the bucket there?)".to_string()
            }
            (None, object_store::Error::PermissionDenied { .. }) => {
                "the store answered: permission denied".to_string()
            }
            (None, object_store::Error::Unauthenticated { .. }) => {
                "the store refused the credentials".to_string()
            }
            (None, _) => what_happened(&failure),
        };
        self.refused(doing, &why)
    }

    /// "doing place: why", every secret scrubbed, exit 7 (the store, like the database).
    fn refused(&self, doing: &str, why: &str) -> anyhow::Error {
        let why = crate::secrets::scrub(why, &self.secrets);
        CliError::new(
            ErrorKind::Database,
            format!("{doing} {}: {why}", self.place),
        )
        .into()
    }
}

/// The store's answer within `limit`; Err(None) when none came in time.
async fn bounded<T>(
    limit: Duration,
    request: impl Future<Output = object_store::Result<T>>,
) -> Result<T, Option<object_store::Error>> {
    match tokio::time::timeout(limit, request).await {
        Ok(answer) => answer.map_err(Some),
        Err(_) => Err(None),
    }
}
