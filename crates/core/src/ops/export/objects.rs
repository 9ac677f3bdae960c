//! Objects an upload put in a store, found again by the URL their note records
//! (`s3://bucket/key`, `file:///dir/.../file`): to delete them (erase, prune) or to see
//! whether they are still there (the check of an erasure). A store is opened once per bucket.

use std::collections::HashMap;

use anyhow::Result;
use object_store::path::Path;

use super::upload::Uploader;
use super::upload_url::UploadUrl;
use crate::error;
use crate::model::aws::AwsSettings;

/// The stores the recorded objects are in, opened as they are first needed.
pub struct Stores {
    credentials: fn() -> Result<AwsSettings>,
    open: HashMap<String, Uploader>,
}

impl Stores {
    /// `credentials` is read only when an S3 object is met.
    pub fn new(credentials: fn() -> Result<AwsSettings>) -> Stores {
        Stores {
            credentials,
            open: HashMap::new(),
        }
    }

    /// Deletes the object the URL names: true when it was there, false when it was gone
    /// already.
    pub async fn delete(&mut self, url: &str) -> Result<bool> {
        match self.locate(url)? {
            Some((uploader, key)) => uploader.delete(&key).await,
            None => Ok(false),
        }
    }

    /// Whether the object the URL names is there.
    pub async fn exists(&mut self, url: &str) -> Result<bool> {
        match self.locate(url)? {
            Some((uploader, key)) => uploader.exists(&key).await,
            None => Ok(false),
        }
    }

    /// The store holding the object, and its key in it. A folder that is not there is an
    /// error, not an object gone: it may be a share not mounted on this machine, and
    /// calling its files gone would leave them behind.
    fn locate(&mut self, url: &str) -> Result<Option<(&Uploader, Path)>> {
        let unusable = || error::invalid(format!("a recorded upload URL is not usable: {url}"));
        let parsed = UploadUrl::parse(url).map_err(|_| unusable())?;
        let (store, root, key) = match &parsed {
            UploadUrl::S3 { bucket, prefix } => (
                format!("s3://{bucket}"),
                UploadUrl::S3 {
                    bucket: bucket.clone(),
                    prefix: String::new(),
                },
                prefix.clone(),
            ),
            UploadUrl::Folder { path } => {
                let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
                    return Err(unusable());
                };
                (
                    format!("file://{}", parent.display()),
                    UploadUrl::Folder {
                        path: parent.to_path_buf(),
                    },
                    name.to_string_lossy().into_owned(),
                )
            }
        };
        let key = Path::parse(&key).map_err(|_| unusable())?;
        if !self.open.contains_key(&store) {
            let uploader =
                Uploader::open(&root, self.credentials).map_err(|failure| match &root {
                    UploadUrl::Folder { path } => error::database(format!(
                        "the folder {} of {url} is not there (a share not mounted here?): \
                         its objects cannot be reached",
                        path.display()
                    )),
                    UploadUrl::S3 { .. } => failure,
                })?;
            self.open.insert(store.clone(), uploader);
        }
        Ok(Some((&self.open[&store], key)))
    }
}
