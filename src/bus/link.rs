//! One RS-485 line to the lock boards: tokio-modbus RTU requests with a
//! timeout on every call, the inter-frame gap, retries, and a reopen of the
//! port after every timeout so a late reply is never taken as the answer to
//! the next request (docs/adr/0006-reopen-port-after-timeout.md).

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::time::{Instant, timeout};
use tokio_modbus::Slave;
use tokio_modbus::client::{Context, Reader, Writer};
use tokio_modbus::prelude::SlaveContext;
use tokio_serial::{ClearBuffer, SerialPort, SerialStream};

use super::rtu;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Parity {
    #[default]
    None,
    Even,
    Odd,
}

impl std::str::FromStr for Parity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "n" => Ok(Parity::None),
            "even" | "e" => Ok(Parity::Even),
            "odd" | "o" => Ok(Parity::Odd),
            other => Err(format!("unknown parity {other:?} (none, even or odd)")),
        }
    }
}

/// How to talk on the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkConfig {
    pub port: String,
    pub baud: u32,
    pub parity: Parity,
    /// Longest wait for one reply.
    pub timeout: Duration,
    /// Extra attempts after a failed one, per request.
    pub retries: u32,
    /// Least silence between frames on top of the Modbus rule (3.5
    /// characters, 1.75 ms above 19200 baud): the boards' profiles raise it
    /// for firmware that needs more (`frame_gap_ms`).
    pub min_gap: Duration,
    /// Silence on the line after a failed exchange before the next request,
    /// so that slaves that misframed on it can find frame boundaries again
    /// (`resync_silence_ms` of the boards' profiles).
    pub resync_silence: Duration,
    /// After a timeout: how long to let a late reply arrive before the
    /// reopened port's buffers are cleared.
    pub reopen_quiet: Duration,
}

impl LinkConfig {
    pub fn new(port: impl Into<String>, baud: u32) -> Self {
        Self {
            port: port.into(),
            baud,
            parity: Parity::None,
            timeout: Duration::from_millis(200),
            retries: 1,
            min_gap: Duration::ZERO,
            resync_silence: Duration::from_millis(u64::from(
                crate::hardware::DEFAULT_RESYNC_SILENCE_MS,
            )),
            reopen_quiet: Duration::from_millis(100),
        }
    }

    /// The silence kept between frames.
    pub fn gap(&self) -> Duration {
        self.min_gap.max(rtu::frame_gap(self.baud))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("cannot open {port}: {reason}")]
    Open { port: String, reason: String },
    #[error("no reply")]
    Timeout,
    #[error("reply with a bad CRC or garbled")]
    BadReply,
    #[error("board answered with Modbus exception {0:#04x}")]
    Exception(u8),
    #[error("serial I/O error: {0}")]
    Io(String),
}

/// Counters of the line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkStats {
    pub requests: u64,
    pub timeouts: u64,
    pub bad_replies: u64,
    pub exceptions: u64,
    pub retries: u64,
    pub reopens: u64,
    /// Bytes that were waiting on the line before a request went out: a late
    /// reply thrown away instead of being taken as the next answer.
    pub stale_bytes_dropped: u64,
}

struct PortInner {
    stream: SerialStream,
    /// Bytes received during the current exchange.
    rx: Vec<u8>,
    /// When the last of them arrived: the end of the reply on the line,
    /// which the next frame gap counts from.
    rx_at: Option<Instant>,
    drain_before_write: bool,
    stale: u64,
}

/// The serial port shared between the tokio-modbus context and our own raw
/// frames; it also records what came back, to tell silence from garbage.
#[derive(Clone)]
struct SharedPort(Arc<Mutex<PortInner>>);

impl fmt::Debug for SharedPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedPort")
    }
}

impl SharedPort {
    fn inner(&self) -> MutexGuard<'_, PortInner> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl AsyncRead for SharedPort {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let mut g = self.inner();
        let before = buf.filled().len();
        let r = Pin::new(&mut g.stream).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = r {
            let new = buf.filled()[before..].to_vec();
            if !new.is_empty() {
                g.rx_at = Some(Instant::now());
            }
            g.rx.extend_from_slice(&new);
        }
        r
    }
}

