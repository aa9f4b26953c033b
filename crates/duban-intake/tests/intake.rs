//! The import end to end: every format, header matching, defaults and every error code.

use chrono::{DateTime, TimeZone, Utc};
use duban_case::Lang;
use duban_case::model::Channel;
use duban_core::CodedError as _;
use duban_intake::{
    COLUMNS, Column, Format, IntakeError, Options, ReceivedAt, Sheet, read, template_csv,
};
use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook};

const HEADER: &str =
    "序号,批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型,是否重点";
const CONTENT: &str = "京口区某小区旁餐饮店油烟直排，夜间噪声扰民。";

fn now() -> DateTime<Utc> {
    // 2026-07-04 10:00 China time.
    Utc.with_ymd_and_hms(2026, 7, 4, 2, 0, 0)
        .single()
        .unwrap_or_default()
}

fn opts() -> Options {
    Options::new(now())
}

fn line(n: u32, sender_ref: &str) -> String {
    format!(
        "{n},3,{sender_ref},2026-07-03,来电,{CONTENT},镇江市京口区,象山街道某小区,大气、噪声,否"
    )
}

fn ok(bytes: &[u8]) -> Sheet {
    match read(bytes, &opts()) {
        Ok(s) => s,
        Err(e) => panic!("{e:?}"),
    }
}

fn err(bytes: &[u8], o: &Options) -> IntakeError {
    match read(bytes, o) {
        Ok(s) => panic!("expected an error, got {} rows", s.rows.len()),
        Err(e) => e,
    }
}

fn codes(sheet: &Sheet, row: usize) -> Vec<String> {
    sheet.rows[row]
        .errors
        .iter()
        .map(|e| e.code.clone())
        .collect()
}

/// One row of the standard header with `cells` replaced (by header name).
fn one_row(changes: &[(&str, &str)]) -> Sheet {
    let headers: Vec<&str> = HEADER.split(',').collect();
    let base = line(1, "D001");
    let mut cells: Vec<String> = base.split(',').map(str::to_owned).collect();
    let mut extra_headers = Vec::new();
    for (h, v) in changes {
        match headers.iter().position(|x| x == h) {
            Some(i) => cells[i] = (*v).to_owned(),
            None => {
                extra_headers.push(*h);
                cells.push((*v).to_owned());
            }
        }
    }
    let mut header = HEADER.to_owned();
    for h in extra_headers {
        header.push(',');
        header.push_str(h);
    }
    let csv = format!("{header}\n{}\n", cells.join(","));
    ok(csv.as_bytes())
}

fn row_codes(changes: &[(&str, &str)]) -> Vec<String> {
    codes(&one_row(changes), 0)
}

// ---- formats ----

#[test]
fn utf8_csv_with_bom() {
    let csv = format!(
        "\u{FEFF}{HEADER}\n{}\n{}\n",
        line(1, "D001"),
        line(2, "D002")
    );
    let sheet = ok(csv.as_bytes());
    assert_eq!((sheet.format, sheet.encoding), (Format::Csv, "UTF-8"));
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.error_rows(), 0);
    assert_eq!(sheet.cases().map(|c| c.len()), Some(2));
    let r = &sheet.rows[0];
    assert_eq!(r.line, 2);
    assert_eq!(r.row_number.as_deref(), Some("1"));
    assert_eq!(r.draft.channel, "inspection_phone");
    assert_eq!(r.draft.division, "321102");
    assert_eq!(r.draft.categories, ["air", "noise"]);
    assert_eq!(r.draft.batch_number, Some(3));
    assert_eq!(r.draft.batch_date, "2026-07-03");
    assert!(r.draft.key_classes.is_empty());
    let case = r
        .case
        .as_ref()
        .map(|c| (c.channel(), c.batch().map(|b| b.number())));
    assert_eq!(case, Some((Channel::InspectionPhone, Some(3))));
    assert_eq!(sheet.header_line, 1);
    assert!(sheet.ignored_columns.is_empty());
}

#[test]
fn gbk_csv() {
    let csv = format!("{HEADER}\r\n{}\r\n", line(1, "D001"));
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&csv);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let sheet = ok(&bytes);
    assert_eq!(sheet.encoding, "GB18030");
    assert_eq!(sheet.rows[0].draft.content, CONTENT);
    assert_eq!(sheet.error_rows(), 0);
}

#[test]
fn utf16_tab_separated_unicode_text() {
    // Excel's "Unicode text (*.txt)" export.
    let text = format!("{HEADER}\n{}\n", line(1, "D001")).replace(',', "\t");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let sheet = ok(&bytes);
    assert_eq!(sheet.encoding, "UTF-16LE");
    assert_eq!(sheet.error_rows(), 0);
}

