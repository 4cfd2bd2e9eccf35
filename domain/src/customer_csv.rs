//! Customers as CSV, the dashboard's way in and out: the export's columns and rows, and reading
//! an import back into checked customers with the API's own rules and messages, row by row.

use std::io::Read;

use serde_json::{Map, Value};

use crate::customer::{Customer, CustomerForCreate};
use crate::error::Error;

/// The export's first columns; then one `metadata[<key>]` column per key, sorted.
pub const COLUMNS: [&str; 6] = ["id", "email", "name", "phone", "created_at", "updated_at"];

/// Columns an import reads past: the server gives every customer a new id and times.
const IGNORED_ON_IMPORT: [&str; 3] = ["id", "created_at", "updated_at"];

/// How large an import may be, so that one upload cannot exhaust the server.
pub const MAX_IMPORT_BYTES: u64 = 50 * 1024 * 1024;
pub const MAX_IMPORT_ROWS: usize = 500_000;

/// Writes customers as CSV (RFC 4180 quoting, UTF-8) with a fixed set of metadata columns.
pub struct CsvExport {
    metadata_keys: Vec<String>,
}

impl CsvExport {
    /// `metadata_keys`: every key that occurs among the exported customers.
    pub fn new(mut metadata_keys: Vec<String>) -> Self {
        metadata_keys.sort();
        metadata_keys.dedup();
        CsvExport { metadata_keys }
    }

    /// The header line.
    pub fn header(&self) -> Vec<u8> {
        let metadata = self
            .metadata_keys
            .iter()
            .map(|key| format!("metadata[{key}]"));
        let columns: Vec<String> = COLUMNS
            .iter()
            .map(|c| c.to_string())
            .chain(metadata)
            .collect();
        line(&columns)
    }

    /// Lines for `customers`, in the order given.
    pub fn rows(&self, customers: &[Customer]) -> Vec<u8> {
        let mut out = Vec::new();
        for customer in customers {
            let mut cells = vec![
                customer.id.clone(),
                customer.email.clone().unwrap_or_default(),
                customer.name.clone().unwrap_or_default(),
                customer.phone.clone().unwrap_or_default(),
                customer.created_at.to_string(),
                customer.updated_at.to_string(),
            ];
            cells.extend(
                self.metadata_keys
                    .iter()
                    .map(|key| customer.metadata.get(key).unwrap_or_default().to_owned()),
            );
            out.extend(line(&cells));
        }
        out
    }
}

fn line(cells: &[String]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail; an empty line would only hide a bug, never lose data.
    let _ = writer.write_record(cells);
    writer.into_inner().unwrap_or_default()
}

/// A row of an import that cannot become a customer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowProblem {
    /// The line of the file the row starts on (the header is line 1).
    pub line: u64,
    pub message: String,
}

/// What a preview shows of an import file before anything is created.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportSummary {
    /// Rows read, valid or not.
    pub rows: usize,
    /// The first customers as they will be created.
    pub preview: Vec<PreviewRow>,
    /// The invalid rows, by line (at most [`MAX_LISTED_PROBLEMS`] of them).
    pub problems: Vec<RowProblem>,
    /// How many invalid rows there are in all.
    pub invalid: usize,
}

/// An uploaded import file, checked, waiting for the merchant to import it (or imported).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StagedImport {
    pub id: String,
    pub summary: ImportSummary,
    /// How many customers it created, once imported.
    pub imported: Option<i64>,
}

/// A customer of the preview, as it will be created.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PreviewRow {
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub metadata: Vec<(String, String)>,
}

/// How many rows a preview shows, and how many invalid rows it lists by line: enough to fix a
/// file by, without a page of a million lines.
pub const PREVIEW_ROWS: usize = 10;
pub const MAX_LISTED_PROBLEMS: usize = 1_000;

impl ImportFile {
    pub fn summary(&self) -> ImportSummary {
        ImportSummary {
            rows: self.rows,
            preview: self
                .customers
                .iter()
                .take(PREVIEW_ROWS)
                .map(|customer| PreviewRow {
                    email: customer
                        .email
                        .as_ref()
                        .map(|email| email.as_str().to_owned()),
                    name: customer.name.as_ref().map(|name| name.as_str().to_owned()),
                    phone: customer
                        .phone
                        .as_ref()
                        .map(|phone| phone.as_str().to_owned()),
                    metadata: customer
                        .metadata
                        .iter()
                        .map(|(key, value)| (key.clone(), value.clone()))
                        .collect(),
                })
                .collect(),
            problems: self
                .problems
                .iter()
                .take(MAX_LISTED_PROBLEMS)
                .cloned()
                .collect(),
            invalid: self.problems.len(),
        }
    }
}

impl ImportSummary {
    /// Customers the import would create: every row, once none is invalid.
    pub fn creatable(&self) -> usize {
        if self.invalid == 0 {
            self.rows
        } else {
            0
        }
    }
}

