//! Cell values to the text the form expects: Chinese names to codes, Excel serials to
//! dates, numbers without `.0`. A value that cannot be mapped is passed through unchanged
//! so that the form reports it with its own code (`channel.unknown`).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

use duban_case::Lang;
use duban_case::model::{Category, Channel, KeyClass};

use crate::columns::halfwidth;
use crate::source::Cell;

/// Text of a cell as a person sees it: integers without `.0`, dates as `YYYY-MM-DD`
/// (with the time when there is one).
pub(crate) fn text(cell: &Cell, date1904: bool) -> String {
    match cell {
        Cell::Text(s) => s.trim().to_owned(),
        Cell::Int(i) => i.to_string(),
        Cell::Number(n) => number_text(*n),
        Cell::Date(serial) => match serial_to_datetime(*serial, date1904) {
            Some(t) if t.time() == NaiveTime::MIN => t.date().format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => number_text(*serial),
        },
        Cell::Bool(true) => "TRUE".into(),
        Cell::Bool(false) => "FALSE".into(),
    }
}

/// `13912345678.0` → `13912345678`: phones, references and batch numbers are often
/// typed into number-formatted cells.
fn number_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Excel serial → wall-clock date-time. Serials count days from 1899-12-30 (with the
/// 1900 leap-year bug; calamine's conversion handles it) or from 1904-01-01.
pub(crate) fn serial_to_datetime(serial: f64, date1904: bool) -> Option<NaiveDateTime> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let dt = calamine::ExcelDateTime::new(serial, calamine::ExcelDateTimeType::DateTime, date1904);
    let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(i32::from(y), u32::from(mo), u32::from(d))?.and_hms_opt(
        u32::from(h),
        u32::from(mi),
        u32::from(s),
    )
}

/// Serials a CSV exported from Excel may carry in a date column: 2000-01-01 to
/// 2099-12-31. Other five-digit numbers are not dates.
const SERIAL_RANGE: std::ops::RangeInclusive<i64> = 36_526..=73_050;

/// Whether a plain number in a date column is a date serial (2000-2099) rather than,
/// say, a day of the month typed alone.
pub(crate) fn plausible_serial(n: f64) -> bool {
    (SERIAL_RANGE.start()..=SERIAL_RANGE.end()).contains(&&(n.floor() as i64))
}

/// A date as lists write it: `2026-07-03`, `2026/7/3`, `2026.7.3`, `2026年7月3日`,
/// `20260703`, `2026-07-03 00:00:00`, or an Excel serial written out as text.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = halfwidth(s);
    let s = s.trim();
    let date_part = s
        .split(|c: char| c.is_whitespace() || c == 'T')
        .next()
        .unwrap_or(s);
    if date_part.len() == 8 && date_part.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(date_part, "%Y%m%d").ok();
    }
    if let Ok(n) = date_part.parse::<i64>() {
        return SERIAL_RANGE
            .contains(&n)
            .then(|| serial_to_datetime(n as f64, false).map(|t| t.date()))
            .flatten();
    }
    let mut parts = date_part
        .split(['-', '/', '.', '年', '月', '日', '号'])
        .filter(|p| !p.is_empty());
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1000..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A time of day: `14:20`, `14:20:05`, `14时20分`, `14点20`.
fn parse_time(s: &str) -> Option<NaiveTime> {
    let t: String = s
        .chars()
        .map(|c| match c {
            '时' | '点' | '分' => ':',
            c => c,
        })
        .filter(|c| *c != '秒')
        .collect();
    let mut parts = t.split(':').filter(|p| !p.is_empty());
    let h: u32 = parts.next()?.trim().parse().ok()?;
    let m: u32 = parts.next().map_or(Some(0), |p| p.trim().parse().ok())?;
    let sec: u32 = match parts.next() {
        // Fractions of a second are dropped: receipt times are to the minute.
        Some(p) => p.trim().split('.').next()?.parse().ok()?,
        None => 0,
    };
    NaiveTime::from_hms_opt(h, m, sec)
}