#[test]
fn tab_and_semicolon_delimiters() {
    for d in ["\t", ";"] {
        let text = format!("{HEADER}\n{}\n", line(1, "D001")).replace(',', d);
        let sheet = ok(text.as_bytes());
        assert_eq!(sheet.rows.len(), 1, "{d:?}");
        assert_eq!(sheet.error_rows(), 0, "{d:?}");
    }
    // A comma inside quoted content does not change the delimiter.
    let csv = format!(
        "{HEADER}\n1,3,D001,2026-07-03,来电,\"油烟直排, 夜间噪声扰民; 已持续两个月\",京口区,某小区,大气,否\n"
    );
    let sheet = ok(csv.as_bytes());
    assert_eq!(
        sheet.rows[0].draft.content,
        "油烟直排, 夜间噪声扰民; 已持续两个月"
    );
}

fn xlsx_list() -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = XFormat::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    let time = XFormat::new().set_num_format("yyyy-mm-dd hh:mm");
    let r = (|| -> Result<(), rust_xlsxwriter::XlsxError> {
        let ws = wb.add_worksheet();
        ws.set_name("第三批")?;
        ws.merge_range(
            0,
            0,
            0,
            9,
            "中央第三生态环境保护督察组第3批交办信访件清单",
            &XFormat::new(),
        )?;
        let headers = [
            "序号",
            "批次",
            "受理编号",
            "交办日期",
            "来电/来信",
            "信访内容",
            "所在地",
            "详细地址",
            "污染类型",
            "联系电话",
            "受理时间",
            "备注",
        ];
        for (c, h) in headers.iter().enumerate() {
            ws.write_string(1, c as u16, *h)?;
        }
        // 批次 and 交办日期 merged down the batch's rows, as lists often do.
        ws.merge_range(2, 1, 4, 1, "", &XFormat::new())?;
        ws.write_number(2, 1, 3)?;
        ws.merge_range(2, 3, 4, 3, "", &date)?;
        ws.write_datetime_with_format(2, 3, ExcelDateTime::from_ymd(2026, 7, 3)?, &date)?;
        for (i, row) in (2u32..5).enumerate() {
            ws.write_number(row, 0, (i + 1) as f64)?;
            // A reference typed as a number must not come out as "320001.0".
            ws.write_number(row, 2, 320001.0 + i as f64)?;
            ws.write_string(row, 4, if i == 1 { "来信" } else { "来电" })?;
            ws.write_string(row, 5, CONTENT)?;
            ws.write_string(row, 6, "京口区")?;
            ws.write_string(row, 7, "象山街道某小区")?;
            ws.write_string(row, 8, "噪声")?;
            ws.write_number(row, 9, 13912345678.0)?;
            ws.write_string(row, 11, "备注")?;
        }
        ws.write_datetime_with_format(
            2,
            10,
            ExcelDateTime::from_ymd(2026, 7, 3)?.and_hms(14, 20, 0)?,
            &time,
        )?;
        // A date-only receipt cell reads like a date typed alone: at 08:30.
        ws.write_datetime_with_format(4, 10, ExcelDateTime::from_ymd(2026, 7, 3)?, &date)?;
        // A second sheet, chosen by name in a test.
        let other = wb.add_worksheet();
        other.set_name("说明")?;
        other.write_string(0, 0, "填表说明")?;
        Ok(())
    })();
    assert!(r.is_ok(), "{r:?}");
    wb.save_to_buffer().unwrap_or_default()
}

#[test]
fn xlsx_with_title_row_merged_cells_dates_and_numbers() {
    let sheet = ok(&xlsx_list());
    assert_eq!(sheet.format, Format::Xlsx);
    assert_eq!(sheet.sheet_name.as_deref(), Some("第三批"));
    assert_eq!(
        sheet.title.as_deref(),
        Some("中央第三生态环境保护督察组第3批交办信访件清单")
    );
    assert_eq!(sheet.header_line, 2);
    assert_eq!(sheet.ignored_columns, ["备注"]);
    assert_eq!(sheet.rows.len(), 3);
    assert_eq!(
        sheet.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [3, 4, 5]
    );
    for r in &sheet.rows {
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.draft.batch_number, Some(3), "merged down");
        assert_eq!(r.draft.batch_date, "2026-07-03", "Excel date, merged down");
        assert_eq!(r.draft.complainant_phone, "13912345678");
        assert_eq!(r.draft.division, "321102");
    }
    assert_eq!(sheet.rows[0].draft.sender_ref, "320001");
    assert_eq!(sheet.rows[0].row_number.as_deref(), Some("1"));
    assert_eq!(sheet.rows[1].draft.channel, "inspection_letter");
    // 14:20 China time is 06:20 UTC.
    assert_eq!(sheet.rows[0].received_at, ReceivedAt::Given);
    assert_eq!(sheet.rows[0].draft.received_at, "2026-07-03T14:20:00+08:00");
    assert_eq!(sheet.rows[1].received_at, ReceivedAt::BatchDate);
    assert_eq!(sheet.rows[1].draft.received_at, "2026-07-03T08:30:00+08:00");
    assert_eq!(sheet.rows[2].received_at, ReceivedAt::Given);
    assert_eq!(sheet.rows[2].draft.received_at, "2026-07-03T08:30:00+08:00");
}

