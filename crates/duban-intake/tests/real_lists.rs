//! Real transfer lists (issue 20): functional-zone rows, header variants and
//! traditional script, values set once for the whole file, rows corrected or excluded
//! in the preview, several batches in one file.

use chrono::{DateTime, TimeZone, Utc};
use duban_core::CodedError as _;
use duban_intake::{Edits, IntakeError, Options, RowEdit, Sheet, read};

fn now() -> DateTime<Utc> {
    // 2026-07-04 10:00 China time.
    Utc.with_ymd_and_hms(2026, 7, 4, 2, 0, 0)
        .single()
        .unwrap_or_default()
}

const HEADER: &str =
    "序号,批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型,是否重点";
const CONTENT: &str = "某企业夜间排放刺鼻废气，周边居民无法开窗。";

fn read_with(csv: &str, edits: Edits) -> Result<Sheet, IntakeError> {
    let mut o = Options::new(now());
    o.edits = edits;
    read(csv.as_bytes(), &o)
}

fn sheet(csv: &str, edits: Edits) -> Sheet {
    read_with(csv, edits).unwrap_or_else(|e| panic!("{e:?}"))
}

fn codes(s: &Sheet, row: usize) -> Vec<&str> {
    s.rows[row].errors.iter().map(|e| e.code.as_str()).collect()
}

#[test]
fn functional_zone_rows_are_places() {
    let places = [
        ("南京市江北新区", "320190"),
        ("苏州工业园区", "320571"),
        ("苏州市工业园区", "320571"),
        ("徐州经济技术开发区", "320371"),
        ("昆山开发区", "320590"),
        ("昆山市开发区", "320590"),
        ("苏州高新区", "320505"),
        ("镇江新区", "321171"),
        ("320571", "320571"),
    ];
    let mut csv = format!("{HEADER}\n");
    for (i, (place, _)) in places.iter().enumerate() {
        csv.push_str(&format!(
            "{n},3,Z{n:03},2026-07-03,来电,{CONTENT},{place},某路1号,大气,否\n",
            n = i + 1
        ));
    }
    let s = sheet(&csv, Edits::default());
    for (row, (place, code)) in s.rows.iter().zip(places) {
        assert!(row.errors.is_empty(), "{place}: {:?}", row.errors);
        assert_eq!(row.draft.division, code, "{place}");
        let case = row.case.as_ref().expect("case");
        assert_eq!(case.division().as_str(), code);
    }
    assert!(s.cases().is_some(), "zone rows no longer block the import");
}

#[test]
fn header_variants_and_traditional_script() {
    let csv = format!(
        "序號,批次,交辦編號,交辦時間,反映渠道,舉報內容,所屬區域,地址,污染類型\n\
         1,3,T001,2026-07-03,來電,{CONTENT},昆山開發區,某路1號,大氣\n\
         2,3,T002,2026/7/3,来信,{CONTENT},所在地區不詳,某路2号,噪声\n"
    );
    let s = sheet(&csv, Edits::default());
    let keys: Vec<&str> = s.columns.iter().map(|c| c.column.key()).collect();
    assert_eq!(
        keys,
        [
            "row_number",
            "batch_number",
            "sender_ref",
            "batch_date",
            "channel",
            "content",
            "division",
            "address",
            "categories"
        ]
    );
    assert!(s.rows[0].errors.is_empty(), "{:?}", s.rows[0].errors);
    assert_eq!(s.rows[0].draft.division, "320590");
    assert_eq!(s.rows[0].draft.channel, "inspection_phone");
    assert_eq!(codes(&s, 1), ["division.unknown"]);
    // The other variants of the issue.
    for h in ["所属区域", "所在地区", "行政区划"] {
        assert_eq!(
            duban_intake::match_header(h).map(|c| c.key()),
            Some("division")
        );
    }
    for h in ["反映渠道", "来源"] {
        assert_eq!(
            duban_intake::match_header(h).map(|c| c.key()),
            Some("channel")
        );
    }
    for h in ["交办时间", "交办日期"] {
        assert_eq!(
            duban_intake::match_header(h).map(|c| c.key()),
            Some("batch_date")
        );
    }
}