/// A receipt time: RFC 3339 as is; otherwise a date with an optional time, read as wall
/// time at `offset`. A date alone means `default_time` on that day.
pub(crate) fn parse_datetime(
    s: &str,
    offset: FixedOffset,
    default_time: NaiveTime,
) -> Option<DateTime<FixedOffset>> {
    let s = halfwidth(s);
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    // `2026年7月3日14时20分` has no space between date and time.
    let s = s.replacen('日', "日 ", 1).replacen('号', "号 ", 1);
    let s = s.trim();
    let (date, time) = match s.split_once(|c: char| c.is_whitespace() || c == 'T') {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    let date = parse_date(date)?;
    let time = match time {
        None | Some("") => default_time,
        Some(t) => parse_time(t)?,
    };
    offset.from_local_datetime(&date.and_time(time)).single()
}

/// 批次号: `3`, `03`, `第3批`, `第三批`, `3.0` → 3.
pub(crate) fn parse_batch_number(cell: &Cell) -> Option<i64> {
    match cell {
        Cell::Int(i) => Some(*i),
        Cell::Number(n) if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 => Some(*n as i64),
        Cell::Text(s) => {
            let s = halfwidth(s);
            let core: String = s
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '第' | '批' | '次' | '号'))
                .collect();
            if let Ok(n) = core.parse::<i64>() {
                return Some(n);
            }
            if let Some(int) = core.strip_suffix(".0") {
                return int.parse().ok();
            }
            chinese_number(&core)
        }
        _ => None,
    }
}