#[test]
fn xlsx_sheet_by_name() {
    let mut o = opts();
    o.sheet = Some("说明".into());
    // The notes sheet has no header.
    assert_eq!(err(&xlsx_list(), &o).code(), "import.header_missing");
    o.sheet = Some("第四批".into());
    let e = err(&xlsx_list(), &o);
    assert_eq!(
        (e.code().as_ref(), e.field().as_ref()),
        ("import.sheet_not_found", "sheet")
    );
    assert!(
        e.message(Lang::Zh).contains("第三批、说明"),
        "{}",
        e.message(Lang::Zh)
    );
    o.sheet = Some("第三批".into());
    assert_eq!(read(&xlsx_list(), &o).map(|s| s.rows.len()), Ok(3));
}

#[test]
fn xlsx_dates_as_plain_numbers_and_texts() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let r = (|| -> Result<(), rust_xlsxwriter::XlsxError> {
        for (c, h) in HEADER.split(',').enumerate() {
            ws.write_string(0, c as u16, h)?;
        }
        ws.write_string(1, 1, "第3批")?;
        ws.write_string(1, 2, "D001")?;
        // A serial in a General-formatted cell.
        ws.write_number(1, 3, 46206)?;
        // A serial with a time, unformatted, as the receipt.
        ws.write_string(0, 10, "受理时间")?;
        ws.write_number(1, 10, 46206.75)?;
        ws.write_string(2, 1, "3")?;
        ws.write_string(2, 2, "D002")?;
        ws.write_string(2, 3, "2026年7月3日")?;
        for row in 1..=2 {
            ws.write_string(row, 4, "来电")?;
            ws.write_string(row, 5, CONTENT)?;
            ws.write_string(row, 6, "321102")?;
            ws.write_string(row, 7, "某小区")?;
            ws.write_string(row, 8, "大气")?;
            ws.write_boolean(row, 9, row == 1)?;
        }
        Ok(())
    })();
    assert!(r.is_ok(), "{r:?}");
    let sheet = ok(&wb.save_to_buffer().unwrap_or_default());
    assert_eq!(sheet.error_rows(), 0, "{:?}", sheet.rows[0].errors);
    assert_eq!(sheet.rows[0].draft.batch_date, "2026-07-03");
    assert_eq!(sheet.rows[1].draft.batch_date, "2026-07-03");
    assert_eq!(sheet.rows[0].draft.received_at, "2026-07-03T18:00:00+08:00");
    assert_eq!(sheet.rows[0].draft.key_classes, ["inspection_key"]);
    assert!(sheet.rows[1].draft.key_classes.is_empty());
}

#[test]
fn xls_legacy_workbook() {
    // Written by xlwt (Excel 97-2003): title row, header on row 2, a date cell, a
    // phone and a batch number stored as numbers.
    let bytes = include_bytes!("fixtures/list.xls");
    let sheet = ok(bytes);
    assert_eq!(sheet.format, Format::Xls);
    assert_eq!(sheet.title.as_deref(), Some("第3批交办信访件清单"));
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.error_rows(), 0, "{:?}", sheet.rows[0].errors);
    let d = &sheet.rows[0].draft;
    assert_eq!(
        (
            d.batch_number,
            d.batch_date.as_str(),
            d.complainant_phone.as_str()
        ),
        (Some(3), "2026-07-03", "13912345678")
    );
}

// ---- headers ----

#[test]
fn header_aliases_in_any_order_with_english_keys() {
    let csv = format!(
        "受理编号, 信访内容 ,地址（详细）,所在地,举报方式,交办时间,问题类型,批次,complainant_phone,Lat,经度,备注\n\
         D001,{CONTENT},某小区,昆山,来信,2026/7/3,水污染,第3批,025-84567890,31.38,120.98,无\n"
    );
    let sheet = ok(csv.as_bytes());
    let cols: Vec<Column> = sheet.columns.iter().map(|m| m.column).collect();
    assert_eq!(
        cols,
        [
            Column::SenderRef,
            Column::Content,
            Column::Address,
            Column::Division,
            Column::Channel,
            Column::BatchDate,
            Column::Categories,
            Column::BatchNumber,
            Column::ComplainantPhone,
            Column::Lat,
            Column::Lon,
        ]
    );
    assert_eq!(sheet.columns[1].header, "信访内容");
    assert_eq!(sheet.columns[1].index, 1);
    assert_eq!(sheet.ignored_columns, ["备注"]);
    let r = &sheet.rows[0];
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.draft.division, "320583");
    assert_eq!(r.draft.channel, "inspection_letter");
    assert_eq!((r.draft.lat, r.draft.lon), (Some(31.38), Some(120.98)));
}

