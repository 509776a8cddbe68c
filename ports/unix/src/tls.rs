//! TLS sessions for `ssl`/`tls` on the host: rustls with the ring crypto provider (cargo
//! feature `tls`). Sessions are kept in a table; their handles are indexes into it.
//!
//! Certificates and keys arrive as DER or PEM text. With verification on and no CA given, the
//! trust store is the host's (`/etc/ssl/certs/ca-certificates.crt` or `$SSL_CERT_FILE`).

use std::io::{Read, Write};
use std::sync::Arc;

use pyrite_hal::net::{TlsConfig, EAGAIN, EINVAL};
use pyrite_hal::HalResult;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, Connection, RootCertStore, ServerConfig};

const EIO: i32 = 5;

struct Session {
    conn: Connection,
    error: Option<String>,
}

/// The table of live sessions.
#[derive(Default)]
pub struct Sessions {
    slots: Vec<Option<Session>>,
    /// Why the last `new` failed.
    last_error: Option<String>,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn is_pem(b: &[u8]) -> bool {
    b.windows(10).any(|w| w == b"-----BEGIN")
}

/// Certificates from DER or PEM bytes.
fn certs_of(b: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    if is_pem(b) {
        let v: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(b).collect();
        let v = v.map_err(|e| format!("bad PEM certificate: {:?}", e))?;
        if v.is_empty() {
            return Err("no certificate in PEM data".into());
        }
        Ok(v)
    } else {
        Ok(vec![CertificateDer::from(b.to_vec())])
    }
}

fn key_of(b: &[u8]) -> Result<PrivateKeyDer<'static>, String> {
    if is_pem(b) {
        PrivateKeyDer::from_pem_slice(b).map_err(|e| format!("bad PEM key: {:?}", e))
    } else {
        PrivateKeyDer::try_from(b.to_vec()).map_err(|e| format!("bad key: {}", e))
    }
}

fn roots(cfg: &TlsConfig) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    if cfg.ca_certs.is_empty() {
        let path = std::env::var("SSL_CERT_FILE")
            .unwrap_or_else(|_| "/etc/ssl/certs/ca-certificates.crt".into());
        if let Ok(data) = std::fs::read(&path) {
            for c in CertificateDer::pem_slice_iter(&data).flatten() {
                let _ = store.add(c);
            }
        }
        if store.is_empty() {
            return Err(format!(
                "no trusted CA certificates (none given, none in {})",
                path
            ));
        }
    } else {
        for ca in &cfg.ca_certs {
            for c in certs_of(ca)? {
                store
                    .add(c)
                    .map_err(|e| format!("bad CA certificate: {}", e))?;
            }
        }
    }
    Ok(store)
}

