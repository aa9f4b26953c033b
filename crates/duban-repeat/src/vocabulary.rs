//! How much a shared bigram says about two complaints being the same one.
//!
//! Bigrams shared by two complaints are not equal evidence: `金陵建材` or `石塘湾` names
//! the subject, `扰民` or `晚上` is in thousands of complaints about anything, and
//! `依法查处` or `反馈结果` is the frame a transfer list puts around every complaint. The
//! words below (the frame, the everyday words of complaining, and the names of the
//! kinds of pollution) give their bigrams a lower weight in the similarity; every other
//! bigram weighs 1. The lists are the vocabulary of complaint writing in general (12345
//! work orders, inspection transfer lists), not of any particular complaint.
//!
//! The weights apply when fingerprints are compared, not when they are made: stored
//! fingerprints stay valid when the lists change.

use std::sync::OnceLock;

/// Weights are in 1/`UNIT`, so that a fingerprint's total stays an integer (and the
/// fingerprint `Eq` and `Hash`).
pub(crate) const UNIT: u32 = 20;

/// The frame of a complaint or a transfer: who reports, to whom, what is asked. Says
/// nothing about the subject.
const FRAME_WEIGHT: u32 = 0;
/// Everyday words of complaining: when, who suffers, how it feels, how often.
const EVERYDAY_WEIGHT: u32 = 5;
/// The kind of pollution or source (噪声, 油烟, 废水, 施工): two complaints of one kind
/// in one district are common, so it counts, but less than the subject's own words.
const KIND_WEIGHT: u32 = 8;
/// Every other bigram: names of firms, roads, estates, villages, rivers; specifics.
pub(crate) const OTHER_WEIGHT: u32 = UNIT;

#[rustfmt::skip]
const FRAME: &[&str] = &[
    // Set phrases, for their inner bigrams (`馈结`).
    "反馈结果", "反馈处理结果", "处理结果", "依法查处", "依法处理", "核实处理", "规定时间内",
    "来电人", "来信人", "来访人", "举报人", "投诉人", "反映人", "信访人", "当事人", "诉求",
    "交办", "转办", "督办", "督察组", "督察", "信访件", "信访", "生态环境", "保护", "中央", "第二",
    "工单", "热线", "市长", "拨打", "电话", "联系", "号码", "匿名", "实名",
    "依法", "查处", "处罚", "取缔", "关停", "责令", "核查", "回复", "答复", "反馈", "结果",
    "规定", "时间", "期限", "内容", "事项", "详见", "附件", "照片", "视频",
    "请求", "恳请", "麻烦", "谢谢", "感谢", "能否", "能不能", "管一管", "查一查", "给予",
    "恢复", "赔偿", "正常", "良好", "还居民", "还老百姓", "老百姓", "百姓",
    "存在", "现象", "行为", "违规", "违法", "违章", "长效", "监管", "执法", "管理",
    "工作", "人员", "单位", "企业", "公司", "有限", "某", "一家", "那家", "这家",
    "彻查", "治理", "到位", "落实", "重视", "答应", "承诺", "效果", "未果", "无果",
];

#[rustfmt::skip]
const EVERYDAY: &[&str] = &[
    "晚上", "夜间", "夜里", "半夜", "深夜", "凌晨", "白天", "早上", "中午", "下午", "每天", "天天",
    "整天", "每晚", "最近", "近期", "近来", "这几天", "几天", "夏天", "冬天", "天热", "下雨",
    "刮风", "以后", "以来", "开始", "时候", "经常", "总是", "一直", "长期", "反复", "多次",
    "几次", "三次", "好几", "至今", "仍然", "依然", "仍未", "还是", "根本", "实在", "特别",
    "非常", "很大", "太大", "严重", "厉害", "明显", "浓烈", "难闻", "刺鼻", "呛人", "熏人",
    "味道", "气味", "臭味", "异味", "怪味", "声音", "老人", "孩子", "小孩", "儿童", "家里",
    "家中", "我家", "我们", "大家", "人家", "家家户户", "住户", "业主", "村民", "群众",
    "周围", "周边", "附近", "旁边", "对面", "门口", "楼下", "楼上", "一带", "那边", "这边",
    "窗户", "开窗", "关窗", "睡觉", "睡不着", "无法", "入睡", "休息", "头晕", "恶心", "咳嗽",
    "头疼", "头痛", "喉咙", "眼睛", "担心", "害怕", "不敢", "受不了", "意见", "无人", "不管",
    "不理", "没人", "处理", "解决", "反映", "举报", "投诉", "希望", "要求", "尽快", "马上",
    "立即", "及时", "相关", "部门", "有关", "政府", "街道办", "社区", "居委会", "村委会",
];