impl AsyncWrite for SharedPort {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let mut g = self.inner();
        if g.drain_before_write {
            // Anything already waiting is an answer to an earlier request.
            g.drain_before_write = false;
            let mut scratch = [0u8; 256];
            loop {
                let mut rb = ReadBuf::new(&mut scratch);
                match Pin::new(&mut g.stream).poll_read(cx, &mut rb) {
                    Poll::Ready(Ok(())) if !rb.filled().is_empty() => {
                        g.stale += rb.filled().len() as u64;
                    }
                    _ => break,
                }
            }
        }
        Pin::new(&mut g.stream).poll_write(cx, data)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner().stream).poll_shutdown(cx)
    }
}

/// One request on the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModbusRequest {
    ReadInputs {
        address: u16,
        count: u16,
    },
    ReadInputRegisters {
        address: u16,
        count: u16,
    },
    ReadHoldingRegisters {
        address: u16,
        count: u16,
    },
    WriteCoil {
        address: u16,
        on: bool,
    },
    WriteCoils {
        address: u16,
        count: u16,
        on: bool,
    },
    /// FC05 with a value other than ON/OFF (Waveshare timed pulse), sent as
    /// our own frame: tokio-modbus rejects such an echo as an invalid coil.
    WriteCoilValue {
        address: u16,
        value: u16,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Bits(Vec<bool>),
    Words(Vec<u16>),
    Done,
}

struct Open {
    ctx: Context,
    port: SharedPort,
}

/// The line. Not shared: one owner (the bus task, or a technician command).
pub struct ModbusLink {
    cfg: LinkConfig,
    open: Option<Open>,
    last_frame: Instant,
    /// After a failed exchange: no request before this.
    resync_until: Option<Instant>,
    stats: LinkStats,
}

impl ModbusLink {
    /// Open the port now, so that a wrong device is reported at once.
    pub async fn open(cfg: LinkConfig) -> Result<Self, LinkError> {
        Self::open_now(cfg)
    }

    pub fn config(&self) -> &LinkConfig {
        &self.cfg
    }

    pub fn stats(&self) -> LinkStats {
        let mut s = self.stats.clone();
        if let Some(o) = &self.open {
            s.stale_bytes_dropped += o.port.inner().stale;
        }
        s
    }

    /// Open without waiting (for constructors that are not async). Must run
    /// inside a tokio runtime.
    pub fn open_now(cfg: LinkConfig) -> Result<Self, LinkError> {
        let mut link = Self::unopened(cfg);
        let stream = link.open_stream()?;
        link.open = Some(link.attach(stream));
        Ok(link)
    }

    /// A line whose port is opened by the first request (and retried by
    /// every one after it): for a kiosk that must come up and say "out of
    /// service" while its RS-485 adapter is unplugged.
    pub fn unopened(cfg: LinkConfig) -> Self {
        Self {
            cfg,
            open: None,
            last_frame: Instant::now(),
            resync_until: None,
            stats: LinkStats::default(),
        }
    }

    fn open_stream(&self) -> Result<SerialStream, LinkError> {
        let parity = match self.cfg.parity {
            Parity::None => tokio_serial::Parity::None,
            Parity::Even => tokio_serial::Parity::Even,
            Parity::Odd => tokio_serial::Parity::Odd,
        };
        let builder = tokio_serial::new(&self.cfg.port, self.cfg.baud)
            .parity(parity)
            .data_bits(tokio_serial::DataBits::Eight)
            .stop_bits(tokio_serial::StopBits::One)
            .flow_control(tokio_serial::FlowControl::None);
        SerialStream::open(&builder).map_err(|e| LinkError::Open {
            port: self.cfg.port.clone(),
            reason: e.to_string(),
        })
    }

    fn attach(&mut self, stream: SerialStream) -> Open {
        let _ = stream.clear(ClearBuffer::All);
        let port = SharedPort(Arc::new(Mutex::new(PortInner {
            stream,
            rx: Vec::new(),
            rx_at: None,
            drain_before_write: false,
            stale: 0,
        })));
        let ctx = tokio_modbus::client::rtu::attach_slave(port.clone(), Slave(1));
        self.last_frame = Instant::now();
        Open { ctx, port }
    }

    async fn open_port(&mut self, after_timeout: bool) -> Result<Open, LinkError> {
        let stream = self.open_stream()?;
        if after_timeout {
            // Let a late reply land, then throw it away with the buffers.
            tokio::time::sleep(self.cfg.reopen_quiet).await;
        }
        Ok(self.attach(stream))
    }

