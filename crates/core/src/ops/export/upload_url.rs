//! Where an upload goes: an S3 bucket and the key prefix in it, or a mounted folder. The
//! URL is taken as a URL: its path is decoded exactly once into the key's UTF-8 start.

use anyhow::Result;
use object_store::path::Path;
use percent_encoding::percent_decode_str;

use crate::error;

/// Where an upload goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadUrl {
    /// `s3://bucket/prefix`; the prefix decoded once: the exact UTF-8 key it starts with.
    S3 { bucket: String, prefix: String },
    /// `file:///dir`
    Folder { path: std::path::PathBuf },
}

impl UploadUrl {
    pub fn parse(text: &str) -> Result<UploadUrl> {
        let usage = |why: &str| {
            error::usage(format!(
                "{text:?}: {why} (give s3://bucket/prefix or file:///dir)"
            ))
        };
        let url = url::Url::parse(text).map_err(|_| usage("not a URL"))?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err(usage(
                "a ? or # ends the URL there: write them as %3F and %23",
            ));
        }
        match url.scheme() {
            "s3" => {
                let bucket = url.host_str().filter(|bucket| !bucket.is_empty());
                let bucket = bucket.ok_or_else(|| usage("no bucket"))?;
                // The URL's path is encoded (url encodes what it must): decoded exactly
                // once, it is the key's start, sent encoded once by the store's client.
                let prefix = percent_decode_str(url.path())
                    .decode_utf8()
                    .map_err(|_| usage("the prefix is not UTF-8 once decoded"))?;
                let prefix = prefix.trim_matches('/').to_string();
                // object_store's own rule for a key: no empty folder name, no . or .., no
                // control character.
                Path::parse(&prefix).map_err(|why| {
                    usage(&format!("the prefix cannot be the start of a key: {why}"))
                })?;
                Ok(UploadUrl::S3 {
                    bucket: bucket.to_string(),
                    prefix,
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
        // Decoded once: the key's exact UTF-8 start, whatever the URL had to encode.
        assert_eq!(
            UploadUrl::parse("s3://exports/résumés/my%20dir").unwrap(),
            UploadUrl::S3 {
                bucket: "exports".into(),
                prefix: "résumés/my dir".into()
            }
        );
        assert_eq!(
            UploadUrl::parse("s3://exports/100%25/a").unwrap(),
            UploadUrl::S3 {
                bucket: "exports".into(),
                prefix: "100%/a".into()
            }
        );
        for bad in [
            "s3://exports/a//b",
            "s3://exports/%FF",
            "s3://exports/a%00b",
            "s3://exports/a?b",
            "s3://exports/a#b",
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
