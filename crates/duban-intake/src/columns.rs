//! The canonical columns of a transfer list (交办清单), their aliases and header matching.
//!
//! The table is data: the server builds the downloadable template (CSV or XLSX) from
//! [`COLUMNS`], and the preview names columns by [`ColumnSpec::zh`] / [`ColumnSpec::en`].

use std::fmt;

use serde::Serialize;

use duban_core::Lang;

/// A column this crate understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Column {
    /// 序号: the running row number of the list, kept apart from the sender's number.
    RowNumber,
    BatchNumber,
    SenderRef,
    BatchDate,
    Channel,
    RequestKind,
    Content,
    Division,
    Address,
    Categories,
    KeyClasses,
    Urgent,
    ComplainantName,
    ComplainantPhone,
    ComplainantIdNumber,
    Lon,
    Lat,
    ReceivedAt,
}

impl Column {
    /// This column's row of [`COLUMNS`].
    pub fn spec(self) -> &'static ColumnSpec {
        // Every variant has exactly one row (checked by a test); the fallback is unreachable.
        COLUMNS
            .iter()
            .find(|s| s.column == self)
            .unwrap_or(&COLUMNS[0])
    }
    /// The English template header (`content`, `batch_number`).
    pub fn key(self) -> &'static str {
        self.spec().key
    }
    /// The column's name in `lang`: the template's Chinese header, or its English name.
    pub fn name(self, lang: Lang) -> &'static str {
        self.spec().name(lang)
    }
}

impl ColumnSpec {
    /// The column's name in `lang` (`地址`, `Address`).
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One canonical column: its headers in both languages, the form field it fills, whether
/// a file must have it, an example value and the header aliases accepted on import.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ColumnSpec {
    pub column: Column,
    /// English header of the template, also accepted on import (`complainant_phone`).
    pub key: &'static str,
    /// Chinese header of the template (`联系电话`).
    pub zh: &'static str,
    /// English display name (`Phone`).
    pub en: &'static str,
    /// The `CaseDraft` field path errors of this column carry (`complainant.phone`);
    /// empty for 序号, which fills no field.
    pub field: &'static str,
    /// A file without this column is refused as a whole (`import.column_missing`),
    /// since every row would fail the form on it. 来电/来信 may instead be given as
    /// [`crate::Options::default_channel`].
    pub required: bool,
    /// Example value for the template's sample row (序号 `示例`, which the import skips).
    pub example: &'static str,
    /// How to fill it, for the template's notes.
    pub note_zh: &'static str,
    pub note_en: &'static str,
    /// Further accepted headers, already in the normalised form of [`normalise_header`].
    #[serde(skip)]
    pub aliases: &'static [&'static str],
}