#[test]
fn title_rows_and_blank_lines_above_the_header() {
    let csv = format!(
        "第一批交办信访件清单\n\n交办时间：2026年7月3日,,\n{HEADER}\n{}\n,,,,,,\n\n{}\n",
        line(1, "D001"),
        line(2, "D002")
    );
    let sheet = ok(csv.as_bytes());
    assert_eq!(
        sheet.title.as_deref(),
        Some("第一批交办信访件清单 交办时间：2026年7月3日")
    );
    assert_eq!(sheet.header_line, 4);
    // Empty rows are skipped; lines are those of the source.
    assert_eq!(
        sheet.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [5, 8]
    );
}

#[test]
fn rows_with_only_a_row_number_are_empty() {
    let csv = format!("{HEADER}\n{}\n2,,,,,,,,,\n3\n", line(1, "D001"));
    assert_eq!(ok(csv.as_bytes()).rows.len(), 1);
}

#[test]
fn missing_required_columns_refuse_the_file() {
    for (drop, key) in [
        ("举报内容", "content"),
        ("行政区域", "division"),
        ("地址", "address"),
        ("污染类型", "categories"),
        ("来电/来信", "channel"),
    ] {
        let i = HEADER.split(',').position(|h| h == drop).unwrap_or(0);
        let keep = |s: &str| {
            s.split(',')
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| c)
                .collect::<Vec<_>>()
                .join(",")
        };
        let csv = format!("{}\n{}\n", keep(HEADER), keep(&line(1, "D001")));
        let e = err(csv.as_bytes(), &opts());
        assert_eq!(
            (e.code().as_ref(), e.field().as_ref()),
            ("import.column_missing", key)
        );
        assert!(e.is_file_level());
        assert!(
            e.message(Lang::Zh).contains(drop),
            "{}",
            e.message(Lang::Zh)
        );
    }
}

#[test]
fn default_channel_stands_in_for_a_missing_column() {
    let csv = format!(
        "批次号,交办编号,交办日期,举报内容,行政区域,地址,污染类型\n3,X001,2026-07-03,{CONTENT},京口区,某小区,水\n"
    );
    let mut o = opts();
    o.default_channel = Some(Channel::InspectionLetter);
    let sheet = read(csv.as_bytes(), &o).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(sheet.rows[0].draft.channel, "inspection_letter");
    assert_eq!(sheet.error_rows(), 0);
}

#[test]
fn two_headers_for_one_column_refuse_the_file() {
    let csv = format!("{HEADER},信访内容\n{},{CONTENT}\n", line(1, "D001"));
    let e = err(csv.as_bytes(), &opts());
    assert_eq!(
        (e.code().as_ref(), e.field().as_ref()),
        ("import.column_duplicate", "content")
    );
    assert!(e.message(Lang::Zh).contains("“举报内容”和“信访内容”"));
}

#[test]
fn file_level_errors() {
    let o = opts();
    let e = |b: &[u8]| err(b, &o).code();
    assert_eq!(e(b"a,b,c\n1,2,3\n"), "import.header_missing");
    assert_eq!(e(b""), "import.header_missing");
    assert_eq!(e(format!("{HEADER}\n").as_bytes()), "import.no_rows");
    assert_eq!(e(format!("{HEADER}\n,,,\n").as_bytes()), "import.no_rows");
    assert_eq!(e(b"PK\x03\x04 not really a zip"), "import.unreadable");
    assert_eq!(
        e(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]),
        "import.unreadable"
    );
    assert_eq!(e(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "import.format_unknown");
    // 0xFF is not a lead byte in GB18030.
    assert_eq!(e(b"\xFF\xFF\xFF,abc"), "import.encoding_unknown");

    let mut small = opts();
    small.max_rows = 2;
    let three = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        line(1, "A"),
        line(2, "B"),
        line(3, "C")
    );
    let e = err(three.as_bytes(), &small);
    assert_eq!(e.code(), "import.too_many_rows");
    assert_eq!(e.message(Lang::Zh), "文件超过2行，请拆分后导入");
    let two = format!("{HEADER}\n{}\n{}\n", line(1, "A"), line(2, "B"));
    assert!(read(two.as_bytes(), &small).is_ok());

    let long = "长".repeat(duban_intake::MAX_CELL_CHARS + 1);
    let csv = format!("{HEADER}\n1,3,D1,2026-07-03,来电,{long},京口区,某地,水,否\n");
    let e = err(csv.as_bytes(), &o);
    assert_eq!(e.code(), "import.cell_too_long");
    assert_eq!(e.message(Lang::Zh), "第2行第6列超过32767个字");
}