/// A verifier that accepts any server certificate (`CERT_NONE`), still checking signatures.
#[derive(Debug)]
struct NoVerify(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn make_conn(cfg: &TlsConfig) -> Result<Connection, String> {
    let p = provider();
    let chain = cfg
        .cert_chain
        .iter()
        .map(|c| certs_of(c))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    let key = match &cfg.key {
        Some(k) => Some(key_of(k)?),
        None => None,
    };
    if cfg.server {
        let b = ServerConfig::builder_with_provider(p.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?;
        let b = if cfg.verify {
            let v = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots(cfg)?),
                p,
            )
            .build()
            .map_err(|e| e.to_string())?;
            b.with_client_cert_verifier(v)
        } else {
            b.with_no_client_auth()
        };
        let Some(key) = key else {
            return Err("a server needs a certificate and key (load_cert_chain)".into());
        };
        if chain.is_empty() {
            return Err("a server needs a certificate and key (load_cert_chain)".into());
        }
        let sc = b.with_single_cert(chain, key).map_err(|e| e.to_string())?;
        let conn = rustls::ServerConnection::new(Arc::new(sc)).map_err(|e| e.to_string())?;
        Ok(Connection::Server(conn))
    } else {
        let b = ClientConfig::builder_with_provider(p.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?;
        let b = if cfg.verify {
            b.with_root_certificates(roots(cfg)?)
        } else {
            b.dangerous()
                .with_custom_certificate_verifier(Arc::new(NoVerify(p)))
        };
        let cc = match key {
            Some(k) if !chain.is_empty() => b
                .with_client_auth_cert(chain, k)
                .map_err(|e| e.to_string())?,
            _ => b.with_no_client_auth(),
        };
        let name = match &cfg.server_name {
            Some(n) => n.clone(),
            None if cfg.verify => {
                return Err("server_hostname is needed to verify the server's certificate".into())
            }
            None => "localhost".into(),
        };
        let sn = ServerName::try_from(name).map_err(|e| format!("bad server_hostname: {}", e))?;
        let conn = ClientConnection::new(Arc::new(cc), sn).map_err(|e| e.to_string())?;
        Ok(Connection::Client(conn))
    }
}

impl Sessions {
    fn get(&mut self, t: i32) -> HalResult<&mut Session> {
        usize::try_from(t)
            .ok()
            .and_then(|i| self.slots.get_mut(i))
            .and_then(|s| s.as_mut())
            .ok_or(pyrite_hal::net::EBADF)
    }

    pub fn new_session(&mut self, cfg: &TlsConfig) -> HalResult<i32> {
        match make_conn(cfg) {
            Ok(conn) => {
                let s = Session { conn, error: None };
                let i = match self.slots.iter().position(|s| s.is_none()) {
                    Some(i) => {
                        self.slots[i] = Some(s);
                        i
                    }
                    None => {
                        self.slots.push(Some(s));
                        self.slots.len() - 1
                    }
                };
                i32::try_from(i).map_err(|_| EINVAL)
            }
            Err(e) => {
                self.last_error = Some(e);
                Err(EINVAL)
            }
        }
    }

    pub fn free(&mut self, t: i32) {
        if let Some(s) = usize::try_from(t).ok().and_then(|i| self.slots.get_mut(i)) {
            *s = None;
        }
    }

    pub fn feed(&mut self, t: i32, data: &[u8]) -> HalResult<usize> {
        let s = self.get(t)?;
        let mut rd = data;
        let n = match s.conn.read_tls(&mut rd) {
            Ok(n) => n,
            Err(e) => {
                s.error = Some(e.to_string());
                return Err(EIO);
            }
        };
        if let Err(e) = s.conn.process_new_packets() {
            s.error = Some(e.to_string());
            return Err(EIO);
        }
        Ok(n)
    }

    pub fn take(&mut self, t: i32, buf: &mut [u8]) -> HalResult<usize> {
        let s = self.get(t)?;
        if !s.conn.wants_write() {
            return Ok(0);
        }
        let mut c = std::io::Cursor::new(buf);
        match s.conn.write_tls(&mut c) {
            Ok(n) => Ok(n),
            Err(e) => {
                s.error = Some(e.to_string());
                Err(EIO)
            }
        }
    }

    pub fn read(&mut self, t: i32, buf: &mut [u8]) -> HalResult<usize> {
        let s = self.get(t)?;
        match s.conn.reader().read(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Err(EAGAIN),
            // The peer closed without close_notify: end of stream all the same.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(0),
            Err(e) => {
                s.error = Some(e.to_string());
                Err(EIO)
            }
        }
    }

    pub fn write(&mut self, t: i32, data: &[u8]) -> HalResult<usize> {
        let s = self.get(t)?;
        match s.conn.writer().write(data) {
            Ok(n) => Ok(n),
            Err(e) => {
                s.error = Some(e.to_string());
                Err(EIO)
            }
        }
    }

    pub fn handshaking(&mut self, t: i32) -> bool {
        self.get(t)
            .map(|s| s.conn.is_handshaking())
            .unwrap_or(false)
    }

    pub fn close(&mut self, t: i32) {
        if let Ok(s) = self.get(t) {
            s.conn.send_close_notify();
        }
    }

    pub fn error(&mut self, t: i32) -> Option<String> {
        if t < 0 {
            return self.last_error.take();
        }
        match self.get(t) {
            Ok(s) => s.error.clone(),
            Err(_) => self.last_error.take(),
        }
    }
}
