//! Possible repeats (duban-repeat): why two cases look alike, and the refusals of the
//! repeat settings.

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    // why a case may repeat another (`Reason::label`)
    (
        "repeat.reason.similar_content",
        "内容相似度 {percent}%",
        "content {percent}% similar",
    ),
    (
        "repeat.reason.same_phone",
        "同一举报电话",
        "same complainant phone",
    ),
    (
        "repeat.reason.nearby_m",
        "相距 {metres} 米",
        "{metres} m apart",
    ),
    ("repeat.reason.nearby_km", "相距 {km} 公里", "{km} km apart"),
    (
        "repeat.reason.same_division",
        "同在{place}",
        "same district: {place}",
    ),
    (
        "repeat.reason.same_city",
        "同在{place}",
        "same city: {place}",
    ),
    // the weights of the settings, as their errors name them
    ("repeat.weight.content", "内容相似", "similar content"),
    ("repeat.weight.phone", "同一举报电话", "same phone"),
    ("repeat.weight.nearby", "位置相近", "nearby"),
    ("repeat.weight.division", "同一区县", "same district"),
    ("repeat.weight.city", "同一设区市", "same city"),
    // refusals of the settings and of a stored fingerprint
    (
        "err.repeat.window.invalid",
        "时间窗口应为{min}至{max}天",
        "The time window must be {min} to {max} days",
    ),
    (
        "err.repeat.radius.invalid",
        "距离半径应为{min}至{max}米",
        "The radius must be {min} to {max} metres",
    ),
    (
        "err.repeat.min_score.invalid",
        "最低得分应为0到1之间的数",
        "The minimum score must be a number from 0 to 1",
    ),
    (
        "err.repeat.min_similarity.invalid",
        "最低内容相似度应为0到1之间的数",
        "The minimum content similarity must be a number from 0 to 1",
    ),
    (
        "err.repeat.weight.invalid",
        "权重“{weight:repeat.weight}”应为0到1之间的数",
        "The weight of “{weight:repeat.weight}” must be a number from 0 to 1",
    ),
    (
        "err.repeat.weights.all_zero",
        "权重不能全部为0，否则不会发现任何重复件",
        "The weights cannot all be 0: nothing would ever match",
    ),
    (
        "err.repeat.fingerprint.malformed",
        "内容指纹格式无效",
        "The content fingerprint is not valid",
    ),
    (
        "err.repeat.fingerprint.stale",
        "内容指纹版本过旧，需要重新计算",
        "The content fingerprint is of an old version and must be recomputed",
    ),
];
