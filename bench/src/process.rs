//! The servers under test as child processes: start, wait until they answer, read their peak
//! memory, stop.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use http::Request;
use http_body_util::Full;
use tokio::process::{Child, Command};

use crate::load;

pub struct Server {
    pub addr: SocketAddr,
    child: Child,
}

/// A port nobody listens on right now.
pub fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
}

impl Server {
    /// Starts `command` (already given its address) and waits until `GET health` answers 200.
    pub async fn start(mut command: Command, addr: SocketAddr, health: &str, log: &Path) -> Self {
        let log = std::fs::File::create(log).expect("a log file");
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .expect("the server starts");
        let server = Server { addr, child };
        for _ in 0..600 {
            if server.get(health).await == Some(200) {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server at {addr} did not answer {health} within a minute");
    }

    /// The status of `GET path`, or `None` when nothing answered.
    pub async fn get(&self, path: &str) -> Option<u16> {
        let mut sender = load::open(self.addr).await?;
        let request = Request::get(path)
            .header("host", self.addr.to_string())
            .body(Full::default())
            .ok()?;
        let response = sender.send_request(request).await.ok()?;
        Some(response.status().as_u16())
    }

    /// The most memory the process has held (VmHWM), in MB.
    pub fn peak_rss_mb(&self) -> Option<f64> {
        memory_mb(self.child.id()?, "VmHWM")
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// A memory figure of a process from `/proc/PID/status` (`VmRSS`, `VmHWM`…), in MB.
pub fn memory_mb(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kilobytes: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kilobytes / 1024.0)
}
