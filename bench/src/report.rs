//! The table `make bench` prints, with each target met or missed.

use std::fmt::Write;
use std::path::Path;
use std::process::Command;

use crate::load::Measurement;
use crate::{Operation, Results};

/// The WASM, the JS and the CSS every dashboard page loads, whatever their (hashed) names, with
/// the loader of the lazy islands' chunks (the chunks themselves come on top, each on the pages
/// that show its island: the browser figure counts them).
fn page_assets(site: &Path) -> Option<Vec<std::path::PathBuf>> {
    let mut assets: Vec<_> = std::fs::read_dir(site.join("pkg"))
        .ok()?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            (name.starts_with("shika.") || name.starts_with("__wasm_split."))
                && [".wasm", ".js", ".css"]
                    .iter()
                    .any(|ext| name.ends_with(ext))
        })
        .collect();
    assets.sort();
    (assets.len() >= 3).then_some(assets)
}

/// What the browser loads for every dashboard page: (raw bytes, gzip -9 bytes) of the WASM, the
/// JS and the CSS.
pub fn browser_bytes(site: &Path) -> Option<(u64, u64)> {
    let mut raw = 0;
    let mut gzipped = 0;
    for path in page_assets(site)? {
        raw += std::fs::metadata(&path).ok()?.len();
        let output = Command::new("gzip").arg("-9c").arg(&path).output().ok()?;
        gzipped += output.stdout.len() as u64;
    }
    Some((raw, gzipped))
}