    /// Drop the context and the port, reopen and clear: the only way to be
    /// sure a late reply does not answer the next request.
    async fn reopen(&mut self) {
        if let Some(o) = self.open.take() {
            self.stats.stale_bytes_dropped += o.port.inner().stale;
        }
        self.stats.reopens += 1;
        match self.open_port(true).await {
            Ok(o) => self.open = Some(o),
            Err(e) => tracing::warn!("reopening the lock bus port: {e}"),
        }
    }

    /// One request with the configured retries.
    pub async fn request(&mut self, board: u8, req: ModbusRequest) -> Result<Reply, LinkError> {
        let mut attempt = 0;
        loop {
            match self.once(board, req).await {
                Ok(r) => return Ok(r),
                Err(e @ LinkError::Exception(_)) => return Err(e),
                Err(e) if attempt >= self.cfg.retries => return Err(e),
                Err(_) => {
                    attempt += 1;
                    self.stats.retries += 1;
                }
            }
        }
    }

    /// One attempt, no retry.
    pub async fn once(&mut self, board: u8, req: ModbusRequest) -> Result<Reply, LinkError> {
        if self.open.is_none() {
            let o = self.open_port(false).await?;
            self.open = Some(o);
        }
        let mut quiet_until = self.last_frame + self.cfg.gap();
        if let Some(resync) = self.resync_until.take() {
            quiet_until = quiet_until.max(resync);
        }
        rtu::sleep_until_precise(quiet_until).await;
        self.stats.requests += 1;
        let Some(open) = self.open.as_mut() else {
            return Err(LinkError::Io("port closed".into()));
        };
        {
            let mut g = open.port.inner();
            g.rx.clear();
            g.rx_at = None;
            g.drain_before_write = true;
        }
        open.ctx.set_slave(Slave(board));
        let sent_at = Instant::now();
        let result = timeout(self.cfg.timeout, call(open, board, req)).await;
        self.last_frame = match (&result, open.port.inner().rx_at) {
            // Not when this task got round to decoding it.
            (Ok(Ok(_)) | Ok(Err(LinkError::Exception(_))), Some(at)) => at,
            _ => Instant::now(),
        };
        // The line was last busy when garbage came back, or, when nothing
        // did, at the end of our own request.
        let silent_since = match &result {
            Err(_) if !self.heard_anything() => {
                sent_at + rtu::wire_time(REQUEST_BYTES, self.cfg.baud)
            }
            _ => self.last_frame,
        };
        if !matches!(result, Ok(Ok(_)) | Ok(Err(LinkError::Exception(_)))) {
            self.resync_until = Some(silent_since + self.cfg.resync_silence);
        }
        match result {
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(LinkError::Exception(code))) => {
                self.stats.exceptions += 1;
                Err(LinkError::Exception(code))
            }
            Ok(Err(e)) => {
                if e == LinkError::BadReply {
                    self.stats.bad_replies += 1;
                }
                self.reopen().await;
                Err(e)
            }
            Err(_elapsed) => {
                let heard = self.heard_anything();
                self.reopen().await;
                if heard {
                    // Bytes came back but never made a frame: bad CRC or noise.
                    self.stats.bad_replies += 1;
                    Err(LinkError::BadReply)
                } else {
                    self.stats.timeouts += 1;
                    Err(LinkError::Timeout)
                }
            }
        }
    }

    fn heard_anything(&self) -> bool {
        self.open
            .as_ref()
            .is_some_and(|o| !o.port.inner().rx.is_empty())
    }

    pub async fn read_inputs(
        &mut self,
        board: u8,
        address: u16,
        count: u16,
    ) -> Result<Vec<bool>, LinkError> {
        match self
            .request(board, ModbusRequest::ReadInputs { address, count })
            .await?
        {
            Reply::Bits(b) => Ok(b),
            _ => Err(LinkError::BadReply),
        }
    }

    pub async fn read_input_registers(
        &mut self,
        board: u8,
        address: u16,
        count: u16,
    ) -> Result<Vec<u16>, LinkError> {
        match self
            .request(board, ModbusRequest::ReadInputRegisters { address, count })
            .await?
        {
            Reply::Words(w) => Ok(w),
            _ => Err(LinkError::BadReply),
        }
    }
}

/// Every request the bus sends is 8 bytes (FC01-06 with id and CRC) except
/// the output clear (FC0F); close enough for when the line fell silent.
const REQUEST_BYTES: usize = 8;