/// Why a whole file cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportRefused {
    #[error("The file has no header line. The first line must name the columns, as an export does: id,email,name,phone,created_at,updated_at,metadata[…].")]
    NoHeader,
    #[error("The file is larger than 50 MB. Split it into smaller files and import each.")]
    TooLarge,
    #[error("The file has more than 500,000 rows. Split it into smaller files and import each.")]
    TooManyRows,
    #[error("The file is not valid CSV on line {line}: {reason}.")]
    NotCsv { line: u64, reason: String },
}

/// What an import file holds: the customers it would create and every row that cannot be one.
#[derive(Debug, Default)]
pub struct ImportFile {
    pub customers: Vec<CustomerForCreate>,
    pub problems: Vec<RowProblem>,
    /// Rows read, valid or not.
    pub rows: usize,
}

/// Where each column of an import goes.
enum Column {
    Ignored,
    Email,
    Name,
    Phone,
    Metadata(String),
}

/// Reads a whole import file, checking each row as the API checks a create, so that the messages
/// are the API's. `progress` is called with the rows read so far, every few thousand rows.
pub fn read_import(
    input: impl Read,
    mut progress: impl FnMut(usize),
) -> Result<ImportFile, ImportRefused> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input.take(MAX_IMPORT_BYTES + 1));
    let mut records = reader.byte_records();
    let header = match records.next() {
        Some(record) => record.map_err(not_csv)?,
        None => return Err(ImportRefused::NoHeader),
    };
    let mut file = ImportFile::default();
    let mut columns = Vec::new();
    for name in &header {
        let name = String::from_utf8_lossy(name);
        // Spreadsheets often save a byte-order mark before the first column's name.
        let name = name.trim_start_matches('\u{feff}').trim();
        match column(name) {
            Some(column) => columns.push(column),
            None => file.problems.push(RowProblem {
                line: 1,
                message: format!(
                    "Unknown column: '{name}'. Columns are id, email, name, phone, created_at, \
                     updated_at and metadata[<key>]."
                ),
            }),
        }
    }
    if !file.problems.is_empty() {
        return Ok(file);
    }
    for record in records {
        let record = record.map_err(not_csv)?;
        let line = record.position().map_or(0, |position| position.line());
        file.rows += 1;
        if file.rows > MAX_IMPORT_ROWS {
            return Err(ImportRefused::TooManyRows);
        }
        if file.rows.is_multiple_of(10_000) {
            progress(file.rows);
        }
        match customer(&columns, &record) {
            Ok(customer) => file.customers.push(customer),
            Err(message) => file.problems.push(RowProblem { line, message }),
        }
    }
    if reader.get_ref().limit() == 0 {
        return Err(ImportRefused::TooLarge);
    }
    progress(file.rows);
    Ok(file)
}

fn not_csv(error: csv::Error) -> ImportRefused {
    let line = error.position().map_or(0, |position| position.line());
    let reason = match error.kind() {
        csv::ErrorKind::Io(_) => "it could not be read".to_owned(),
        _ => error.to_string(),
    };
    ImportRefused::NotCsv { line, reason }
}

fn column(name: &str) -> Option<Column> {
    if IGNORED_ON_IMPORT.contains(&name) {
        return Some(Column::Ignored);
    }
    match name {
        "email" => Some(Column::Email),
        "name" => Some(Column::Name),
        "phone" => Some(Column::Phone),
        _ => name
            .strip_prefix("metadata[")
            .and_then(|rest| rest.strip_suffix(']'))
            .map(|key| Column::Metadata(key.to_owned())),
    }
}