#[test]
fn every_file_level_error_speaks_both_languages() {
    let all = [
        IntakeError::UnknownFormat,
        IntakeError::UnknownEncoding,
        IntakeError::Unreadable { detail: "x".into() },
        IntakeError::NoWorksheet,
        IntakeError::SheetNotFound {
            name: "a".into(),
            available: vec!["b".into()],
        },
        IntakeError::HeaderMissing,
        IntakeError::ColumnMissing {
            column: Column::Content,
            ignored: vec![],
        },
        IntakeError::NothingToImport { examples: vec![2] },
        IntakeError::ColumnDuplicate {
            column: Column::Content,
            first: "a".into(),
            second: "b".into(),
        },
        IntakeError::NoRows,
        IntakeError::TooManyRows { max: 1 },
        IntakeError::CellTooLong {
            line: 1,
            column: 0,
            max: 1,
        },
        IntakeError::DuplicateInFile {
            value: "D1".into(),
            first_line: 2,
        },
        IntakeError::InvalidBatchNumber { value: "x".into() },
        IntakeError::InvalidFlag {
            column: Column::Urgent,
            value: "x".into(),
        },
        IntakeError::AmbiguousDivision {
            value: "鼓楼区".into(),
            candidates: vec![],
        },
        IntakeError::UnknownCounty {
            value: "镇江市火星区".into(),
            city: "镇江市".into(),
            rest: "火星区".into(),
        },
    ];
    let mut seen = std::collections::HashSet::new();
    for e in &all {
        let code = e.code();
        assert!(
            code.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.'),
            "{code}"
        );
        assert!(seen.insert(code.clone()) || code == "division.unknown");
        // Worded by the catalogue: not the code itself, every value filled.
        for lang in [Lang::Zh, Lang::En] {
            let m = e.message(lang);
            assert!(
                !m.is_empty() && m != code && !m.contains('{'),
                "{code}: {m}"
            );
        }
        assert!(!e.field().is_empty());
    }
}

// ---- rows ----

#[test]
fn row_errors_carry_the_forms_codes() {
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);
    let cases: &[Case] = &[
        (&[("来电/来信", "传真")], &["channel.unknown"]),
        (&[("来电/来信", "")], &["channel.required"]),
        (&[("举报内容", "太短")], &["content.too_short"]),
        (&[("举报内容", "")], &["content.required"]),
        (&[("地址", "")], &["address.required"]),
        (&[("行政区域", "北京市朝阳区")], &["division.unknown"]),
        (&[("行政区域", "鼓楼区")], &["division.unknown"]),
        (&[("行政区域", "329999")], &["division.unknown"]),
        (&[("行政区域", "32110")], &["division.malformed"]),
        (&[("行政区域", "")], &["division.required"]),
        (&[("污染类型", "光污染、噪声")], &["categories.unknown"]),
        (&[("污染类型", "")], &["categories.required"]),
        (
            &[("是否重点", "领导批示件、飞行")],
            &["key_classes.unknown"],
        ),
        (&[("批次号", "第X批")], &["batch.number.invalid"]),
        (&[("批次号", "")], &["batch.number.required"]),
        (&[("批次号", "100")], &["batch.number.out_of_range"]),
        (&[("交办日期", "7月3日")], &["batch.date.invalid"]),
        (&[("交办日期", "2026-07-05")], &["batch.date.after_receipt"]),
        (&[("交办日期", "3")], &["batch.date.invalid"]),
        (&[("交办编号", "")], &["sender_ref.required"]),
        (&[("联系电话", "12345")], &["complainant.phone.invalid"]),
        (
            &[("身份证号", "32011119800101123")],
            &["complainant.id_number.invalid"],
        ),
        (
            &[("经度", "东经119度"), ("纬度", "32.2")],
            &["coordinates.invalid"],
        ),
        (&[("经度", "119.45")], &["coordinates.incomplete"]),
        (
            &[("经度", "100"), ("纬度", "32.2")],
            &["coordinates.outside_jiangsu"],
        ),
        (&[("受理时间", "昨天下午")], &["received_at.invalid"]),
        (
            &[("受理时间", "2026-07-05 09:00")],
            &["received_at.in_future"],
        ),
        (
            &[("受理时间", "1999-07-05 09:00")],
            &["received_at.too_early"],
        ),
        (&[("是否紧急", "很急")], &["urgent.invalid"]),
        (&[("诉求类型", "表扬")], &["request_kind.unknown"]),
        (
            &[("来电/来信", "12345")],
            &["batch.number.not_applicable", "batch.date.not_applicable"],
        ),
    ];
    for (changes, want) in cases {
        assert_eq!(row_codes(changes), *want, "{changes:?}");
    }
}

#[test]
fn row_errors_name_the_column_and_speak_both_languages() {
    let sheet = one_row(&[("行政区域", "鼓楼区"), ("举报内容", "太短")]);
    let e = &sheet.rows[0].errors;
    assert_eq!(e[0].field, "content");
    assert_eq!(e[0].column.as_deref(), Some("举报内容"));
    assert_eq!(e[0].zh, "举报内容至少10个字，当前2个字");
    assert_eq!(e[1].code, "division.unknown");
    assert_eq!(e[1].column.as_deref(), Some("行政区域"));
    assert!(
        e[1].zh.contains("南京市鼓楼区、徐州市鼓楼区"),
        "{}",
        e[1].zh
    );
    assert!(e[1].message(Lang::En).contains("several divisions"));
    assert!(sheet.rows[0].case.is_none());
}

