//! No input makes the import panic: arbitrary bytes, bytes that look like a workbook,
//! damaged workbooks, and CSV made of the characters lists are made of.

use std::io::{Cursor, Read, Write};

use chrono::{TimeZone, Utc};
use duban_intake::{Options, read};
use proptest::prelude::*;

fn opts() -> Options {
    let mut o = Options::new(
        Utc.with_ymd_and_hms(2026, 7, 4, 2, 0, 0)
            .single()
            .unwrap_or_default(),
    );
    o.max_rows = 50;
    o
}

fn workbook() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let headers = [
        "批次号",
        "交办编号",
        "交办日期",
        "来电/来信",
        "举报内容",
        "行政区域",
        "地址",
        "污染类型",
    ];
    for (c, h) in headers.iter().enumerate() {
        let _ = ws.write_string(0, c as u16, *h);
    }
    let _ = ws.write_number(1, 0, 3);
    let _ = ws.write_string(1, 1, "D001");
    let _ = ws.write_number(1, 2, 46206);
    let _ = ws.write_string(1, 3, "来电");
    let _ = ws.write_string(1, 4, "京口区某小区旁餐饮店油烟直排，夜间噪声扰民。");
    let _ = ws.write_string(1, 5, "京口区");
    let _ = ws.write_string(1, 6, "某小区");
    let _ = ws.write_string(1, 7, "大气");
    wb.save_to_buffer().unwrap_or_default()
}

/// The workbook with one member's bytes replaced, stored uncompressed, so that damage
/// reaches the XML parser rather than stopping at a checksum.
fn rewrite(xlsx: &[u8], member: &str, edit: impl Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let run = || -> zip::result::ZipResult<Vec<u8>> {
        let mut archive = zip::ZipArchive::new(Cursor::new(xlsx))?;
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for i in 0..archive.len() {
            let mut file = archive.by_index(i)?;
            let name = file.name()?.into_owned();
            let mut data = Vec::new();
            file.read_to_end(&mut data)?;
            if name == member {
                data = edit(&data);
            }
            out.start_file(name, stored)?;
            out.write_all(&data)?;
        }
        Ok(out.finish()?.into_inner())
    };
    run().unwrap_or_default()
}

const TOKENS: &[&str] = &[
    r#"r="A99999999999""#,
    r#"r="ZZZZZZZZZZ1""#,
    r#"r="A0""#,
    r#"r="""#,
    r#"<row r="4294967295">"#,
    r#"<row r="0">"#,
    r#"t="s""#,
    r#"t="n""#,
    r#"t="d""#,
    r#"t="e""#,
    r#"t="b""#,
    r#"t="str""#,
    r#"t="inlineStr""#,
    r#"s="99999""#,
    "<v>99999999</v>",
    "<v>-1</v>",
    "<v>1e308</v>",
    "<v>NaN</v>",
    "<v>abc</v>",
    "<v></v>",
    "<c>",
    "</c>",
    "</row>",
    "<is><t>x</t></is>",
    "<f>SUM(A1)</f>",
    "<mergeCell ref=\"A1:A1048576\"/>",
    "<mergeCell ref=\"B9:A1\"/>",
    "\u{0}",
    "&#0;",
    "<si><t>",
];

fn mutate(data: &[u8], edits: &[(prop::sample::Index, usize, usize)]) -> Vec<u8> {
    let mut d = data.to_vec();
    for (at, len, token) in edits {
        let start = at.index(d.len().max(1)).min(d.len());
        let end = (start + len).min(d.len());
        let t = TOKENS[token % TOKENS.len()].as_bytes();
        d.splice(start..end, t.iter().copied());
    }
    d
}

#[test]
fn cell_references_past_u32_are_refused_not_panicked() {
    let bytes = rewrite(&workbook(), "xl/worksheets/sheet1.xml", |d| {
        String::from_utf8_lossy(d)
            .replace(r#"r="A2""#, r#"r="A99999999999""#)
            .into_bytes()
    });
    assert!(read(&bytes, &opts()).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read(&bytes, &opts());
    }

    #[test]
    fn bytes_behind_a_zip_or_cfb_magic(
        cfb in any::<bool>(),
        tail in proptest::collection::vec(any::<u8>(), 0..1024),
    ) {
        let mut bytes = if cfb {
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        } else {
            b"PK\x03\x04".to_vec()
        };
        bytes.extend(tail);
        let _ = read(&bytes, &opts());
    }

    #[test]
    fn damaged_workbooks(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = workbook();
        for (at, v) in flips {
            let i = at.index(bytes.len());
            bytes[i] = v;
        }
        let _ = read(&bytes, &opts());
    }

    #[test]
    fn damaged_sheet_xml(
        member in prop::sample::select(vec!["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml"]),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..40, any::<usize>()), 1..6),
    ) {
        let bytes = rewrite(&workbook(), member, |d| mutate(d, &edits));
        let _ = read(&bytes, &opts());
    }

    #[test]
    fn csv_of_list_characters(
        text in "[-举报内容行政区域地址污染类型来电信批次号交办编日期,;\t\"\n 0-9是否、第京口区镇江市/年月]{0,400}",
        header in any::<bool>(),
    ) {
        let csv = if header {
            format!("批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型\n{text}")
        } else {
            text
        };
        let _ = read(csv.as_bytes(), &opts());
    }
}

#[test]
fn the_workbook_used_above_reads() {
    let sheet = read(&workbook(), &opts());
    assert_eq!(sheet.map(|s| s.error_rows()), Ok(0));
}