/// What the server sends of the same three files to a browser that accepts brotli: the `.br`
/// copies the release build writes beside them (`None` when they are missing).
pub fn brotli_bytes(site: &Path) -> Option<u64> {
    page_assets(site)?
        .iter()
        .map(|path| {
            let mut brotli = path.clone().into_os_string();
            brotli.push(".br");
            Some(std::fs::metadata(brotli).ok()?.len())
        })
        .sum()
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

fn find(results: &[(Operation, Measurement)], operation: Operation) -> Option<&Measurement> {
    results
        .iter()
        .find(|(op, _)| *op == operation)
        .map(|(_, m)| m)
}

fn row(out: &mut String, name: &str, shika: &Measurement, peer: Option<&Measurement>) {
    let _ = write!(
        out,
        "| {name:<21} | {:>9.0} | {:>7.2} | {:>7.2} |",
        shika.per_second(),
        shika.percentile_ms(50),
        shika.percentile_ms(99)
    );
    match peer {
        Some(peer) => {
            let _ = writeln!(
                out,
                " {:>9.0} | {:>7.2} | {:>7.2} | {:>6.1}× |",
                peer.per_second(),
                peer.percentile_ms(50),
                peer.percentile_ms(99),
                shika.per_second() / peer.per_second()
            );
        }
        None => {
            let _ = writeln!(out, " {:>9} | {:>7} | {:>7} | {:>7} |", "–", "–", "–", "–");
        }
    }
}

pub fn render(results: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nShika on {}; {} customers, {} connections, {} s per operation, loopback, rate limit off\n",
        results.database,
        results.customers,
        results.connections,
        results.duration.as_secs()
    );
    let _ = writeln!(
        out,
        "| operation             | Shika r/s | p50 ms  | p99 ms  | peer r/s  | p50 ms  | p99 ms  | Shika/peer |"
    );
    let _ = writeln!(
        out,
        "|-----------------------|----------:|--------:|--------:|----------:|--------:|--------:|--------:|"
    );
    for (operation, measured) in &results.shika {
        row(
            &mut out,
            operation.label(),
            measured,
            find(&results.peer, *operation),
        );
    }
    row(&mut out, "HTTP ceiling", &results.ceiling, None);
    row(&mut out, "write floor (no HTTP)", &results.floor, None);
    row(&mut out, "dashboard SSR, 50 rows", &results.ssr, None);
    let failures: Vec<String> = results
        .shika
        .iter()
        .chain(&results.peer)
        .filter(|(_, m)| m.failures > 0)
        .map(|(op, m)| {
            format!(
                "{} ({} of {}; first: {})",
                op.label(),
                m.failures,
                m.requests,
                m.first_failure.as_deref().unwrap_or("connection error")
            )
        })
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(out, "\nfailed requests: {}", failures.join("; "));
    }

    let shika = |op| find(&results.shika, op);
    let ceiling = results.ceiling.per_second();
    let worst_p99 = results
        .shika
        .iter()
        .map(|(op, m)| (m.percentile_ms(99), op.label()))
        .fold(
            (0.0, ""),
            |worst, this| if this.0 > worst.0 { this } else { worst },
        );
    let _ = writeln!(out, "\ntargets:");
    if let Some(retrieve) = shika(Operation::Retrieve) {
        let ratio = retrieve.per_second() / ceiling;
        let _ = writeln!(
            out,
            "- retrieve / ceiling = {:.0} % (≥ 70 %): {}",
            ratio * 100.0,
            verdict(ratio >= 0.7)
        );
    }
    if let Some(first_page) = shika(Operation::ListFirstPage) {
        let ratio = first_page.per_second() / ceiling;
        let _ = writeln!(
            out,
            "- list first page / ceiling = {:.0} % (≥ 50 %): {}",
            ratio * 100.0,
            verdict(ratio >= 0.5)
        );
    }
    if let Some(create) = shika(Operation::Create) {
        let ratio = create.per_second() / results.floor.per_second();
        let _ = writeln!(
            out,
            "- create / write floor = {:.0} % (≥ 60 %): {}",
            ratio * 100.0,
            verdict(ratio >= 0.6)
        );
    }
    if let (Some(deep), Some(first_page)) = (
        shika(Operation::ListDeepPage),
        shika(Operation::ListFirstPage),
    ) {
        let ratio = deep.percentile_ms(50) / first_page.percentile_ms(50);
        let _ = writeln!(
            out,
            "- deep page p50 / first page p50 = {ratio:.2}× (≤ 1.2×): {}",
            verdict(ratio <= 1.2)
        );
    }
    if let Some(first_page) = shika(Operation::ListFirstPage) {
        for operation in [Operation::SearchName, Operation::SearchPhone] {
            if let Some(search) = shika(operation) {
                let ratio = search.percentile_ms(50) / first_page.percentile_ms(50);
                let _ = writeln!(
                    out,
                    "- {} p50 / first page p50 = {ratio:.2}× (≤ 2×): {}",
                    operation.label(),
                    verdict(ratio <= 2.0)
                );
            }
        }
        if let Some(metadata) = shika(Operation::ListByMetadata) {
            let _ = writeln!(
                out,
                "  list by metadata p50 / first page p50 = {:.2}×",
                metadata.percentile_ms(50) / first_page.percentile_ms(50)
            );
        }
    }
    if let (Some(create), Some(bare)) = (
        shika(Operation::Create),
        results.create_without_search_indexes.as_ref(),
    ) {
        let cost = 1.0 - create.per_second() / bare.per_second();
        let _ = writeln!(
            out,
            "- search indexes cost creates {:.0} % of their throughput ({:.0} r/s with, {:.0} \
             without; ≤ 25 %): {}",
            cost * 100.0,
            create.per_second(),
            bare.per_second(),
            verdict(cost <= 0.25)
        );
    }
    if let Some(with_endpoint) = &results.with_endpoint {
        for (operation, with) in &with_endpoint.writes {
            if let Some(without) = shika(*operation) {
                let cost = 1.0 - with.per_second() / without.per_second();
                let _ = writeln!(
                    out,
                    "- {} with a webhook endpoint: {:.0} r/s, p50 {:.2} ms ({:.0} r/s, p50 {:.2} ms \
                     with none: {:+.0} % throughput)",
                    operation.label(),
                    with.per_second(),
                    with.percentile_ms(50),
                    without.per_second(),
                    without.percentile_ms(50),
                    -cost * 100.0
                );
            }
        }
        let _ = writeln!(
            out,
            "- webhook deliveries to a receiver on 127.0.0.1: {} in {:.1} s, {:.0} events/s",
            with_endpoint.delivered,
            with_endpoint.delivering.as_secs_f64(),
            with_endpoint.per_second()
        );
    }
    let _ = writeln!(
        out,
        "- worst p99 = {:.2} ms, {} (≤ 10 ms for every operation): {}",
        worst_p99.0,
        worst_p99.1,
        verdict(worst_p99.0 <= 10.0)
    );
    if !results.peer.is_empty() {
        let slowest = results
            .shika
            .iter()
            .filter_map(|(op, m)| {
                let peer = find(&results.peer, *op)?;
                Some((m.per_second() / peer.per_second(), op.label()))
            })
            .fold(
                (f64::INFINITY, ""),
                |low, this| if this.0 < low.0 { this } else { low },
            );
        let _ = writeln!(
            out,
            "- Shika / PocketBase, lowest = {:.1}×, {} (≥ 2× on every operation): {}",
            slowest.0,
            slowest.1,
            verdict(slowest.0 >= 2.0)
        );
    }
    match results.shika_rss_mb {
        Some(rss) => {
            let _ = writeln!(
                out,
                "- Shika peak RSS = {rss:.0} MB (≤ 100 MB): {}",
                verdict(rss <= 100.0)
            );
        }
        None => {
            let _ = writeln!(out, "- Shika peak RSS: not measured");
        }
    }
    if let Some(rss) = results.peer_rss_mb {
        let _ = writeln!(out, "  (PocketBase peak RSS = {rss:.0} MB)");
    }
    match results.browser_bytes {
        Some((raw, gzipped)) => {
            let _ = writeln!(
                out,
                "- every page loads {:.0} KB gzip ({:.0} KB raw) of WASM + JS + CSS before its islands' \
                 chunks (≤ 250 KB gzip): {}",
                gzipped as f64 / 1000.0,
                raw as f64 / 1000.0,
                verdict(gzipped <= 250_000)
            );
            if let Some(brotli) = results.browser_brotli_bytes {
                let _ = writeln!(
                    out,
                    "  served precompressed to browsers that accept brotli: {:.0} KB",
                    brotli as f64 / 1000.0
                );
            }
        }
        None => {
            let _ = writeln!(out, "- /customers bundle: not found (build the site first)");
        }
    }
    match &results.mobile {
        Some(mobile) => {
            let (cold, warm) = (&mobile.cold, &mobile.warm);
            let _ = writeln!(
                out,
                "- /customers in Chromium at 1.6 Mbit/s, 150 ms RTT, CPU 4× slower, cold: table at \
                 {:.2} s (≤ 1.5 s): {}; interactive at {:.2} s (≤ 3 s): {}; {:.0} KB on the wire \
                 (≤ 150 KB): {}",
                cold.table_ms / 1000.0,
                verdict(cold.table_ms <= 1500.0),
                cold.interactive_ms / 1000.0,
                verdict(cold.interactive_ms <= 3000.0),
                cold.bytes / 1000.0,
                verdict(cold.bytes <= 150_000.0)
            );
            let _ = writeln!(
                out,
                "  warm: table at {:.2} s, interactive at {:.2} s, {:.1} KB on the wire (≤ 20 KB): {}",
                warm.table_ms / 1000.0,
                warm.interactive_ms / 1000.0,
                warm.bytes / 1000.0,
                verdict(warm.bytes <= 20_000.0)
            );
        }
        None => {
            let _ = writeln!(out, "- /customers in a throttled Chromium: not measured");
        }
    }
    out.push_str(&results.transfer.report());
    let ssr = results.ssr.percentile_ms(50);
    let _ = writeln!(
        out,
        "- SSR of /customers with 50 rows p50 = {ssr:.2} ms (≤ 5 ms): {}",
        verdict(ssr <= 5.0)
    );
    let _ = writeln!(
        out,
        "  compressed on the fly for a browser that accepts brotli: p50 = {:.2} ms, {:.0} pages/s \
         on one connection ({:.0} uncompressed)",
        results.ssr_compressed.percentile_ms(50),
        results.ssr_compressed.per_second(),
        results.ssr.per_second()
    );
    let _ = writeln!(
        out,
        "- seeding: Shika {} customers in {:.1} s (all data {:.1} s)",
        results.customers,
        results.shika_seed.customers_took.as_secs_f64(),
        results.shika_seed.took.as_secs_f64()
    );
    if let Some(peer) = &results.peer_seed {
        let _ = writeln!(
            out,
            "  PocketBase (straight into its SQLite file): {:.1} s",
            peer.took.as_secs_f64()
        );
    }
    out
}
