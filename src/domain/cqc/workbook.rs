//! The register's rows from a workbook, without letting a hostile file take the server's
//! memory: the zip's unpacked sizes are checked first, an XLSX sheet is read cell by cell
//! within bounds, and an ODS sheet's cells (with its repeats) are counted before calamine
//! lays them out.

use std::io::{BufReader, Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use quick_xml::events::Event;

/// CQC's register has about 50,000 rows and 200 columns; anything far beyond is not it.
pub const MAX_ROWS: usize = 200_000;
pub const MAX_COLUMNS: usize = 400;
/// Most cells an ODS sheet may spread into once its repeats are counted.
const MAX_CELLS: u64 = 30_000_000;
/// Largest unpacked part of a workbook, and all of them together.
const MAX_PART_BYTES: u64 = 1_500_000_000;
const MAX_UNPACKED_BYTES: u64 = 2_000_000_000;
const MAX_PARTS: usize = 2_000;

/// The sheet CQC puts the locations in (its workbook opens on a README sheet).
const SHEET: &str = "HSCA_Active_Locations";

const NOT_A_WORKBOOK: &str =
    "The file is not a spreadsheet Kith can read. Use the ODS, XLSX or CSV file from CQC's website";
const TOO_BIG: &str =
    "The file unpacks to far more than CQC's register. Use the file from CQC's website";

/// A cell as text; dates as ISO 8601 days, whole numbers without ".0".
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "Y" } else { "N" }.to_owned(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|d| d.date().to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

/// What kind of workbook a zip holds, once its parts are within bounds.
enum Kind {
    Ods,
    Xlsx,
}

fn kind_of(bytes: &[u8]) -> Result<Kind, String> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| NOT_A_WORKBOOK.to_owned())?;
    if zip.len() > MAX_PARTS {
        return Err(TOO_BIG.to_owned());
    }
    let mut total = 0u64;
    let mut kind = None;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|_| NOT_A_WORKBOOK.to_owned())?;
        if part.size() > MAX_PART_BYTES {
            return Err(TOO_BIG.to_owned());
        }
        total = total.saturating_add(part.size());
        match part.name() {
            "content.xml" => kind = kind.or(Some(Kind::Ods)),
            "xl/workbook.xml" => kind = kind.or(Some(Kind::Xlsx)),
            _ => {}
        }
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(TOO_BIG.to_owned());
    }
    kind.ok_or_else(|| NOT_A_WORKBOOK.to_owned())
}

/// Sheet names with CQC's own first.
fn in_order(mut names: Vec<String>) -> Vec<String> {
    names.sort_by_key(|n| n.replace(' ', "_") != SHEET);
    names
}

/// Every sheet's rows in turn, until `wanted` says one is the register.
pub fn rows(
    bytes: &[u8],
    wanted: impl Fn(&[Vec<String>]) -> bool,
) -> Result<Vec<Vec<String>>, String> {
    match kind_of(bytes)? {
        Kind::Xlsx => {
            let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
                .map_err(|_| NOT_A_WORKBOOK.to_owned())?;
            for name in in_order(book.sheet_names()) {
                let rows = xlsx_rows(&mut book, &name)?;
                if wanted(&rows) {
                    return Ok(rows);
                }
            }
        }
        Kind::Ods => {
            count_ods_cells(bytes)?;
            let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
                .map_err(|_| NOT_A_WORKBOOK.to_owned())?;
            for name in in_order(book.sheet_names()) {
                let Ok(range) = book.worksheet_range(&name) else {
                    continue;
                };
                let rows: Vec<Vec<String>> = range
                    .rows()
                    .take(MAX_ROWS)
                    .map(|row| row.iter().take(MAX_COLUMNS).map(cell_text).collect())
                    .collect();
                if wanted(&rows) {
                    return Ok(rows);
                }
            }
        }
    }
    Err("No sheet in the file has a \"Location ID\" column. Use CQC's \"care directory with filters\" file".to_owned())
}