/// Every column, in template order.
pub static COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        column: Column::RowNumber,
        key: "row_number",
        zh: "序号",
        en: "No.",
        field: "",
        required: false,
        // Marks the template's sample row, which the import skips (see `rows::EXAMPLE_MARKS`).
        example: "示例",
        note_zh: "清单中的顺序号，仅用于对照，不作为交办编号；序号为“示例”的行是填写示例，导入时跳过",
        note_en: "Running number of the list, for reference only; a row numbered “示例” is an example and is skipped",
        aliases: &["序", "行号", "no", "rowno", "顺序号", "序列号", "序号编号"],
    },
    ColumnSpec {
        column: Column::BatchNumber,
        key: "batch_number",
        zh: "批次号",
        en: "Batch number",
        field: "batch.number",
        required: false,
        example: "3",
        note_zh: "督察组交办件必填，1-99；可写“3”或“第3批”",
        note_en: "Required for inspection transfers, 1-99; “3” or “第3批”",
        aliases: &[
            "批次",
            "交办批次",
            "批号",
            "批次编号",
            "交办批次号",
            "第几批",
            "批",
            "所属批次",
            "交办批号",
            "批次序号",
            "batch",
        ],
    },
    ColumnSpec {
        column: Column::SenderRef,
        key: "sender_ref",
        zh: "交办编号",
        en: "Sender's number",
        field: "sender_ref",
        required: false,
        example: "D3200000202607030001",
        note_zh: "督察组交办件必填，同一文件内不得重复",
        note_en: "Required for inspection transfers; unique within the file",
        aliases: &[
            "受理编号",
            "编号",
            "信访编号",
            "交办件编号",
            "举报编号",
            "件号",
            "信访件编号",
            "转办编号",
            "交办单号",
            "交办件号",
            "案件编号",
            "ref",
            "reference",
        ],
    },
    ColumnSpec {
        column: Column::BatchDate,
        key: "batch_date",
        zh: "交办日期",
        en: "Batch date",
        field: "batch.date",
        required: false,
        example: "2026-07-03",
        note_zh: "督察组交办件必填；2026-07-03、2026/7/3、2026年7月3日或Excel日期",
        note_en: "Required for inspection transfers; 2026-07-03, 2026/7/3, 2026年7月3日 or an Excel date",
        aliases: &[
            "交办时间",
            "交办日",
            "交办日期时间",
            "转办日期",
            "转办时间",
            "下发日期",
            "下发时间",
        ],
    },
    ColumnSpec {
        column: Column::Channel,
        key: "channel",
        zh: "来电/来信",
        en: "Channel",
        field: "channel",
        required: true,
        example: "来电",
        note_zh: "来电、来信、12345、来访、网上、媒体、领导批示、自行发现",
        note_en: "来电 (phone) or 来信 (letter) for inspection transfers; also 12345, 来访, 网上, 媒体, 领导批示, 自行发现",
        aliases: &[
            "来电或来信",
            "来信来电",
            "举报方式",
            "信访方式",
            "信访形式",
            "举报途径",
            "渠道",
            "来源",
            "来源渠道",
            "反映渠道",
            "反映方式",
            "信访来源",
            "举报来源",
            "来件方式",
            "来件渠道",
            "信访渠道",
        ],
    },
    ColumnSpec {
        column: Column::RequestKind,
        key: "request_kind",
        zh: "诉求类型",
        en: "Request kind",
        field: "request_kind",
        required: false,
        example: "举报",
        note_zh: "举报、投诉、咨询或建议；空为举报",
        note_en: "举报 (report), 投诉, 咨询 or 建议; empty means report",
        aliases: &["诉求类别"],
    },
    ColumnSpec {
        column: Column::Content,
        key: "content",
        zh: "举报内容",
        en: "Content",
        field: "content",
        required: true,
        example: "京口区某小区旁餐饮店油烟直排，夜间噪声扰民，已持续两个月。",
        note_zh: "10-5000字",
        note_en: "10-5000 characters",
        aliases: &[
            "信访内容",
            "反映问题",
            "投诉内容",
            "反映内容",
            "反映情况",
            "主要问题",
            "信访事项",
            "举报事项",
            "问题描述",
            "举报问题",
            "信访件内容",
            "投诉举报内容",
            "群众反映问题",
            "举报主要内容",
        ],
    },
    ColumnSpec {
        column: Column::Division,
        key: "division",
        zh: "行政区域",
        en: "Division",
        field: "division",
        required: true,
        example: "镇江市京口区",
        note_zh: "区划代码（如321102）或名称（如“镇江市京口区”“昆山市”“南京市”）",
        note_en: "Division code (321102) or name (镇江市京口区, 昆山市, 南京市)",
        aliases: &[
            "所在地",
            "区县",
            "行政区划",
            "所在地区",
            "所属区县",
            "所在区县",
            "属地",
            "地区",
            "行政区划代码",
            "区划代码",
            "区划",
            "所在市县",
            "所属区域",
            "所在区域",
            "所属地区",
            "所属区划",
            "区域",
            "所属地",
            "涉及区域",
            "县区",
            "市县区",
            "所在县区",
        ],
    },
    ColumnSpec {
        column: Column::Address,
        key: "address",
        zh: "地址",
        en: "Address",
        field: "address",
        required: true,
        example: "镇江市京口区象山街道某小区东门",
        note_zh: "2-200字",
        note_en: "2-200 characters",
        aliases: &[
            "详细地址",
            "被举报对象地址",
            "举报对象地址",
            "被举报地址",
            "问题地址",
            "事发地址",
            "发生地址",
            "污染地址",
            "问题发生地",
            "问题发生地点",
            "问题发生地址",
            "发生地",
            "发生地点",
            "事发地",
            "事发地点",
            "问题地点",
            "地点",
            "具体地址",
            "具体位置",
            "位置",
        ],
    },
    ColumnSpec {
        column: Column::Categories,
        key: "categories",
        zh: "污染类型",
        en: "Categories",
        field: "categories",
        required: true,
        example: "大气、噪声",
        note_zh: "大气、水、噪声、固废、土壤、生态、辐射、其他；多个用顿号、逗号或分号分隔",
        note_en: "大气 水 噪声 固废 土壤 生态 辐射 其他 (air … other); several separated by 、,;/",
        aliases: &[
            "污染类别",
            "问题类型",
            "问题类别",
            "污染种类",
            "环境问题类型",
            "category",
        ],
    },
    ColumnSpec {
        column: Column::KeyClasses,
        key: "key_classes",
        zh: "是否重点",
        en: "Key case",
        field: "key_classes",
        required: false,
        example: "否",
        note_zh: "是/否；“是”即督察组交办重点件，也可写重点类别名称",
        note_en: "是 (yes) means a key case named by the inspection team; key class names are accepted too",
        aliases: &[
            "重点件",
            "是否重点件",
            "重点",
            "重点信访件",
            "重点类别",
            "key",
            "iskey",
        ],
    },
    ColumnSpec {
        column: Column::Urgent,
        key: "urgent",
        zh: "是否紧急",
        en: "Urgent",
        field: "urgent",
        required: false,
        example: "否",
        note_zh: "是/否，空为否",
        note_en: "是/否 (yes/no); empty means no",
        aliases: &["紧急", "紧急件"],
    },
    ColumnSpec {
        column: Column::ComplainantName,
        key: "complainant_name",
        zh: "举报人",
        en: "Complainant",
        field: "complainant.name",
        required: false,
        example: "张三",
        note_zh: "可空（匿名）；个人信息，不公开",
        note_en: "May be empty (anonymous); personal data, never published",
        aliases: &[
            "姓名",
            "信访人",
            "投诉人",
            "举报人姓名",
            "信访人姓名",
            "来电来信人",
            "name",
        ],
    },
    ColumnSpec {
        column: Column::ComplainantPhone,
        key: "complainant_phone",
        zh: "联系电话",
        en: "Phone",
        field: "complainant.phone",
        required: false,
        example: "13912345678",
        note_zh: "手机号或带区号的固定电话，可空",
        note_en: "Mobile or landline with area code; may be empty",
        aliases: &[
            "电话",
            "手机",
            "手机号",
            "手机号码",
            "联系方式",
            "电话号码",
            "举报人电话",
            "举报人联系电话",
            "phone",
        ],
    },
    ColumnSpec {
        column: Column::ComplainantIdNumber,
        key: "complainant_id_number",
        zh: "身份证号",
        en: "ID number",
        field: "complainant.id_number",
        required: false,
        example: "",
        note_zh: "18位，可空；请以文本格式填写",
        note_en: "18 characters, may be empty; enter as text",
        aliases: &["身份证号码", "身份证", "证件号码", "证件号", "idnumber"],
    },
    ColumnSpec {
        column: Column::Lon,
        key: "lon",
        zh: "经度",
        en: "Longitude",
        field: "coordinates",
        required: false,
        example: "119.4543",
        note_zh: "WGS-84，可空；与纬度同时填写",
        note_en: "WGS-84, optional; together with latitude",
        aliases: &["lng", "longitude"],
    },
    ColumnSpec {
        column: Column::Lat,
        key: "lat",
        zh: "纬度",
        en: "Latitude",
        field: "coordinates",
        required: false,
        example: "32.2046",
        note_zh: "WGS-84，可空；与经度同时填写",
        note_en: "WGS-84, optional; together with longitude",
        aliases: &["latitude"],
    },
    ColumnSpec {
        column: Column::ReceivedAt,
        key: "received_at",
        zh: "受理时间",
        en: "Received at",
        field: "received_at",
        required: false,
        example: "2026-07-03 09:00",
        note_zh: "可空：空时按交办日期08:30（北京时间）计，无交办日期时按导入时间",
        note_en: "Optional: empty means the batch date at 08:30 China time, or the import time without a batch date",
        aliases: &["收到时间", "收件时间", "接收时间", "受理日期"],
    },
];

