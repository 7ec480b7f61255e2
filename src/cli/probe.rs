//! `kith probe`: asks the server on this machine whether it is ready (`GET /ready`), for a
//! container's health check, which has no curl or wget to do it with.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long the whole exchange may take before the server counts as not answering.
const LIMIT: Duration = Duration::from_secs(5);

/// The address to ask, from the address the server listens on: a wildcard address is asked
/// on loopback.
pub fn address_of(bind: &str) -> String {
    let (host, port) = bind.rsplit_once(':').unwrap_or((bind, "8080"));
    let host = match host {
        "" | "0.0.0.0" => "127.0.0.1",
        "[::]" => "[::1]",
        other => other,
    };
    format!("{host}:{port}")
}

/// Sends `GET path` to `address`; the status code and the body.
pub async fn ask(address: &str, path: &str) -> anyhow::Result<(u16, String)> {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(address).await?;
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        anyhow::Ok(String::from_utf8_lossy(&response).into_owned())
    };
    let response = tokio::time::timeout(LIMIT, exchange)
        .await
        .map_err(|_| anyhow::anyhow!("no answer from {address} within {LIMIT:?}"))?
        .map_err(|err| anyhow::anyhow!("could not ask {address}: {err}"))?;
    let status = response
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("{address} did not answer in HTTP"))?;
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, body)| body)
        .trim()
        .to_owned();
    Ok((status, body))
}

#[cfg(test)]
mod tests {
    use super::address_of;

    #[test]
    fn wildcard_addresses_are_asked_on_loopback() {
        assert_eq!(address_of("0.0.0.0:8080"), "127.0.0.1:8080");
        assert_eq!(address_of("[::]:9000"), "[::1]:9000");
        assert_eq!(address_of("127.0.0.1:8081"), "127.0.0.1:8081");
        assert_eq!(address_of("kith.internal:80"), "kith.internal:80");
    }
}
