//! Merchant data in and out, measured through the dashboard's own routes: the CSV export of
//! every seeded customer (rows per second, and the server's resident memory at its highest while
//! it streams) and the import of a generated file (upload and check, then the one transaction).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;

use crate::load;
use crate::process::memory_mb;

pub struct TransferResults {
    pub export_rows: usize,
    pub export_took: Duration,
    /// The server's highest VmRSS sampled while the export streamed, in MB.
    pub export_peak_rss_mb: Option<f64>,
    pub import_rows: usize,
    pub upload_took: Duration,
    pub import_took: Duration,
}

async fn send(addr: SocketAddr, request: Request<Full<Bytes>>) -> (u16, hyper::body::Incoming) {
    let mut sender = load::open(addr).await.expect("the server answers");
    let response = sender.send_request(request).await.expect("a response");
    (response.status().as_u16(), response.into_body())
}

pub async fn measure(
    addr: SocketAddr,
    pid: Option<u32>,
    session: &str,
    import_rows: usize,
) -> TransferResults {
    let cookie = format!("shika_session={session}");

    // Export: the whole body read as it streams, the server's memory sampled meanwhile.
    let request = load::request(
        Method::GET,
        "/customers/export.csv".into(),
        &[("cookie", &cookie)],
        None,
    );
    let started = Instant::now();
    let (status, mut body) = send(addr, request).await;
    assert_eq!(status, 200, "the export answers");
    let (mut lines, mut peak, mut sampled) = (0usize, None::<f64>, Instant::now());
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.expect("the export streams").into_data() {
            lines += data.iter().filter(|&&b| b == b'\n').count();
        }
        if sampled.elapsed() >= Duration::from_millis(50) {
            sampled = Instant::now();
            if let Some(now) = pid.and_then(|pid| memory_mb(pid, "VmRSS")) {
                peak = Some(peak.map_or(now, |p: f64| p.max(now)));
            }
        }
    }
    let export_took = started.elapsed();

    // Import: a generated file, uploaded and checked, then imported in one transaction.
    let mut csv = String::from("email,name,phone,metadata[source]\r\n");
    for n in 0..import_rows {
        csv.push_str(&format!(
            "import{n}@example.com,Imported {n},024{n:07},bench\r\n"
        ));
    }
    let mut multipart =
        b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n\r\n"
            .to_vec();
    multipart.extend_from_slice(csv.as_bytes());
    multipart.extend_from_slice(b"\r\n--B--\r\n");
    let request = Request::builder()
        .method(Method::POST)
        .uri("/customers/import/upload")
        .header("host", "127.0.0.1")
        .header("cookie", &cookie)
        .header("content-type", "multipart/form-data; boundary=B")
        .body(Full::new(Bytes::from(multipart)))
        .expect("a request");
    let started = Instant::now();
    let (status, body) = send(addr, request).await;
    let page =
        String::from_utf8_lossy(&body.collect().await.expect("the page").to_bytes()).into_owned();
    let upload_took = started.elapsed();
    assert_eq!(status, 200);
    let id = page
        .split("url=/customers/import/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the upload was refused: {page}"))
        .to_owned();
    let request = load::request(
        Method::POST,
        format!("/customers/import/{id}/run"),
        &[("cookie", &cookie)],
        None,
    );
    let started = Instant::now();
    let (_, body) = send(addr, request).await;
    let page =
        String::from_utf8_lossy(&body.collect().await.expect("the page").to_bytes()).into_owned();
    let import_took = started.elapsed();
    assert!(
        page.contains("The import is done."),
        "the import failed: {page}"
    );

    TransferResults {
        // The header is a line too.
        export_rows: lines.saturating_sub(1),
        export_took,
        export_peak_rss_mb: peak,
        import_rows,
        upload_took,
        import_took,
    }
}

impl TransferResults {
    pub fn report(&self) -> String {
        let rate = |rows: usize, took: Duration| rows as f64 / took.as_secs_f64().max(1e-9);
        let rss = self
            .export_peak_rss_mb
            .map_or("not measured".to_owned(), |mb| {
                format!(
                    "{mb:.0} MB (≤ 100 MB: {})",
                    if mb <= 100.0 { "met" } else { "MISSED" }
                )
            });
        format!(
            "- export CSV: {} customers in {:.1} s = {:.0} rows/s; server RSS during it at most {rss}\n\
             - import CSV: {} rows uploaded and checked in {:.1} s ({:.0} rows/s), imported in {:.1} s ({:.0} rows/s)\n",
            self.export_rows,
            self.export_took.as_secs_f64(),
            rate(self.export_rows, self.export_took),
            self.import_rows,
            self.upload_took.as_secs_f64(),
            rate(self.import_rows, self.upload_took),
            self.import_took.as_secs_f64(),
            rate(self.import_rows, self.import_took),
        )
    }
}