fn modbus_error(e: tokio_modbus::Error) -> LinkError {
    match e {
        tokio_modbus::Error::Protocol(_) => LinkError::BadReply,
        tokio_modbus::Error::Transport(e) if e.kind() == io::ErrorKind::InvalidData => {
            LinkError::BadReply
        }
        tokio_modbus::Error::Transport(e) => LinkError::Io(e.to_string()),
    }
}

fn flatten<T>(r: tokio_modbus::Result<T>) -> Result<T, LinkError> {
    match r {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(exception)) => Err(LinkError::Exception(u8::from(exception))),
        Err(e) => Err(modbus_error(e)),
    }
}

async fn call(open: &mut Open, board: u8, req: ModbusRequest) -> Result<Reply, LinkError> {
    let ctx = &mut open.ctx;
    match req {
        ModbusRequest::ReadInputs { address, count } => {
            let mut bits = flatten(ctx.read_discrete_inputs(address, count).await)?;
            if bits.len() < usize::from(count) {
                return Err(LinkError::BadReply);
            }
            bits.truncate(usize::from(count));
            Ok(Reply::Bits(bits))
        }
        ModbusRequest::ReadInputRegisters { address, count } => {
            let words = flatten(ctx.read_input_registers(address, count).await)?;
            Ok(Reply::Words(words))
        }
        ModbusRequest::ReadHoldingRegisters { address, count } => {
            let words = flatten(ctx.read_holding_registers(address, count).await)?;
            Ok(Reply::Words(words))
        }
        ModbusRequest::WriteCoil { address, on } => {
            flatten(ctx.write_single_coil(address, on).await)?;
            Ok(Reply::Done)
        }
        ModbusRequest::WriteCoils { address, count, on } => {
            let coils = vec![on; usize::from(count)];
            flatten(ctx.write_multiple_coils(address, &coils).await)?;
            Ok(Reply::Done)
        }
        ModbusRequest::WriteCoilValue { address, value } => {
            let mut pdu = vec![0x05];
            pdu.extend(address.to_be_bytes());
            pdu.extend(value.to_be_bytes());
            let frame = rtu::frame(board, &pdu);
            let mut port = open.port.clone();
            port.write_all(&frame)
                .await
                .map_err(|e| LinkError::Io(e.to_string()))?;
            let mut reply = Vec::new();
            let mut chunk = [0u8; 64];
            loop {
                let n = port
                    .read(&mut chunk)
                    .await
                    .map_err(|e| LinkError::Io(e.to_string()))?;
                if n == 0 {
                    return Err(LinkError::Io("port closed".into()));
                }
                reply.extend_from_slice(&chunk[..n]);
                if let Some(len) = rtu::response_len(&reply)
                    && reply.len() >= len
                {
                    reply.truncate(len);
                    break;
                }
                if reply.len() >= 2 && rtu::response_len(&reply).is_none() {
                    return Err(LinkError::BadReply);
                }
            }
            if !rtu::crc_ok(&reply) || reply[0] != board {
                return Err(LinkError::BadReply);
            }
            if reply[1] & 0x80 != 0 {
                return Err(LinkError::Exception(reply[2]));
            }
            if reply != frame {
                return Err(LinkError::BadReply);
            }
            Ok(Reply::Done)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parity_reads_as_the_config_spells_it() {
        assert_eq!("none".parse::<Parity>(), Ok(Parity::None));
        assert_eq!("Even".parse::<Parity>(), Ok(Parity::Even));
        assert_eq!("o".parse::<Parity>(), Ok(Parity::Odd));
        assert!("mark".parse::<Parity>().is_err());
    }

    #[test]
    fn gap_is_the_modbus_rule_unless_raised() {
        assert_eq!(
            LinkConfig::new("x", 115_200).gap(),
            Duration::from_micros(1750)
        );
        assert_eq!(LinkConfig::new("x", 9600).gap(), rtu::frame_gap(9600));
        let mut cfg = LinkConfig::new("x", 115_200);
        cfg.min_gap = Duration::from_millis(5);
        assert_eq!(cfg.gap(), Duration::from_millis(5));
        cfg.baud = 1200;
        assert_eq!(cfg.gap(), rtu::frame_gap(1200));
        assert!(rtu::frame_gap(1200) > Duration::from_millis(29));
    }
}