#[rustfmt::skip]
const KIND: &[&str] = &[
    // Set phrases: their inner bigrams (`声扰`, `间施`) are as common as their words.
    "噪声扰民", "噪音扰民", "臭气扰民", "油烟扰民", "夜间施工", "工地夜间", "施工噪声",
    "油烟直排", "废气直排", "污水直排", "废水直排", "偷排废气", "偷排废水", "偷排污水",
    "气味刺鼻", "臭味很大", "声音很大", "灰尘很大", "粉尘很大", "味道很大", "噪声很大",
    "影响休息", "无法休息", "无法入睡", "睡不着觉", "不敢开窗",
    "噪声", "噪音", "扰民", "油烟", "废气", "废水", "污水", "粉尘", "扬尘", "灰尘", "黑烟",
    "烟尘", "烟雾", "恶臭", "臭气", "排放", "直排", "偷排", "乱排", "超标", "施工", "作业",
    "生产", "加工", "工地", "工厂", "厂区", "车间", "化工", "垃圾", "焚烧", "堆放", "倾倒",
    "养殖", "粪污", "粪便", "河道", "河水", "河里", "沟里", "水沟", "沟渠", "发黑", "发臭",
    "死鱼", "饭店", "餐馆", "餐饮", "排口", "管道", "雨水", "锅炉", "烟囱", "机器", "设备",
    "小区", "村里", "道路", "马路", "路边",
];

/// Kinds of problem, each named by the words complaints use for it. Two complaints
/// that both name a kind but share none are about different problems, however much
/// of the place they share (the restaurant's fumes and the KTV's noise in one
/// building).
#[rustfmt::skip]
const KINDS: &[&[&str]] = &[
    // Noise.
    &["噪声", "噪音", "声音", "吵闹", "吵得", "打桩", "音乐", "唱歌", "音响", "低音", "喇叭", "轰鸣", "震动", "空压机", "冲压", "电钻"],
    // Cooking fumes.
    &["油烟", "烧烤", "烤串", "排风", "净化器"],
    // Gas and odour from works.
    &["废气", "臭鸡蛋", "农药", "油漆", "喷漆", "甲醛", "氨气", "氨水", "化学味", "烧焦", "火炬", "挥发", "溶剂", "异味", "怪味"],
    // Water.
    &["废水", "污水", "排污", "暗管", "河水", "河道", "河里", "沟里", "水沟", "沟渠", "鱼塘", "死鱼", "泔水", "排口", "粪水", "黑水", "化粪池", "管网", "水质"],
    // Dust and smoke.
    &["粉尘", "扬尘", "灰尘", "尘土", "防尘", "黑烟", "烟尘", "水泥灰", "黑灰", "落灰", "降尘", "喷砂", "打砂", "渣土", "冒烟"],
    // Solid and hazardous waste.
    &["垃圾", "清运", "中转站", "危险废物", "危废", "废油", "活性炭", "固废", "废渣", "污泥"],
    // Livestock.
    &["养殖", "养猪", "猪场", "养鸡", "鸡场", "鸡粪", "牛粪", "猪粪", "粪污", "粪便", "奶牛", "牛场"],
    // Open burning.
    &["焚烧", "秸秆", "轮胎", "烧垃圾"],
    // Ecology: sand, fishing, felling, land.
    &["采砂", "江砂", "河砂", "电鱼", "捕鱼", "砍伐", "毁林", "填埋", "湿地"],
    // Light and radiation.
    &["辐射", "基站", "光污染", "灯光", "强光"],
    // Hazardous goods and safety.
    &["危化品", "槽罐", "泄漏", "爆炸", "电动车", "充电"],
    // Sources as much as kinds: noise from a site is not noise from a restaurant.
    // Construction sites.
    &["工地", "施工", "打桩", "浇筑", "混凝土", "泵车", "搅拌", "拆除", "楼盘", "塔吊"],
    // Restaurants, bars and night markets.
    &["饭店", "餐馆", "饭馆", "餐厅", "川菜", "火锅", "大排档", "烧烤", "酒吧", "夜市", "歌厅"],
    // Home renovation.
    &["装修", "电钻", "切割"],
];