/// The normalised form headers are compared in: half-width, lower case, without
/// whitespace, separators (`_ - . / 、 ·`), required-markers (`*`), a trailing colon or
/// bracketed remarks (`联系电话（手机）`, `交办日期(YYYY-MM-DD)`).
pub fn normalise_header(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    // Traditional headers (`舉報內容`) match their simplified names.
    for c in s.chars().map(halfwidth_char).map(duban_hanzi::simplified) {
        match c {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace() => {}
            '*' | '_' | '-' | '.' | '/' | '、' | '·' | ':' | '※' | '\\' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Full-width ASCII (`１２３４５`, `（`, `：`) to its half-width form; the ideographic
/// space to a space. Spreadsheets typed with a Chinese input method are full of both.
pub(crate) fn halfwidth_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

pub(crate) fn halfwidth(s: &str) -> String {
    s.chars().map(halfwidth_char).collect()
}

/// The column a header names, if any: its Chinese name, English key or an alias, after
/// [`normalise_header`].
pub fn match_header(header: &str) -> Option<Column> {
    let h = normalise_header(header);
    if h.is_empty() {
        return None;
    }
    names()
        .iter()
        .find(|(name, _)| *name == h)
        .map(|(_, column)| *column)
}

/// Every accepted header in normalised form, computed once: header detection looks at
/// every cell of the first rows.
fn names() -> &'static [(String, Column)] {
    static NAMES: std::sync::OnceLock<Vec<(String, Column)>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        COLUMNS
            .iter()
            .flat_map(|s| {
                [normalise_header(s.zh), normalise_header(s.key)]
                    .into_iter()
                    .chain(s.aliases.iter().map(|a| (*a).to_owned()))
                    .map(|n| (n, s.column))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_one_row_and_aliases_are_normalised_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for spec in COLUMNS {
            assert_eq!(spec.column.spec().key, spec.key);
            for name in [spec.zh, spec.key]
                .into_iter()
                .map(normalise_header)
                .chain(spec.aliases.iter().map(|a| (*a).to_owned()))
            {
                assert_eq!(normalise_header(&name), name, "{name} is not normalised");
                assert!(seen.insert(name.clone()), "{name} names two columns");
            }
        }
        assert_eq!(
            COLUMNS
                .iter()
                .filter(|s| s.column == Column::Content)
                .count(),
            1
        );
    }

    #[test]
    fn headers_match_loosely() {
        assert_eq!(match_header(" 举报内容 "), Some(Column::Content));
        assert_eq!(match_header("举 报 内 容*"), Some(Column::Content));
        assert_eq!(match_header("来电/来信"), Some(Column::Channel));
        assert_eq!(match_header("来电、来信"), Some(Column::Channel));
        assert_eq!(
            match_header("联系电话（手机）"),
            Some(Column::ComplainantPhone)
        );
        assert_eq!(
            match_header("交办日期(YYYY-MM-DD)"),
            Some(Column::BatchDate)
        );
        assert_eq!(
            match_header("Complainant_Phone"),
            Some(Column::ComplainantPhone)
        );
        assert_eq!(
            match_header("ＢＡＴＣＨ＿ＮＵＭＢＥＲ"),
            Some(Column::BatchNumber)
        );
        assert_eq!(match_header("序号"), Some(Column::RowNumber));
        assert_eq!(match_header("编号"), Some(Column::SenderRef));
        assert_eq!(match_header("备注"), None);
        // Variants of real lists, and traditional script.
        for (header, column) in [
            ("所属区域", Column::Division),
            ("所在地区", Column::Division),
            ("行政区划", Column::Division),
            ("反映渠道", Column::Channel),
            ("来源", Column::Channel),
            ("交办时间", Column::BatchDate),
            ("交办日期", Column::BatchDate),
            ("序号/编号", Column::RowNumber),
            ("舉報內容", Column::Content),
            ("交辦編號", Column::SenderRef),
            ("交辦日期", Column::BatchDate),
            ("所屬區域", Column::Division),
            ("反映渠道（來電/來信）", Column::Channel),
        ] {
            assert_eq!(match_header(header), Some(column), "{header}");
        }
        assert_eq!(match_header("（空）"), None);
    }
}
