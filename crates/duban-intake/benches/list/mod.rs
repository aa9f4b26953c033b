//! The benches' transfer list: rows about as long and varied as a real one, as CSV or
//! XLSX.

pub const HEADERS: [&str; 14] = [
    "序号",
    "批次号",
    "交办编号",
    "交办日期",
    "来电/来信",
    "举报内容",
    "行政区域",
    "地址",
    "污染类型",
    "是否重点",
    "举报人",
    "联系电话",
    "经度",
    "纬度",
];
const CATEGORIES: [&str; 6] = ["大气", "水污染", "噪声", "固废", "大气、噪声", "扬尘、油烟"];

/// Row `i` of the list as cell texts, about as long and varied as a real one.
pub fn row(i: usize, rows: usize) -> [String; 14] {
    static COUNTIES: std::sync::OnceLock<Vec<&'static duban_divisions::Division>> =
        std::sync::OnceLock::new();
    let counties = COUNTIES.get_or_init(|| {
        duban_divisions::all()
            .iter()
            .filter(|d| d.level() == duban_divisions::Level::County)
            .collect()
    });
    let d = counties[i % counties.len()];
    let batch = i * 17 / rows + 1;
    let (lat, lon) = d.centroid();
    [
        (i + 1).to_string(),
        format!("第{batch}批"),
        format!("D32000020260{:03}{:04}", batch, i + 1),
        format!("2026/7/{}", batch + 1),
        if i.is_multiple_of(3) {
            "来信"
        } else {
            "来电"
        }
        .to_owned(),
        format!(
            "{}某化工企业夜间偷排废气，气味刺鼻，周边居民反映多次未解决，\
             要求尽快查处并公开处理结果。编号{i}。",
            d.full_name()
        ),
        d.full_name(),
        format!("{}某工业园区{}号", d.name(), i % 200 + 1),
        CATEGORIES[i % CATEGORIES.len()].to_owned(),
        if i.is_multiple_of(10) { "是" } else { "否" }.to_owned(),
        if i.is_multiple_of(4) {
            "匿名".to_owned()
        } else {
            "张先生".to_owned()
        },
        format!("139{:08}", i * 7919 % 100_000_000),
        format!("{lon:.4}"),
        format!("{lat:.4}"),
    ]
}

pub fn csv(rows: usize) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}中央生态环境保护督察组交办信访件清单\n");
    out.push_str(&HEADERS.join(","));
    out.push('\n');
    for i in 0..rows {
        out.push_str(&row(i, rows).join(","));
        out.push('\n');
    }
    out.into_bytes()
}

pub fn xlsx(rows: usize) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let mut write = || -> Result<(), rust_xlsxwriter::XlsxError> {
        ws.write_string(0, 0, "中央生态环境保护督察组交办信访件清单")?;
        for (c, h) in HEADERS.iter().enumerate() {
            ws.write_string(1, c as u16, *h)?;
        }
        for i in 0..rows {
            let r = i as u32 + 2;
            for (c, v) in row(i, rows).iter().enumerate() {
                // Numbers where Excel users have them: 序号, phone, coordinates.
                match (c, v.parse::<f64>()) {
                    (0 | 11 | 12 | 13, Ok(n)) => ws.write_number(r, c as u16, n)?,
                    _ => ws.write_string(r, c as u16, v)?,
                };
            }
        }
        Ok(())
    };
    if let Err(e) = write() {
        panic!("{e}");
    }
    wb.save_to_buffer().unwrap_or_else(|e| panic!("{e}"))
}