/// An XLSX sheet read a cell at a time: cells beyond the register's size are refused
/// before anything is laid out for them.
fn xlsx_rows(book: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Vec<Vec<String>>, String> {
    let mut cells = book
        .worksheet_cells_reader(name)
        .map_err(|_| NOT_A_WORKBOOK.to_owned())?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|_| NOT_A_WORKBOOK.to_owned())? {
        let (row, column) = cell.get_position();
        let (row, column) = (row as usize, column as usize);
        if row >= MAX_ROWS {
            return Err(format!(
                "The file has more than {MAX_ROWS} rows, more than CQC's whole register"
            ));
        }
        if column >= MAX_COLUMNS {
            continue;
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        if rows.len() <= row {
            rows.resize_with(row + 1, Vec::new);
        }
        let cells_of_row = &mut rows[row];
        if cells_of_row.len() <= column {
            cells_of_row.resize(column + 1, String::new());
        }
        cells_of_row[column] = text;
    }
    Ok(rows)
}

/// Counts the cells an ODS workbook's sheets spread into (each row's repeats times its
/// width up to its last filled cell), and refuses one far larger than the register.
fn count_ods_cells(bytes: &[u8]) -> Result<(), String> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| NOT_A_WORKBOOK.to_owned())?;
    let content = zip
        .by_name("content.xml")
        .map_err(|_| NOT_A_WORKBOOK.to_owned())?;
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content.take(MAX_PART_BYTES)));
    let mut buf = Vec::new();
    let mut total: u64 = 0;
    let (mut row_repeats, mut width, mut filled_width) = (1u64, 0u64, 0u64);
    let number = |e: &quick_xml::events::BytesStart, name: &str| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.0 == name)
            .and_then(|a| a.value.trim().parse().ok())
            .unwrap_or(1)
    };
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.name().0 == "table:table-row" => {
                row_repeats = number(&e, "table:number-rows-repeated");
                (width, filled_width) = (0, 0);
            }
            Ok(Event::Start(e)) | Ok(Event::Empty(e))
                if matches!(e.name().0, "table:table-cell" | "table:covered-table-cell") =>
            {
                width = width.saturating_add(number(&e, "table:number-columns-repeated"));
                let filled = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.0 == "office:value-type");
                if filled {
                    filled_width = width;
                }
            }
            Ok(Event::End(e)) if e.name().0 == "table:table-row" => {
                total = total.saturating_add(row_repeats.saturating_mul(filled_width));
                if total > MAX_CELLS {
                    return Err(TOO_BIG.to_owned());
                }
            }
            Ok(Event::Eof) => return Ok(()),
            Err(_) => return Err(NOT_A_WORKBOOK.to_owned()),
            Ok(_) => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut zip = zip::ZipWriter::new(Cursor::new(&mut out));
            for (name, text) in parts {
                zip.start_file(*name, zip::write::SimpleFileOptions::default())
                    .expect("a part");
                zip.write_all(text.as_bytes()).expect("written");
            }
            zip.finish().expect("finished");
        }
        out
    }

    #[test]
    fn a_sheet_that_spreads_far_beyond_the_register_is_refused_before_it_is_laid_out() {
        // One filled cell repeated across 16,000 columns and a million rows.
        let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="HSCA_Active_Locations"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
        let ods = zip_of(&[
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", content),
        ]);
        assert_eq!(rows(&ods, |_| true).err().as_deref(), Some(TOO_BIG));
        let xlsx_far = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Location ID</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#;
        let ns = "http://schemas.openxmlformats.org";
        let xlsx = zip_of(&[
            (
                "[Content_Types].xml",
                &format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#
                ),
            ),
            (
                "_rels/.rels",
                &format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/workbook.xml",
                &format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="HSCA_Active_Locations" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                &format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
                ),
            ),
            ("xl/worksheets/sheet1.xml", xlsx_far),
        ]);
        let err = rows(&xlsx, |_| true).expect_err("refused");
        assert!(err.contains("more than 200000 rows"), "{err}");
        assert_eq!(
            rows(b"PK not a zip", |_| true).err().as_deref(),
            Some(NOT_A_WORKBOOK)
        );
    }
}
