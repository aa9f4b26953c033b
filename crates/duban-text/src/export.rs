//! Documents the server writes: the case export (`/cases/export.csv|xlsx`) and the
//! published table of a batch (its columns are `public.col.*` of the board's texts).

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    // the case export's columns, in order
    ("export.col.reference", "案件编号", "Case number"),
    ("export.col.sender_ref", "交办编号", "Transfer number"),
    ("export.col.received", "接收时间", "Received"),
    ("export.col.channel", "来源渠道", "Channel"),
    ("export.col.batch", "批次", "Batch"),
    ("export.col.division", "行政区域", "Division"),
    ("export.col.categories", "污染类型", "Categories"),
    ("export.col.key", "重点", "Key"),
    ("export.col.status", "状态", "Status"),
    ("export.col.due", "办理期限", "Due"),
    ("export.col.lead", "牵头单位", "Lead unit"),
    ("export.col.excerpt", "举报内容摘要", "Content excerpt"),
    // only for roles that handle complainants
    (
        "export.col.complainant",
        "举报人（脱敏）",
        "Complainant (masked)",
    ),
    ("export.col.phone", "联系电话（脱敏）", "Phone (masked)"),
    // worksheet names
    ("export.sheet.cases", "案件清单", "Cases"),
    ("export.sheet.batch", "第{n}批", "Batch {n}"),
    (
        "err.export.too_large",
        "导出最多{max}条，当前筛选有{total}条，请缩小范围",
        "An export holds at most {max} cases; this selection has {total}. Narrow the filters.",
    ),
];
