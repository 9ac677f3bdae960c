//! S3 credentials and endpoint, resolved by the caller (the binary reads them as every
//! AWS tool does) and passed into an upload.

/// S3 settings, resolved. The secret and token never reach a message: `secrets()` lists
/// them for the last scrub, and Debug leaves them out.
#[derive(Clone)]
pub struct AwsSettings {
    pub access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    pub region: String,
    /// An S3-compatible endpoint (MinIO, Garage, R2); None: Amazon S3.
    pub endpoint: Option<url::Url>,
    /// Where the credentials came from, for messages ("AWS_ACCESS_KEY_ID", "profile x").
    pub source: String,
}

impl std::fmt::Debug for AwsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<AWS credentials from {}>", self.source)
    }
}

impl AwsSettings {
    pub fn new(
        access_key_id: String,
        secret_access_key: String,
        session_token: Option<String>,
        region: String,
        endpoint: Option<url::Url>,
        source: String,
    ) -> AwsSettings {
        AwsSettings {
            access_key_id,
            secret_access_key,
            session_token,
            region,
            endpoint,
            source,
        }
    }

    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// The strings no output may hold.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = vec![self.secret_access_key.clone()];
        secrets.extend(self.session_token.clone());
        secrets
    }
}
