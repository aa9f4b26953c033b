//! Why the routing rules (duban-dispatch) propose a unit, as a dispatch keeps it:
//! `牵头：镇江市人民政府，依据规则“属地政府牵头”：行政区域镇江市京口区属镇江市属地管理`.

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    // one reason of a proposal
    (
        "dispatch.because.division",
        "行政区域为{division}",
        "the division is {division}",
    ),
    (
        "dispatch.because.within",
        "行政区域{division}在{within}范围内",
        "{division} lies in {within}",
    ),
    (
        "dispatch.because.territory",
        "行政区域{division}属{government}属地管理",
        "{division} is governed by {government}",
    ),
    (
        "dispatch.because.category",
        "污染类型为{category}",
        "the category is {category}",
    ),
    (
        "dispatch.because.key_class",
        "重点类别为{key_class}",
        "the key class is {key_class}",
    ),
    (
        "dispatch.because.keyword",
        "内容含“{word}”",
        "the content mentions “{word}”",
    ),
    (
        "dispatch.because.channel",
        "来源为{channel}",
        "the channel is {channel}",
    ),
    (
        "dispatch.because.always",
        "适用于所有案件",
        "it applies to every case",
    ),
    // between the reasons of one proposal
    ("dispatch.because.sep", "；", " and "),
    // the part a proposal gives the unit
    ("dispatch.role.lead", "牵头", "Lead"),
    ("dispatch.role.notify", "抄送", "Notify"),
    ("dispatch.role.supervise", "督办", "Supervisor"),
    // the whole explanation
    (
        "dispatch.explain",
        "{role}：{name}，依据规则“{rule}”：{reasons}",
        "{role}: {name}, because {reasons} (rule “{rule}”)",
    ),
];