/// A sorted table of bigram hashes, with a bitmap of their low 16 bits in front: most
/// bigrams are in no table, and the bitmap says so without a search (a fingerprint
/// asks for every one of its bigrams).
struct Lookup<T> {
    entries: Vec<(u32, T)>,
    seen: Vec<u64>,
}

impl<T: Copy> Lookup<T> {
    /// `entries` sorted by hash, without duplicates.
    fn new(entries: Vec<(u32, T)>) -> Lookup<T> {
        let mut seen = vec![0u64; 1 << 10];
        for (h, _) in &entries {
            let k = (h & 0xFFFF) as usize;
            seen[k / 64] |= 1 << (k % 64);
        }
        Lookup { entries, seen }
    }

    fn get(&self, hash: u32) -> Option<T> {
        let k = (hash & 0xFFFF) as usize;
        if (self.seen[k / 64] >> (k % 64)) & 1 == 0 {
            return None;
        }
        self.entries
            .binary_search_by(|e| e.0.cmp(&hash))
            .ok()
            .map(|i| self.entries[i].1)
    }
}

/// The kinds of problem a bigram names, one bit per entry of `KINDS`.
fn kinds_table() -> &'static Lookup<u16> {
    static TABLE: OnceLock<Lookup<u16>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: Vec<(u32, u16)> = Vec::new();
        for (bit, words) in KINDS.iter().enumerate() {
            for word in *words {
                // A word of three or four characters by its first bigram: the others
                // (`泥灰`, `学味`) may belong to other words.
                let mut units = word.chars().map(crate::fingerprint::unit_hash);
                if let (Some(a), Some(b)) = (units.next(), units.next()) {
                    t.push((crate::fingerprint::pair(a, b), 1 << bit));
                }
            }
        }
        t.sort_unstable();
        // A bigram of several kinds names them all.
        let mut merged: Vec<(u32, u16)> = Vec::with_capacity(t.len());
        for (h, k) in t {
            match merged.last_mut() {
                Some(last) if last.0 == h => last.1 |= k,
                _ => merged.push((h, k)),
            }
        }
        Lookup::new(merged)
    })
}

/// The kinds of problem a bigram names (a bit set; 0 for most bigrams).
pub(crate) fn kinds(hash: u32) -> u16 {
    kinds_table().get(hash).unwrap_or(0)
}

fn table() -> &'static Lookup<u32> {
    static TABLE: OnceLock<Lookup<u32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: Vec<(u32, u32)> = Vec::new();
        for (words, weight) in [
            (FRAME, FRAME_WEIGHT),
            (EVERYDAY, EVERYDAY_WEIGHT),
            (KIND, KIND_WEIGHT),
        ] {
            for word in words {
                let units: Vec<u64> = word.chars().map(crate::fingerprint::unit_hash).collect();
                t.extend(
                    units
                        .windows(2)
                        .map(|w| (crate::fingerprint::pair(w[0], w[1]), weight)),
                );
            }
        }
        // A bigram in several lists takes the lowest weight.
        t.sort_unstable();
        t.dedup_by_key(|e| e.0);
        Lookup::new(t)
    })
}

/// The weight of one bigram hash, in 1/`UNIT`.
pub(crate) fn weight(hash: u32) -> u32 {
    table().get(hash).unwrap_or(OTHER_WEIGHT)
}