#[test]
fn a_city_followed_by_no_county_of_it_is_refused() {
    for (value, rest, city) in [
        ("镇江市火星区", "火星区", "镇江市"),
        ("镇江市京口去", "京口去", "镇江市"),
        ("南京市火星新区", "火星新区", "南京市"),
        ("江苏省镇江市火星区", "火星区", "镇江市"),
    ] {
        let sheet = one_row(&[("行政区域", value)]);
        let e = &sheet.rows[0].errors;
        assert_eq!(e.len(), 1, "{value}: {e:?}");
        assert_eq!(
            (
                e[0].code.as_str(),
                e[0].field.as_str(),
                e[0].column.as_deref()
            ),
            ("division.county_unknown", "division", Some("行政区域")),
            "{value}"
        );
        assert!(
            e[0].zh.contains(&format!("中的“{rest}”不是{city}的区县")),
            "{}",
            e[0].zh
        );
        assert!(
            e[0].en.contains("is not a county or district of"),
            "{}",
            e[0].en
        );
        assert!(sheet.rows[0].case.is_none());
    }
    // A city alone is the city; a county with more text (a township) is the county.
    for (value, code) in [
        ("镇江市", "321100"),
        ("江苏省镇江市", "321100"),
        ("南京", "320100"),
        // Functional zones are places of their own (issue 20).
        ("南京市江北新区", "320190"),
        ("昆山市开发区", "320590"),
        ("昆山市周市镇", "320583"),
        ("镇江市京口区", "321102"),
    ] {
        let sheet = one_row(&[("行政区域", value)]);
        let r = &sheet.rows[0];
        assert!(r.errors.is_empty(), "{value}: {:?}", r.errors);
        assert_eq!(r.draft.division, code, "{value}");
    }
}

#[test]
fn headers_people_write_for_batch_and_address() {
    let csv = format!(
        "第几批,交办编号,交办日期,来电/来信,举报内容,行政区域,问题发生地,污染类型\n\
         第3批,D001,2026-07-03,来电,{CONTENT},京口区,象山街道某小区,臭味\n"
    );
    let sheet = ok(csv.as_bytes());
    assert!(
        sheet.ignored_columns.is_empty(),
        "{:?}",
        sheet.ignored_columns
    );
    let r = &sheet.rows[0];
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.draft.batch_number, Some(3));
    assert_eq!(r.draft.address, "象山街道某小区");
    assert_eq!(
        r.draft.categories,
        ["air"],
        "臭味 is air, as everywhere in the app"
    );
    for h in ["发生地点", "地点", "事发地点", "批次"] {
        assert!(duban_intake::match_header(h).is_some(), "{h}");
    }
}

#[test]
fn a_missing_column_names_the_unrecognised_ones() {
    // A required column: the file is refused, naming the candidates.
    let csv = format!(
        "批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,问题所在,污染类型,备注\n\
         3,D001,2026-07-03,来电,{CONTENT},京口区,某小区,水,无\n"
    );
    let e = err(csv.as_bytes(), &opts());
    assert_eq!(e.code(), "import.column_missing");
    assert_eq!(
        e.message(Lang::Zh),
        "缺少“地址”列。未识别的列：问题所在、备注；如其中之一是地址，请将表头改为“地址”"
    );
    assert!(
        e.message(Lang::En)
            .contains("Unrecognised columns: 问题所在, 备注"),
        "{}",
        e.message(Lang::En)
    );
    // A column required by the row (batch number of an inspection transfer): each row
    // says the column is missing and names the candidates; the code stays the form's.
    let csv = format!(
        "批几,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型\n\
         3,D001,2026-07-03,来电,{CONTENT},京口区,某小区,水\n"
    );
    let sheet = ok(csv.as_bytes());
    let e = &sheet.rows[0].errors;
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].code, "batch.number.required");
    assert_eq!(
        e[0].zh,
        "批次号不能为空：文件中没有“批次号”列。未识别的列：批几；如其中之一是批次号，请将表头改为“批次号”"
    );
    assert!(
        e[0].en.contains("Unrecognised columns: 批几"),
        "{}",
        e[0].en
    );
}

#[test]
fn row_messages_name_the_column_as_the_file_does() {
    let csv = format!(
        "批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型,重点件,受理时间\n\
         3,D001,2026-07-03,传真,{CONTENT},京口区,某小区,水,飞行,昨天下午\n"
    );
    let sheet = ok(csv.as_bytes());
    let e = &sheet.rows[0].errors;
    let by_code = |code: &str| {
        e.iter()
            .find(|e| e.code == code)
            .map(|e| (e.zh.clone(), e.en.clone()))
            .unwrap_or_else(|| panic!("no {code} in {e:?}"))
    };
    assert_eq!(by_code("channel.unknown").0, "来电/来信不支持“传真”");
    assert_eq!(by_code("key_classes.unknown").0, "重点件不支持“飞行”");
    let (zh, en) = by_code("received_at.invalid");
    assert_eq!(zh, "受理时间不是有效时间");
    // The template's own name in English too.
    assert_eq!(en, "Received at is not a valid time");
    assert!(
        by_code("key_classes.unknown")
            .1
            .starts_with("Key case “重点件”"),
        "{e:?}"
    );
    // English headers: the template's Chinese names.
    let csv = format!(
        "batch_number,sender_ref,batch_date,channel,content,division,address,categories,key_classes\n\
         3,D001,2026-07-03,来电,{CONTENT},京口区,某小区,水,飞行\n"
    );
    let sheet = ok(csv.as_bytes());
    let e = &sheet.rows[0].errors;
    assert_eq!(e[0].code, "key_classes.unknown");
    assert_eq!(e[0].zh, "是否重点不支持“飞行”");
}