/// Chinese numerals up to 99 (`三`, `十二`, `二十`, `两`).
fn chinese_number(s: &str) -> Option<i64> {
    fn digit(c: char) -> Option<i64> {
        Some(match c {
            '〇' | '零' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    }
    let chars: Vec<char> = s.chars().collect();
    match chars.iter().position(|c| *c == '十') {
        None if chars.len() == 1 => digit(chars[0]),
        None => None,
        Some(i) => {
            let tens = match &chars[..i] {
                [] => 1,
                [d] => digit(*d)?,
                _ => return None,
            };
            let ones = match &chars[i + 1..] {
                [] => 0,
                [d] => digit(*d)?,
                _ => return None,
            };
            Some(tens * 10 + ones)
        }
    }
}

/// Key for loose comparison of a value: half-width, no whitespace, lower case.
fn loose(s: &str) -> String {
    halfwidth(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// 是/否 and friends. `None` when the value is neither.
pub(crate) fn parse_flag(s: &str) -> Option<bool> {
    match loose(s).as_str() {
        "是" | "是的" | "y" | "yes" | "true" | "1" | "√" | "✓" | "✔" | "★" | "重点" | "重点件"
        | "紧急" => Some(true),
        "" | "否" | "不是" | "n" | "no" | "false" | "0" | "×" | "✗" | "x" | "一般" | "非重点"
        | "无" | "-" | "/" | "—" => Some(false),
        _ => None,
    }
}

/// Split a list cell on the separators people use: `、 , ， ; ； / ｜ |` and line breaks.
pub(crate) fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(['、', ',', '，', ';', '；', '/', '|', '｜', '\n', '\r'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// 来电/来信 and the other channel names to `duban-case` channel codes.
pub(crate) fn channel_code(s: &str) -> Option<&'static str> {
    let k = loose(s);
    let alias = match k.as_str() {
        "来电" | "电话" | "来电举报" | "电话举报" | "督察组来电" | "督察来电" | "电话交办" => {
            Some(Channel::InspectionPhone)
        }
        // Inspection teams take letters and e-mail alike as 来信.
        "来信" | "信件" | "来信举报" | "督察组来信" | "督察来信" | "邮件" | "电子邮件" | "邮箱"
        | "信函" => Some(Channel::InspectionLetter),
        "12345" | "12345热线" | "热线" | "政务热线" | "12345政务热线" => {
            Some(Channel::Hotline12345)
        }
        "来访" | "走访" | "来信来访" | "信访" => Some(Channel::LetterVisit),
        "网上" | "网络" | "网上信访" | "网上投诉" | "网络举报" | "网站" => {
            Some(Channel::Online)
        }
        "媒体" | "媒体曝光" | "舆情" => Some(Channel::Media),
        "领导批示" | "批示" => Some(Channel::LeaderInstruction),
        "自行发现" | "巡查发现" | "自查" => Some(Channel::SelfDiscovered),
        _ => None,
    };
    alias
        .or_else(|| {
            Channel::ALL.iter().copied().find(|c| {
                c.code() == k || loose(c.label(Lang::Zh)) == k || loose(c.label(Lang::En)) == k
            })
        })
        .map(Channel::code)
}

/// 诉求类型 names to request-kind codes.
pub(crate) fn request_kind_code(s: &str) -> Option<&'static str> {
    Some(match loose(s).as_str() {
        "举报" | "report" => "report",
        "投诉" | "complaint" => "complaint",
        "咨询" | "inquiry" => "inquiry",
        "建议" | "suggestion" => "suggestion",
        _ => return None,
    })
}

/// 污染类型 names (as inspection lists write them) to category codes.
///
/// Every keyword of the Open311 services (`server/src/app/open311.rs`, `service_text`)
/// is accepted here too, with the same category, so that a word the app offers
/// citizens is not refused in a list (the server's `batch_import` test checks it). So
/// 生态环境 is 其他, as there: it names the whole field, not damage to ecosystems.
pub(crate) fn category_code(s: &str) -> Option<&'static str> {
    let k = loose(s);
    let by_name = |k: &str| -> Option<Category> {
        Some(match k {
            "大气" | "空气" | "废气" | "扬尘" | "粉尘" | "烟尘" | "油烟" | "餐饮油烟" | "异味"
            | "恶臭" | "臭气" | "臭味" | "气味" | "烟气" | "气" => Category::Air,
            "水" | "废水" | "污水" | "水体" | "水环境" | "黑臭水体" | "黑臭" | "偷排"
            | "排污口" => Category::Water,
            "噪声" | "噪音" | "振动" | "施工噪声" | "夜间施工" | "扰民" => {
                Category::Noise
            }
            "固废" | "固体废物" | "固体废弃物" | "垃圾" | "危废" | "危险废物" | "建筑垃圾"
            | "生活垃圾" | "倾倒" | "堆放" | "焚烧" => Category::SolidWaste,
            "土壤" | "污染地块" | "重金属" => Category::Soil,
            "生态" | "生态破坏" | "非法采砂" | "湿地" | "自然保护区" => {
                Category::Ecology
            }
            "辐射" | "电磁辐射" | "核与辐射" | "电磁" | "基站" | "放射源" => {
                Category::Radiation
            }
            "其他" | "其它" | "生态环境" => Category::Other,
            _ => return None,
        })
    };
    by_name(&k)
        // `噪声污染`, `水污染`, `大气类`
        .or_else(|| {
            let stem = k
                .strip_suffix("污染")
                .or_else(|| k.strip_suffix("类"))
                .or_else(|| k.strip_suffix("问题"))?;
            by_name(stem)
        })
        .or_else(|| {
            Category::ALL
                .iter()
                .copied()
                .find(|c| c.code() == k || loose(c.label(Lang::En)) == k)
        })
        .map(Category::code)
}

/// Key-class names to codes; a bare 是 is decided by the caller.
pub(crate) fn key_class_code(s: &str) -> Option<&'static str> {
    let k = loose(s);
    let alias = match k.as_str() {
        "督察组重点件" | "交办重点件" | "督察重点件" => {
            Some(KeyClass::InspectionKey)
        }
        "领导批示" => Some(KeyClass::LeaderInstructed),
        "重复信访" | "重复件" | "重复举报" => Some(KeyClass::Repeated),
        "群体性" | "联名" | "联名件" | "群体件" => Some(KeyClass::Collective),
        "舆情" | "舆情关注" => Some(KeyClass::PublicOpinion),
        "敏感区域" => Some(KeyClass::SensitiveArea),
        "突发事件" => Some(KeyClass::SuddenIncident),
        _ => None,
    };
    alias
        .or_else(|| {
            KeyClass::ALL.iter().copied().find(|c| {
                c.code() == k || loose(c.label(Lang::Zh)) == k || loose(c.label(Lang::En)) == k
            })
        })
        .map(KeyClass::code)
}

/// A placeholder people type for "none" in optional personal fields.
pub(crate) fn is_placeholder(s: &str) -> bool {
    matches!(
        loose(s).as_str(),
        "无" | "/" | "-" | "—" | "--" | "匿名" | "不详" | "未提供" | "空" | "null" | "n/a"
    )
}

/// A phone as typed: number cells without `.0`, a `+86`/`0086` prefix removed.
pub(crate) fn phone(s: &str) -> String {
    let t = halfwidth(s);
    let t = t.trim();
    let t = t
        .strip_prefix("+86")
        .or_else(|| t.strip_prefix("0086"))
        .unwrap_or(t);
    t.trim_start_matches(['-', ' ']).to_owned()
}

/// A coordinate: a number cell, or text such as `119.45` or `119.45°`.
pub(crate) fn coordinate(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Number(n) => Some(*n),
        Cell::Int(i) => Some(*i as f64),
        Cell::Text(s) => halfwidth(s)
            .trim()
            .trim_end_matches(['°', 'E', 'N', 'e', 'n'])
            .trim()
            .parse()
            .ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn dates_in_the_forms_lists_use() {
        for s in [
            "2026-07-03",
            "2026/7/3",
            "2026.7.3",
            "2026年7月3日",
            "２０２６年７月３日",
            "20260703",
            "2026-07-03 00:00:00",
            "2026-07-03T00:00:00",
            "46206",
        ] {
            assert_eq!(parse_date(s), Some(d(2026, 7, 3)), "{s}");
        }
        for s in [
            "2026-02-30",
            "七月三日",
            "3/7",
            "12345",
            "2026-07-03-01",
            "",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn excel_serials() {
        let t = serial_to_datetime(46206.5, false).unwrap_or_default();
        assert_eq!(t.to_string(), "2026-07-03 12:00:00");
        // The 1904 epoch is 1462 days later.
        let t = serial_to_datetime(46206.0 - 1462.0, true).unwrap_or_default();
        assert_eq!(t.date(), d(2026, 7, 3));
        assert_eq!(serial_to_datetime(f64::NAN, false), None);
        assert_eq!(serial_to_datetime(-1.0, false), None);
        assert_eq!(text(&Cell::Date(46206.0), false), "2026-07-03");
        assert_eq!(text(&Cell::Number(13912345678.0), false), "13912345678");
        assert_eq!(text(&Cell::Number(0.5), false), "0.5");
    }

    #[test]
    fn date_times_as_china_wall_time() {
        let cst = duban_core::CHINA;
        let morning = NaiveTime::from_hms_opt(8, 30, 0).unwrap_or_default();
        let f = |s| parse_datetime(s, cst, morning).map(|t| t.to_rfc3339());
        assert_eq!(
            f("2026-07-03 14:20").as_deref(),
            Some("2026-07-03T14:20:00+08:00")
        );
        assert_eq!(
            f("2026年7月3日14时20分").as_deref(),
            Some("2026-07-03T14:20:00+08:00")
        );
        assert_eq!(
            f("2026/7/3 14:20:05").as_deref(),
            Some("2026-07-03T14:20:05+08:00")
        );
        assert_eq!(f("2026/7/3").as_deref(), Some("2026-07-03T08:30:00+08:00"));
        assert_eq!(
            f("2026-07-03T06:20:00Z").as_deref(),
            Some("2026-07-03T06:20:00+00:00")
        );
        assert_eq!(f("2026-07-03 25:00"), None);
        assert_eq!(f("昨天"), None);
    }

    #[test]
    fn batch_numbers() {
        let t = |s: &str| parse_batch_number(&Cell::Text(s.into()));
        assert_eq!(t("3"), Some(3));
        assert_eq!(t("03"), Some(3));
        assert_eq!(t("第3批"), Some(3));
        assert_eq!(t("第 17 批次"), Some(17));
        assert_eq!(t("第三批"), Some(3));
        assert_eq!(t("第十批"), Some(10));
        assert_eq!(t("十七"), Some(17));
        assert_eq!(t("二十"), Some(20));
        assert_eq!(t("３"), Some(3));
        assert_eq!(t("3.0"), Some(3));
        assert_eq!(t("三批次二"), None);
        assert_eq!(t("abc"), None);
        assert_eq!(parse_batch_number(&Cell::Number(3.0)), Some(3));
        assert_eq!(parse_batch_number(&Cell::Number(3.5)), None);
        assert_eq!(parse_batch_number(&Cell::Int(7)), Some(7));
    }

    #[test]
    fn names_to_codes() {
        assert_eq!(channel_code("来电"), Some("inspection_phone"));
        assert_eq!(channel_code(" 来信 "), Some("inspection_letter"));
        assert_eq!(
            channel_code("督察组交办（来信）"),
            Some("inspection_letter")
        );
        assert_eq!(channel_code("１２３４５"), Some("hotline_12345"));
        assert_eq!(channel_code("inspection_phone"), Some("inspection_phone"));
        assert_eq!(channel_code("Online"), Some("online"));
        assert_eq!(channel_code("飞鸽传书"), None);
        assert_eq!(category_code("噪声污染"), Some("noise"));
        assert_eq!(category_code("扬尘"), Some("air"));
        assert_eq!(category_code("水污染"), Some("water"));
        assert_eq!(category_code("solid_waste"), Some("solid_waste"));
        assert_eq!(category_code("Soil"), Some("soil"));
        assert_eq!(category_code("光污染"), None);
        assert_eq!(category_code("臭味"), Some("air"));
        assert_eq!(category_code("生态环境"), Some("other"));
        assert_eq!(key_class_code("领导批示件"), Some("leader_instructed"));
        assert_eq!(key_class_code("重复信访"), Some("repeated"));
        assert_eq!(key_class_code("sensitive_area"), Some("sensitive_area"));
        assert_eq!(request_kind_code("投诉"), Some("complaint"));
        assert_eq!(
            split_list("大气、噪声;水，固废/ 其他").collect::<Vec<_>>(),
            ["大气", "噪声", "水", "固废", "其他"]
        );
    }

    #[test]
    fn flags_phones_and_coordinates() {
        assert_eq!(parse_flag("是"), Some(true));
        assert_eq!(parse_flag("√"), Some(true));
        assert_eq!(parse_flag("Y"), Some(true));
        assert_eq!(parse_flag("否"), Some(false));
        assert_eq!(parse_flag(""), Some(false));
        assert_eq!(parse_flag("也许"), None);
        assert_eq!(phone("+86 139 1234 5678"), "139 1234 5678");
        assert_eq!(phone("0086-13912345678"), "13912345678");
        assert_eq!(phone("025-84567890"), "025-84567890");
        assert!(is_placeholder("匿名"));
        assert!(is_placeholder(" / "));
        assert_eq!(coordinate(&Cell::Text("119.45°".into())), Some(119.45));
        assert_eq!(coordinate(&Cell::Text("东经119".into())), None);
    }
}
