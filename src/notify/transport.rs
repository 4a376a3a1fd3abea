//! Where messages go: a spool directory of `.eml` files (the offline
//! default), an SMTP server, or a program that reads JSON on stdin.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use lettre::Transport as _;
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};

use crate::config::NotifyConfig;
use crate::store::{Notification, spool_name};

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SendError(pub String);

pub enum Transport {
    Spool(PathBuf),
    Smtp(Box<SmtpTransport>),
    Command(Vec<String>),
}

/// Every way a message can leave: e-mail by the transport, text messages
/// by the modem when `[sms]` names one.
pub struct Senders {
    pub mail: Transport,
    pub sms: Option<super::sms::Sms>,
}

impl Senders {
    /// From `[notify]` and `[sms]`.
    pub fn from_config(cfg: &crate::config::Config) -> Result<Senders, SendError> {
        Ok(Senders {
            mail: Transport::from_config(&cfg.notify, &cfg.kiosk.data_dir)?,
            sms: cfg.sms.clone().map(super::sms::Sms::new),
        })
    }

    pub fn channels(&self) -> Channels<'_> {
        Channels {
            mail: &self.mail,
            sms: self.sms.as_ref(),
        }
    }
}

/// [`Senders`] as one delivery pass uses them.
#[derive(Clone, Copy)]
pub struct Channels<'a> {
    pub mail: &'a Transport,
    pub sms: Option<&'a super::sms::Sms>,
}

/// E-mail only.
impl<'a> From<&'a Transport> for Channels<'a> {
    fn from(mail: &'a Transport) -> Self {
        Channels { mail, sms: None }
    }
}

impl Transport {
    /// From `[notify]`; `data_dir` anchors a relative spool directory.
    pub fn from_config(
        cfg: &NotifyConfig,
        data_dir: &std::path::Path,
    ) -> Result<Transport, SendError> {
        match cfg.transport.as_str() {
            "spool" => Ok(Transport::Spool(data_dir.join(&cfg.spool_dir))),
            "command" => Ok(Transport::Command(cfg.command.clone().unwrap_or_default())),
            "smtp" => {
                let host = cfg.smtp_host.clone().unwrap_or_else(|| "localhost".into());
                let tls = match cfg.smtp_tls.as_str() {
                    "none" => Tls::None,
                    mode => {
                        let params = TlsParameters::new(host.clone())
                            .map_err(|e| SendError(e.to_string()))?;
                        if mode == "tls" {
                            Tls::Wrapper(params)
                        } else {
                            Tls::Required(params)
                        }
                    }
                };
                let port = cfg.smtp_port.unwrap_or(match cfg.smtp_tls.as_str() {
                    "tls" => 465,
                    "none" => 25,
                    _ => 587,
                });
                let mut b = SmtpTransport::builder_dangerous(host)
                    .port(port)
                    .tls(tls)
                    .timeout(Some(Duration::from_secs(20)));
                if let (Some(u), Some(p)) = (&cfg.smtp_user, &cfg.smtp_password) {
                    b = b.credentials(Credentials::new(u.clone(), p.clone()));
                }
                Ok(Transport::Smtp(Box::new(b.build())))
            }
            other => Err(SendError(format!("unknown transport {other:?}"))),
        }
    }

    /// Sends one message; an error means "try again later".
    pub fn send(&self, n: &Notification, message: &lettre::Message) -> Result<(), SendError> {
        match self {
            Transport::Spool(dir) => spool(dir, n, &message.formatted()),
            Transport::Smtp(smtp) => smtp
                .send(message)
                .map(|_| ())
                .map_err(|e| SendError(format!("smtp: {e}"))),
            Transport::Command(argv) => command(argv, n, message),
        }
    }
}

/// Writes `<id>.eml` atomically: a temporary file, fsync, rename.
fn spool(dir: &std::path::Path, n: &Notification, bytes: &[u8]) -> Result<(), SendError> {
    let err = |e: std::io::Error| SendError(format!("spool {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(err)?;
    let name = spool_name(n.id);
    let tmp = dir.join(format!(".{name}.tmp"));
    {
        let mut f = std::fs::File::create(&tmp).map_err(err)?;
        f.write_all(bytes).map_err(err)?;
        f.sync_all().map_err(err)?;
    }
    std::fs::rename(&tmp, dir.join(name)).map_err(err)
}

/// The message as JSON on the program's stdin; exit 0 means sent.
fn command(argv: &[String], n: &Notification, message: &lettre::Message) -> Result<(), SendError> {
    let Some((program, args)) = argv.split_first() else {
        return Err(SendError("notify.command is empty".into()));
    };
    let text = super::templates::render(n);
    let json = serde_json::json!({
        "id": n.id,
        "kind": n.kind,
        "to": n.to,
        "language": n.language,
        "subject": text.subject,
        "body": text.body,
        "code": n.code,
        "qr": n.qr,
        "message_id": message.headers().get_raw("Message-ID"),
        "eml": String::from_utf8_lossy(&message.formatted()),
    });
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| SendError(format!("{program}: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(json.to_string().as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| SendError(format!("{program}: {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        let why = String::from_utf8_lossy(&out.stderr)
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        Err(SendError(format!(
            "{program} exited with {}: {why}",
            out.status
        )))
    }
}