#[test]
fn values_are_mapped_like_a_coordinator_writes_them() {
    let sheet = one_row(&[
        ("来电/来信", "12345"),
        ("批次号", ""),
        ("交办日期", ""),
        ("污染类型", "扬尘、油烟；噪声污染"),
        ("是否重点", "领导批示件、重复信访"),
        ("举报人", "匿名"),
        ("联系电话", "+86 139 1234 5678"),
        ("诉求类型", "投诉"),
        ("是否紧急", "是"),
        ("行政区域", "江苏省苏州市昆山市"),
    ]);
    let r = &sheet.rows[0];
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let d = &r.draft;
    assert_eq!(d.channel, "hotline_12345");
    assert_eq!(
        d.categories,
        ["air", "noise"],
        "扬尘 and 油烟 are one category"
    );
    assert_eq!(d.key_classes, ["leader_instructed", "repeated"]);
    assert_eq!(d.complainant_name, "");
    assert_eq!(d.complainant_phone, "139 1234 5678");
    assert_eq!((d.request_kind.as_str(), d.urgent), ("complaint", true));
    assert_eq!(d.division, "320583");
    // No batch date and no receipt time: now, and the row says so.
    assert_eq!(r.received_at, ReceivedAt::Now);
    assert_eq!(d.received_at, "2026-07-04T10:00:00+08:00");
}

#[test]
fn receipt_time_defaults_to_the_batch_morning_but_never_after_now() {
    let sheet = one_row(&[]);
    let r = &sheet.rows[0];
    assert_eq!(r.received_at, ReceivedAt::BatchDate);
    assert_eq!(r.draft.received_at, "2026-07-03T08:30:00+08:00");
    // Imported on the batch day before 08:30: now, not the future.
    let csv = format!(
        "{HEADER}\n{}\n",
        line(1, "D1").replace("2026-07-03", "2026-07-04")
    );
    let mut o = opts();
    o.now = Utc
        .with_ymd_and_hms(2026, 7, 3, 23, 0, 0)
        .single()
        .unwrap_or_default();
    let sheet = read(csv.as_bytes(), &o).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(sheet.rows[0].received_at, ReceivedAt::Now);
    assert_eq!(sheet.rows[0].draft.received_at, "2026-07-04T07:00:00+08:00");
    assert!(
        sheet.rows[0].errors.is_empty(),
        "{:?}",
        sheet.rows[0].errors
    );
    // A configured time of day.
    o.now = now();
    o.receipt_time = chrono::NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default();
    let sheet = read(csv.as_bytes(), &o).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(sheet.rows[0].received_at, ReceivedAt::Now);
    assert_eq!(sheet.rows[0].draft.received_at, "2026-07-04T10:00:00+08:00");
}

#[test]
fn duplicate_sender_refs_within_a_file() {
    let csv = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        line(1, "D001"),
        line(2, "D002"),
        line(3, " d001 ")
    );
    let sheet = ok(csv.as_bytes());
    assert!(sheet.rows[0].errors.is_empty());
    assert!(sheet.rows[1].errors.is_empty());
    let e = &sheet.rows[2].errors;
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].code.as_str(), e[0].field.as_str()),
        ("import.duplicate_in_file", "sender_ref")
    );
    assert_eq!(e[0].zh, "交办编号“d001”与第2行重复");
    assert_eq!(e[0].column.as_deref(), Some("交办编号"));
    assert!(sheet.rows[2].case.is_none());
    assert!(sheet.cases().is_none());
}

// ---- identity, template, wire ----

#[test]
fn fingerprint_ignores_order_format_and_other_cells() {
    let a = format!("{HEADER}\n{}\n{}\n", line(1, "D001"), line(2, "D002"));
    let b = format!(
        "{HEADER}\n{}\n{}\n",
        line(2, "D002"),
        line(1, "D001").replace("否", "是")
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&b);
    let c = format!("{HEADER}\n{}\n{}\n", line(1, "D001"), line(2, "D003"));
    let fa = ok(a.as_bytes()).fingerprint;
    assert!(fa.starts_with("v1-2-"), "{fa}");
    assert_eq!(fa.len(), "v1-2-".len() + 16);
    assert_eq!(ok(b.as_bytes()).fingerprint, fa);
    assert_eq!(ok(&gbk).fingerprint, fa);
    assert_ne!(ok(c.as_bytes()).fingerprint, fa);
    // Pinned: the definition is part of the contract with stored imports.
    assert_eq!(fa, duban_intake::fingerprint(&ok(a.as_bytes()).rows));
}

