//! TLS to the property's broker (`mqtts://`, docs/FLEET.md): the broker's
//! certificate must chain to the one authority the kiosk is given (the
//! system's are not trusted), and the kiosk shows its own certificate when
//! it has one, for a broker that asks. The crypto is ring's, as for mail.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};

use crate::config::FleetConfig;

/// Which file a [`TlsError`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsPart {
    /// The authority the broker's certificate chains to.
    Ca,
    /// The client's certificate.
    Cert,
    /// The client's private key.
    Key,
}

/// A file that cannot serve: which one and why, in one line that names
/// the file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{reason}")]
pub struct TlsError {
    pub part: TlsPart,
    pub reason: String,
}

/// The files of a TLS connection, read and checked, and the rustls
/// configuration made of them.
#[derive(Clone)]
pub struct TlsFiles {
    /// What it was read from: the CA, then the client's certificate and
    /// key if any.
    files: Vec<PathBuf>,
    config: Arc<ClientConfig>,
}

impl std::fmt::Debug for TlsFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsFiles")
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

/// The same files: the same connection.
impl PartialEq for TlsFiles {
    fn eq(&self, other: &Self) -> bool {
        self.files == other.files
    }
}

impl Eq for TlsFiles {}

impl TlsFiles {
    /// Reads the CA file and, for a broker that asks for one, the client's
    /// certificate and key; each must be PEM, and the key must be the
    /// certificate's and readable by its owner only.
    pub fn read(ca: &Path, client: Option<(&Path, &Path)>) -> Result<TlsFiles, TlsError> {
        let mut roots = RootCertStore::empty();
        for cert in certificates(ca, TlsPart::Ca)? {
            roots.add(cert).map_err(|e| TlsError {
                part: TlsPart::Ca,
                reason: format!("{}: {e}", ca.display()),
            })?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError {
                part: TlsPart::Ca,
                reason: e.to_string(),
            })?
            .with_root_certificates(roots);
        let mut files = vec![ca.to_path_buf()];
        let config = match client {
            None => builder.with_no_client_auth(),
            Some((cert, key)) => {
                let chain = certificates(cert, TlsPart::Cert)?;
                let secret = private_key(key)?;
                files.extend([cert.to_path_buf(), key.to_path_buf()]);
                builder
                    .with_client_auth_cert(chain, secret)
                    .map_err(|e| TlsError {
                        part: TlsPart::Key,
                        reason: match e {
                            rustls::Error::InconsistentKeys(_) => {
                                format!("{}: not the key of {}", key.display(), cert.display())
                            }
                            e => format!("{}: with {}: {e}", key.display(), cert.display()),
                        },
                    })?
            }
        };
        Ok(TlsFiles {
            files,
            config: Arc::new(config),
        })
    }

    /// The files `[fleet]` names, for an `mqtts://` broker; an error names
    /// the key (`fleet.ca_file`, …).
    pub fn from_config(fleet: &FleetConfig) -> Result<Option<TlsFiles>, (String, String)> {
        let Some(ca) = &fleet.ca_file else {
            return Ok(None);
        };
        let client = fleet.cert_file.as_deref().zip(fleet.key_file.as_deref());
        TlsFiles::read(ca, client).map(Some).map_err(|e| {
            let key = match e.part {
                TlsPart::Ca => "fleet.ca_file",
                TlsPart::Cert => "fleet.cert_file",
                TlsPart::Key => "fleet.key_file",
            };
            (key.to_string(), e.reason)
        })
    }

    /// The rustls configuration for the connection.
    pub fn client_config(&self) -> Arc<ClientConfig> {
        self.config.clone()
    }
}

fn read(path: &Path, part: TlsPart) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|e| TlsError {
        part,
        reason: format!("{}: {e}", path.display()),
    })
}

/// Every certificate in a PEM file; at least one.
fn certificates(path: &Path, part: TlsPart) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = read(path, part)?;
    let bad = |reason: String| TlsError {
        part,
        reason: format!("{}: {reason}", path.display()),
    };
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(not_pem(&e)))?;
    if certs.is_empty() {
        return Err(bad("not PEM: no CERTIFICATE block in it".into()));
    }
    Ok(certs)
}

/// The private key in a PEM file nobody but its owner can read.
fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    use std::os::unix::fs::PermissionsExt;
    let bad = |reason: String| TlsError {
        part: TlsPart::Key,
        reason: format!("{}: {reason}", path.display()),
    };
    let bytes = read(path, TlsPart::Key)?;
    let mode = std::fs::metadata(path)
        .map_err(|e| bad(e.to_string()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(bad("others can read it (chmod 600)".into()));
    }
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| match e {
        pem::Error::NoItemsFound => bad("not PEM: no PRIVATE KEY block in it".into()),
        e => bad(not_pem(&e)),
    })
}

/// A PEM error in a few words (the library's quotes whole lines as bytes).
fn not_pem(e: &pem::Error) -> String {
    match e {
        pem::Error::MissingSectionEnd { .. } => "not PEM: a block has no END line",
        pem::Error::IllegalSectionStart { .. } => "not PEM: a malformed BEGIN line",
        pem::Error::Base64Decode(_) => "not PEM: a block is not base64",
        pem::Error::SectionTooLarge => "not PEM: a block is too large",
        _ => "not PEM",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_pem_is_named_with_its_part() {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, "hello\n").unwrap();
        let e = TlsFiles::read(&ca, None).unwrap_err();
        assert_eq!(e.part, TlsPart::Ca);
        assert!(e.reason.contains("ca.pem: not PEM"), "{e}");
        let e = TlsFiles::read(&dir.path().join("none.pem"), None).unwrap_err();
        assert_eq!(e.part, TlsPart::Ca);
        assert!(e.reason.contains("none.pem: "), "{e}");
        std::fs::write(
            &ca,
            "-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let e = TlsFiles::read(&ca, None).unwrap_err();
        assert!(e.reason.contains("not PEM: a block is not base64"), "{e}");
        assert!(!e.to_string().contains('\n'), "{e}");
    }
}