/// One row as the create body the API would receive; an empty cell is a field not sent.
fn customer(columns: &[Column], record: &csv::ByteRecord) -> Result<CustomerForCreate, String> {
    if record.len() != columns.len() {
        return Err(format!(
            "This row has {} cells; the header names {} columns.",
            record.len(),
            columns.len()
        ));
    }
    let mut body = Map::new();
    let mut metadata = Map::new();
    for (column, cell) in columns.iter().zip(record) {
        let cell = std::str::from_utf8(cell)
            .map_err(|_| "This row is not UTF-8 text. Save the file as CSV UTF-8.".to_owned())?;
        if cell.is_empty() {
            continue;
        }
        let value = Value::String(cell.to_owned());
        match column {
            Column::Ignored => {}
            Column::Email => _ = body.insert("email".into(), value),
            Column::Name => _ = body.insert("name".into(), value),
            Column::Phone => _ = body.insert("phone".into(), value),
            Column::Metadata(key) => _ = metadata.insert(key.clone(), value),
        }
    }
    if !metadata.is_empty() {
        body.insert("metadata".into(), Value::Object(metadata));
    }
    CustomerForCreate::from_json(&body).map_err(|error: Error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::Metadata;
    use crate::timestamp::Timestamp;

    fn customer(id: &str, name: &str, metadata: &[(&str, &str)]) -> Customer {
        let created = Timestamp::parse("2024-01-15T10:00:00Z").unwrap();
        Customer {
            id: id.into(),
            email: Some("ama@example.com".into()),
            name: Some(name.into()),
            phone: Some("0241234567".into()),
            metadata: Metadata::from_rows(metadata.iter().copied()).unwrap(),
            created_at: created,
            updated_at: created,
        }
    }

    fn export(customers: &[Customer]) -> Vec<u8> {
        let keys = customers
            .iter()
            .flat_map(|c| c.metadata.iter().map(|(key, _)| key.clone()))
            .collect();
        let export = CsvExport::new(keys);
        let mut out = export.header();
        out.extend(export.rows(customers));
        out
    }

    #[test]
    fn the_export_has_the_fixed_columns_then_one_per_metadata_key_sorted() {
        let out = export(&[
            customer("cus_1", "Ama", &[("vip", "true")]),
            customer("cus_2", "Kofi", &[("order", "17"), ("vip", "no")]),
        ]);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<_> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "id,email,name,phone,created_at,updated_at,metadata[order],metadata[vip]"
        );
        assert_eq!(
            lines[1],
            "cus_1,ama@example.com,Ama,0241234567,2024-01-15T10:00:00.000Z,2024-01-15T10:00:00.000Z,,true"
        );
        assert!(lines[2].ends_with(",17,no"));
    }

    #[test]
    fn an_export_reads_back_as_the_same_customers_whatever_the_text_holds() {
        let hard = "Ama \"Maame\" Owusu, Jr.\nsecond line — Ɔkɔmfo";
        let original = customer("cus_1", hard, &[("note", "a,b \"c\"\r\nd"), ("ключ", "値")]);
        let out = export(std::slice::from_ref(&original));

        let file = read_import(out.as_slice(), |_| {}).unwrap();

        assert_eq!(file.problems, []);
        assert_eq!(file.rows, 1);
        let imported = &file.customers[0];
        assert_eq!(imported.name.as_ref().unwrap().as_str(), hard);
        assert_eq!(imported.email.as_ref().unwrap().as_str(), "ama@example.com");
        assert_eq!(imported.phone.as_ref().unwrap().as_str(), "0241234567");
        assert_eq!(imported.metadata, original.metadata);
    }

    #[test]
    fn every_invalid_row_is_listed_by_line_with_the_apis_message() {
        let csv = "email,name,metadata[k]\n\
                   ok@example.com,Ama,\n\
                   not-an-email,Kofi,\n\
                   \"multi\nline@x\",Esi,\n\
                   ,Yaw,v\n\
                   a@example.com,too,many,cells\n";

        let file = read_import(csv.as_bytes(), |_| {}).unwrap();

        assert_eq!(file.rows, 5);
        assert_eq!(file.customers.len(), 2);
        let lines: Vec<u64> = file.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 4, 7]);
        assert_eq!(
            file.problems[0].message,
            "Invalid email address: 'not-an-email'"
        );
        assert!(file.problems[2].message.contains("4 cells"));
    }

    #[test]
    fn each_field_is_checked_by_the_apis_own_rules() {
        let long_name = "n".repeat(257);
        let long_key = "k".repeat(41);
        let csv = format!(
            "name,phone,metadata[{long_key}]\n{long_name},,\nAma,12,\nKofi,,v\nEsi,+233 24 123 4567,\n"
        );

        let file = read_import(csv.as_bytes(), |_| {}).unwrap();

        let problems: Vec<_> = file
            .problems
            .iter()
            .map(|p| (p.line, p.message.clone()))
            .collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(problems[0].0, 2);
        assert!(problems[0].1.contains("256"), "{}", problems[0].1);
        assert_eq!(problems[1].0, 3);
        assert!(problems[1].1.contains("'12'"), "{}", problems[1].1);
        assert_eq!(problems[2].0, 4);
        assert!(problems[2].1.contains("metadata"), "{}", problems[2].1);
        assert_eq!(file.customers.len(), 1);
    }

    #[test]
    fn an_unknown_column_is_an_error_naming_it_and_ignored_columns_are_ignored() {
        let file = read_import("email,colour\na@example.com,red\n".as_bytes(), |_| {}).unwrap();
        assert_eq!(file.problems.len(), 1);
        assert_eq!(file.problems[0].line, 1);
        assert!(file.problems[0].message.contains("'colour'"));

        let file = read_import(
            "\u{feff}id,created_at,updated_at,name\ncus_x,never,later,Ama\n".as_bytes(),
            |_| {},
        )
        .unwrap();
        assert_eq!(file.problems, []);
        assert_eq!(file.customers[0].name.as_ref().unwrap().as_str(), "Ama");
    }

    #[test]
    fn files_over_the_limits_or_without_a_header_are_refused() {
        assert_eq!(
            read_import("".as_bytes(), |_| {}).unwrap_err(),
            ImportRefused::NoHeader
        );
        let big = format!("name\n{}", "a\n".repeat(MAX_IMPORT_ROWS + 1));
        assert_eq!(
            read_import(big.as_bytes(), |_| {}).unwrap_err(),
            ImportRefused::TooManyRows
        );
        let huge = format!("name\n{}\n", "a".repeat(MAX_IMPORT_BYTES as usize));
        assert_eq!(
            read_import(huge.as_bytes(), |_| {}).unwrap_err(),
            ImportRefused::TooLarge
        );
    }
}