#[test]
fn fingerprint_is_stable() {
    let a = format!("{HEADER}\n{}\n", line(1, "D001"));
    assert_eq!(ok(a.as_bytes()).fingerprint, "v1-1-137c636a82711813");
}

#[test]
fn template_round_trips() {
    let t = template_csv();
    assert!(t.starts_with('\u{FEFF}'));
    let header = t
        .trim_start_matches('\u{FEFF}')
        .lines()
        .next()
        .unwrap_or_default();
    assert_eq!(header.split(',').count(), COLUMNS.len());
    assert!(header.starts_with("序号,批次号,交办编号,交办日期,来电/来信,"));
    // Unchanged, the template imports nothing and has no error: its example is skipped.
    let sheet = ok(t.as_bytes());
    assert!(sheet.ignored_columns.is_empty());
    assert_eq!(sheet.columns.len(), COLUMNS.len());
    assert!(sheet.rows.is_empty());
    assert_eq!(sheet.skipped_examples, [2]);
    assert_eq!(sheet.error_rows(), 0);
    let nothing = sheet
        .nothing_to_import()
        .map(|e| (e.code(), e.message(Lang::Zh)));
    assert!(
        nothing
            .as_ref()
            .is_some_and(|(c, m)| c == "import.nothing_to_import" && m.contains("示例")),
        "{nothing:?}"
    );
    // The example itself is a valid row once numbered.
    let numbered = t.replacen("\r\n示例,", "\r\n1,", 1);
    let sheet = ok(numbered.as_bytes());
    assert_eq!(sheet.rows.len(), 1);
    assert!(
        sheet.rows[0].errors.is_empty(),
        "{:?}",
        sheet.rows[0].errors
    );
    assert!(sheet.nothing_to_import().is_none());
    let required: Vec<&str> = COLUMNS
        .iter()
        .filter(|c| c.required)
        .map(|c| c.key)
        .collect();
    assert_eq!(
        required,
        ["channel", "content", "division", "address", "categories"]
    );
}

#[test]
fn example_rows_are_skipped_not_imported() {
    let csv = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        line(1, "D001").replacen("1,", "示例,", 1),
        line(2, "D002"),
        line(3, "D003").replacen("3,", " 例 ,", 1),
    );
    let sheet = ok(csv.as_bytes());
    assert_eq!(sheet.skipped_examples, [2, 4]);
    assert_eq!(sheet.rows.len(), 1);
    assert_eq!(sheet.rows[0].draft.sender_ref, "D002");
    assert_eq!(sheet.error_rows(), 0);
    // Example rows are no part of the batch's identity.
    let plain = format!("{HEADER}\n{}\n", line(2, "D002"));
    assert_eq!(sheet.fingerprint, ok(plain.as_bytes()).fingerprint);
}

#[test]
fn the_preview_serialises() {
    let sheet = ok(format!("{HEADER}\n{}\n", line(1, "D001")).as_bytes());
    let json = serde_json::to_value(&sheet).unwrap_or_default();
    assert_eq!(json["format"], "csv");
    assert_eq!(json["rows"][0]["received_at"], "batch_date");
    assert_eq!(json["rows"][0]["draft"]["division"], "321102");
    assert_eq!(json["columns"][0]["column"], "row_number");
}

// ---- hostile input (found by `cargo xtask fuzz`, RELIABILITY.md) ----

#[test]
fn lone_carriage_returns_end_lines() {
    // Excel for Mac's "CSV (Macintosh)" ends lines with CR only; csv reads each as a
    // record, and each must get its own line (they name rows in errors: rows[3].content).
    let csv = format!(
        "{HEADER}\r{}\r{}\r\n\r{}\n",
        line(1, "D001"),
        line(2, "D002").replace(CONTENT, "太短"),
        line(3, "D003")
    );
    let sheet = ok(csv.as_bytes());
    assert_eq!(sheet.header_line, 1);
    assert_eq!(
        sheet.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [2, 3, 5]
    );
    assert_eq!(codes(&sheet, 1), ["content.too_short"]);
}

#[test]
fn an_xls_whose_sector_chain_loops_is_refused_not_followed() {
    // The fixture with the FAT entry of its directory's first sector pointing back at
    // that sector: calamine would append the sector to the directory forever.
    let mut bytes = include_bytes!("fixtures/list.xls").to_vec();
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let dir_start = u32_at(&bytes, 48);
    let fat_sector = u32_at(&bytes, 76) as usize;
    let entry = 512 + fat_sector * 512 + dir_start as usize * 4;
    bytes[entry..entry + 4].copy_from_slice(&dir_start.to_le_bytes());
    match err(&bytes, &opts()) {
        IntakeError::Unreadable { detail } => assert!(detail.contains("loop"), "{detail}"),
        e => panic!("{e:?}"),
    }
    // The intact fixture still reads.
    assert_eq!(ok(include_bytes!("fixtures/list.xls")).rows.len(), 2);
}