#[test]
fn channel_batch_and_date_set_once_for_the_whole_file() {
    let csv = format!(
        "序号,交办编号,举报内容,行政区域,地址,污染类型\n\
         1,W001,{CONTENT},镇江市京口区,某路1号,大气\n\
         2,W002,{CONTENT},苏州工业园区,某路2号,水\n"
    );
    // Without them: the channel column is missing.
    let e = read_with(&csv, Edits::default()).map(|_| ()).unwrap_err();
    assert_eq!(e.code(), "import.column_missing");
    let edits = Edits {
        channel: Some("来电".into()),
        batch_number: Some(4),
        batch_date: Some("2026-07-03".into()),
        ..Edits::default()
    };
    let s = sheet(&csv, edits);
    for r in &s.rows {
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let c = r.case.as_ref().expect("case");
        let b = c.batch().expect("batch");
        assert_eq!((b.number(), b.date().to_string()), (4, "2026-07-03".into()));
        assert_eq!(c.channel().code(), "inspection_phone");
    }
    // A row's own value wins over the file's.
    let csv2 = format!(
        "序号,批次号,交办编号,交办日期,来电/来信,举报内容,行政区域,地址,污染类型\n\
         1,,V001,,,{CONTENT},镇江市京口区,某路1号,大气\n\
         2,5,V002,2026-07-02,来信,{CONTENT},镇江市京口区,某路2号,大气\n"
    );
    let s = sheet(
        &csv2,
        Edits {
            channel: Some("来电".into()),
            batch_number: Some(4),
            batch_date: Some("2026-07-03".into()),
            ..Edits::default()
        },
    );
    let b: Vec<(u16, String, &str)> = s
        .rows
        .iter()
        .map(|r| {
            let c = r.case.as_ref().expect("case");
            let b = c.batch().expect("batch");
            (b.number(), b.date().to_string(), c.channel().code())
        })
        .collect();
    assert_eq!(
        b,
        [
            (4, "2026-07-03".into(), "inspection_phone"),
            (5, "2026-07-02".into(), "inspection_letter")
        ]
    );
}

#[test]
fn rows_are_corrected_or_excluded_in_the_preview() {
    let csv = format!(
        "{HEADER}\n\
         1,3,E001,2026-07-03,来电,{CONTENT},火星市,某路1号,大气,否\n\
         2,3,E002,2026-13-45,来电,{CONTENT},镇江市京口区,某路2号,大气,否\n\
         3,3,E003,2026-07-03,来电,短,镇江市京口区,某路3号,大气,否\n\
         4,3,E004,2026-07-03,来电,{CONTENT},镇江市京口区,某路4号,大气,否\n"
    );
    let s = sheet(&csv, Edits::default());
    assert_eq!(codes(&s, 0), ["division.unknown"]);
    assert_eq!(codes(&s, 1), ["batch.date.invalid"]);
    assert_eq!(codes(&s, 2), ["content.too_short"]);
    assert!(s.cases().is_none());
    let before = s.fingerprint.clone();

    let mut edits = Edits::default();
    edits.rows.insert(
        2,
        RowEdit {
            division: Some("320571".into()),
            ..RowEdit::default()
        },
    );
    edits.rows.insert(
        3,
        RowEdit {
            batch_date: Some("2026-07-03".into()),
            ..RowEdit::default()
        },
    );
    edits.exclude.insert(4, "内容不全，退回督察组补充".into());
    let s = sheet(&csv, edits.clone());
    assert!(s.rows[0].errors.is_empty(), "{:?}", s.rows[0].errors);
    assert_eq!(s.rows[0].draft.division, "320571");
    assert!(s.rows[1].errors.is_empty(), "{:?}", s.rows[1].errors);
    assert_eq!(
        s.rows[2].excluded.as_deref(),
        Some("内容不全，退回督察组补充")
    );
    assert_eq!(s.error_rows(), 0);
    assert_eq!(
        s.cases().map(|c| c.len()),
        Some(3),
        "the rest, all or nothing"
    );
    assert_ne!(s.fingerprint, before, "the batch is what is imported");

    // An exclusion without a reason, or an edit of a line the file lacks, refuses it.
    let mut no_reason = edits.clone();
    no_reason.exclude.insert(4, "  ".into());
    let e = read_with(&csv, no_reason).map(|_| ()).unwrap_err();
    assert_eq!(
        (e.code().as_ref(), e.field().as_ref()),
        ("import.exclude.reason_required", "edits.exclude[4]")
    );
    let mut unknown = edits;
    unknown.exclude.insert(99, "不存在".into());
    let e = read_with(&csv, unknown).map(|_| ()).unwrap_err();
    assert_eq!(e.code(), "import.edit.line_unknown");
    assert!(!e.message(duban_case::Lang::En).is_empty());
}

#[test]
fn several_batches_in_one_file_are_counted_apart() {
    let mut csv = format!("{HEADER}\n");
    let mut n = 0;
    for batch in [1, 2, 17] {
        for _ in 0..batch.min(3) {
            n += 1;
            csv.push_str(&format!(
                "{n},{batch},M{n:03},2026-07-0{d},来电,{CONTENT},镇江市京口区,某路{n}号,大气,否\n",
                d = if batch == 17 { 3 } else { batch }
            ));
        }
    }
    csv.push_str(&format!(
        "{},2,M999,2026-07-02,来电,短,镇江市京口区,某路,大气,否\n",
        n + 1
    ));
    let s = sheet(&csv, Edits::default());
    let b: Vec<(Option<i64>, usize, usize)> = s
        .batches()
        .iter()
        .map(|b| (b.number, b.rows, b.valid))
        .collect();
    assert_eq!(b, [(Some(1), 1, 1), (Some(2), 3, 2), (Some(17), 3, 3)]);
}
