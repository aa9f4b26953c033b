//! A transfer list uploaded as a workbook, two ways:
//! - bytes that start like a zip (xlsx) or a compound file (legacy xls) are read as
//!   they are: the container, the compression, the parts;
//! - any other input is the XML of the workbook's parts, separated by NUL bytes, in the
//!   order of `MEMBERS`, stored (uncompressed, checksums right) into a fresh xlsx here,
//!   so that mutations reach the XML readers instead of dying at a checksum.
//!
//! Panics raised inside calamine (and the zip and XML crates under it) are caught by
//! `duban-intake` on purpose and must end as `import.unreadable`; any other panic is a
//! crash. The sheet's invariants or the error's shape are checked as for CSV.
#![no_main]

use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;

/// The parts of a workbook, in the order the NUL-separated input gives them.
const MEMBERS: &[&str] = &[
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
];

fn assemble(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, part) in MEMBERS.iter().zip(data.split(|b| *b == 0)) {
        out.start_file(*name, stored).ok()?;
        out.write_all(part).ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

fuzz_target!(|data: &[u8]| {
    duban_fuzz::let_guarded_panics_unwind();
    let raw = data.starts_with(b"PK\x03\x04") || data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let bytes = if raw {
        data.to_vec()
    } else {
        match assemble(data) {
            Some(b) => b,
            None => return,
        }
    };
    let opts = duban_fuzz::options();
    let result = duban_fuzz::read_guarded(&bytes, &opts);
    if let Ok(sheet) = &result {
        assert_ne!(sheet.format, duban_intake::Format::Csv);
        assert!(sheet.sheet_name.is_some());
    }
    duban_fuzz::check_read(&result, &opts);
});
