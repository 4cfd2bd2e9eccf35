//! The browser figure: `bench/browser/mobile.mjs` opens `/customers` logged in, in Chromium on a
//! throttled "slow 4G / fast 3G" profile (1.6 Mbit/s down, 150 ms round trip, CPU slowed 4×),
//! cold and then warm, and reports when the table shows, when the page is interactive and the
//! bytes on the wire.

use std::net::SocketAddr;

use serde_json::Value;
use tokio::process::Command;

/// One visit's figures.
pub struct Visit {
    pub table_ms: f64,
    pub interactive_ms: f64,
    pub bytes: f64,
}

pub struct MobileVisits {
    pub cold: Visit,
    pub warm: Visit,
}

/// Runs the script with Node against the server at `addr`; `None` (said on stderr) when Node,
/// Playwright or Chromium is missing or the script fails.
pub async fn measure(addr: SocketAddr, session: &str) -> Option<MobileVisits> {
    let output = Command::new("node")
        .arg("bench/browser/mobile.mjs")
        .arg(format!("http://{addr}"))
        .arg(session)
        .output()
        .await;
    let output = match output {
        Ok(output) if output.status.success() => output,
        Ok(output) => {
            eprintln!(
                "bench: the browser figure failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            return None;
        }
        Err(error) => {
            eprintln!("bench: cannot run node for the browser figure: {error}");
            return None;
        }
    };
    let json: Value = serde_json::from_slice(&output.stdout).ok()?;
    let visit = |name: &str| {
        let figure = |key: &str| json[name][key].as_f64();
        Some(Visit {
            table_ms: figure("table_ms")?,
            interactive_ms: figure("interactive_ms")?,
            bytes: figure("bytes")?,
        })
    };
    Some(MobileVisits {
        cold: visit("cold")?,
        warm: visit("warm")?,
    })
}
