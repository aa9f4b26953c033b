//! Traditional Chinese characters folded to their simplified forms, so that text
//! written in traditional script (a list from Hong Kong or Taiwan, an overseas caller,
//! a traditional input method) matches the same text in simplified script: the import's
//! headers, place names and values (`舉報內容`, `交辦編號`, `昆山開發區`), and the
//! repeat detection's fingerprints.
//!
//! Not a full conversion (that needs word context and tens of thousands of entries):
//! the one-to-one characters of everyday and complaint writing, about 926. A
//! character with several simplified forms by context (著, 乾 as in 乾坤) maps to its
//! usual one: both sides of a comparison are folded alike, so that is enough for
//! matching. Content is never rewritten with it.
//!
//! ```
//! assert_eq!(duban_hanzi::to_simplified("舉報內容：環境噪聲擾民"), "举报内容：环境噪声扰民");
//! assert_eq!(duban_hanzi::simplified('區'), '区');
//! ```
//!
//! Invariant: no IO, no dependencies; the table is compiled in.

use std::sync::OnceLock;

/// Traditional characters, in Unicode order; `SIMPLIFIED` has their simplified forms at
/// the same positions.
const TRADITIONAL: &str = concat!(
    "乾亂佔併來係倉個們偉偵傘備傭傳債傷傾僅價儀億儉儘償優儲兒內兩凍凱別則劃劇劑勁動務",
    "勞勢勸勻匯區協卻厲參叢吳員問啟單嗆嗎嘆嘔噁噴噸嚇嚨嚮嚴國圍園圓圖團執堅報場塊塗塢",
    "塵墳壇壓壞壩壯夠夢夾奧奪妝婦媽嬌嬰孫學孿宮寢實寧審寫寬寶將專尋對導尷屆屍屜層屬島",
    "峽崗嶄嶺嶼巖帶幫幹幾庫廁廚廟廠廢廣廬廳張彈彌彎彙後徑從徠復徵徹恆惡惱愛態慘慶憂憤",
    "懇應懲懶懷懸戀戰戶拋挾掃掛採揀揚換損搖搗搶摟撈撐撥撫撲撿擁擇擊擋擔據擠擬擱擴擺擾",
    "攏攔攝攤攪攬敗敘數斃斷於時晝暈暉暫曆曉曠曬書會朧東桿梔條棄棗棟棲楊業極榪構槍槳樁",
    "樂樓標樣樸樹橋機橢橫檔檢檯櫃櫥欄權欖歎歐歡歲歷歸殘殲殺殼毀毆氈氣氫汙決沒沖況涇淒",
    "淚淨淺渦測渾湧湯溈準溝溫溼滄滅滬滯滲滷滿漁漚漢漲漿潑潔潤潰澆澇澤濁濃濕濟濫濱濺濾",
    "瀉瀋瀕瀝瀰瀾灑灕灘灣灤災為烏無煉煙煩熱燈燒營燻爐爛爭爺爾牆牘牽犢狀狹猙獄獅獎獨獲",
    "獸現琺瑪環璽甌產畝畢畫異當疊瘡療癟癢癥發皺盜盞盡監盤盧矚硃碩確碼磚磯礙礦禍禦禮禱",
    "稅稈種稱穀積穩窩窪窮窯竅競筆筍箏節範築簍簡簽籌籠籤粵糝糞糧糰糾紀約紅紋納純紗紙級",
    "紡紮細終組結絕絡絨統絲綁綏經綜綠綢綫維網緊線緝緞編緩緯練縣縫縮縱總績織繞繩繫繭繳",
    "繼續纏纖纜缽罈罌罰罷羅羥義習聞聯聰聲職聽肅脈腦腫膚膠膽臉臘臟臨臺與興舉舊艙艤艱芻",
    "莊莖華萊萬葉蒼蓋蓮蔣蔥蕪蕭薦藉藍藝藥蘆蘇蘋蘭處虛號蝕蝦螢蟲蠅蠟衊術衛衝裊裏補裝裡",
    "製複褲襯見規覓視親覺覽觀觸訂計訊討訓託記訟訪設許訴診註詐評詞詢試詭話該詳誌認誘語",
    "誠誤說誰調談請諒論諮諾謎講謝謠謹證識譜譯議護譽讀變讓讚豐豬貓負財貨販貪責貴買貸費",
    "貼貿賀資賓賠賣質賬賴賺購贈贓贖贛趕趙跡踐蹤躍車軋軌軍軟較載輔輕輛輩輪輸輻輾轄轉轟",
    "辦辭辯農迴迺這連週進遊運過達違遙遞遠適遲遷選遺還邊郵鄉鄰酈醃醞醫釀釋釘針釣鈉鈍鈕",
    "鈣鉀鉍鉛鉻銀銅銨銳銷銹鋁鋒鋤鋪鋸鋼錄錘錢錦錫錯錳鍊鍋鍍鍛鍵鍾鎂鎖鎢鎮鎳鏈鏟鏡鏽鐘",
    "鐳鐵鑄鑑鑒鑰鑼鑽長門閃閉開閒間閘閣閥閩閱閻闆闊闌關闡闢陝陣陰陳陸陽隄隊階際隨險隱",
    "隸隻雋雖雙雛雜雞離難雲電霧霽靂靈靜靦韋韌韻響頁頂項順須預頑頒頓頗領頭頰頸頹頻顆題",
    "額顏願類顧顫顯風颱颳飄飛飢飯飲飼飽餅養餌餘餡館餵饑饒馬駁駐駕駛駱騎騙騰騷騾驅驗驚",
    "驟骯髏髒體髮鬆鬍鬧鬱魚魷鮮鯽鰱鱔鱷鳥鳳鳴鴉鴨鴻鴿鵝鵬鶴鷹鸚鹹鹽麗麥麵麼黃點黨黴黿",
    "鼴齊齒齡齣龍",
);

const SIMPLIFIED: &str = concat!(
    "干乱占并来系仓个们伟侦伞备佣传债伤倾仅价仪亿俭尽偿优储儿内两冻凯别则划剧剂劲动务",
    "劳势劝匀汇区协却厉参丛吴员问启单呛吗叹呕恶喷吨吓咙向严国围园圆图团执坚报场块涂坞",
    "尘坟坛压坏坝壮够梦夹奥夺妆妇妈娇婴孙学孪宫寝实宁审写宽宝将专寻对导尴届尸屉层属岛",
    "峡岗崭岭屿岩带帮干几库厕厨庙厂废广庐厅张弹弥弯汇后径从徕复征彻恒恶恼爱态惨庆忧愤",
    "恳应惩懒怀悬恋战户抛挟扫挂采拣扬换损摇捣抢搂捞撑拨抚扑捡拥择击挡担据挤拟搁扩摆扰",
    "拢拦摄摊搅揽败叙数毙断于时昼晕晖暂历晓旷晒书会胧东杆栀条弃枣栋栖杨业极杩构枪桨桩",
    "乐楼标样朴树桥机椭横档检台柜橱栏权榄叹欧欢岁历归残歼杀壳毁殴毡气氢污决没冲况泾凄",
    "泪净浅涡测浑涌汤沩准沟温湿沧灭沪滞渗卤满渔沤汉涨浆泼洁润溃浇涝泽浊浓湿济滥滨溅滤",
    "泻沈濒沥弥澜洒漓滩湾滦灾为乌无炼烟烦热灯烧营熏炉烂争爷尔墙牍牵犊状狭狰狱狮奖独获",
    "兽现珐玛环玺瓯产亩毕画异当叠疮疗瘪痒症发皱盗盏尽监盘卢瞩朱硕确码砖矶碍矿祸御礼祷",
    "税秆种称谷积稳窝洼穷窑窍竞笔笋筝节范筑篓简签筹笼签粤糁粪粮团纠纪约红纹纳纯纱纸级",
    "纺扎细终组结绝络绒统丝绑绥经综绿绸线维网紧线缉缎编缓纬练县缝缩纵总绩织绕绳系茧缴",
    "继续缠纤缆钵坛罂罚罢罗羟义习闻联聪声职听肃脉脑肿肤胶胆脸腊脏临台与兴举旧舱舣艰刍",
    "庄茎华莱万叶苍盖莲蒋葱芜萧荐借蓝艺药芦苏苹兰处虚号蚀虾萤虫蝇蜡蔑术卫冲袅里补装里",
    "制复裤衬见规觅视亲觉览观触订计讯讨训托记讼访设许诉诊注诈评词询试诡话该详志认诱语",
    "诚误说谁调谈请谅论咨诺谜讲谢谣谨证识谱译议护誉读变让赞丰猪猫负财货贩贪责贵买贷费",
    "贴贸贺资宾赔卖质账赖赚购赠赃赎赣赶赵迹践踪跃车轧轨军软较载辅轻辆辈轮输辐辗辖转轰",
    "办辞辩农回乃这连周进游运过达违遥递远适迟迁选遗还边邮乡邻郦腌酝医酿释钉针钓钠钝钮",
    "钙钾铋铅铬银铜铵锐销锈铝锋锄铺锯钢录锤钱锦锡错锰炼锅镀锻键钟镁锁钨镇镍链铲镜锈钟",
    "镭铁铸鉴鉴钥锣钻长门闪闭开闲间闸阁阀闽阅阎板阔阑关阐辟陕阵阴陈陆阳堤队阶际随险隐",
    "隶只隽虽双雏杂鸡离难云电雾霁雳灵静腼韦韧韵响页顶项顺须预顽颁顿颇领头颊颈颓频颗题",
    "额颜愿类顾颤显风台刮飘飞饥饭饮饲饱饼养饵余馅馆喂饥饶马驳驻驾驶骆骑骗腾骚骡驱验惊",
    "骤肮髅脏体发松胡闹郁鱼鱿鲜鲫鲢鳝鳄鸟凤鸣鸦鸭鸿鸽鹅鹏鹤鹰鹦咸盐丽麦面么黄点党霉鼋",
    "鼹齐齿龄出龙",
);

/// The table, and a bitmap of the common ideographs (U+4E00 to U+9FFF) that are in it:
/// most characters are not, and the bitmap says so without a search.
struct Table {
    pairs: Vec<(char, char)>,
    traditional: Vec<u64>,
}

const FIRST: u32 = 0x4E00;
const LAST: u32 = 0x9FFF;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let pairs: Vec<(char, char)> = TRADITIONAL.chars().zip(SIMPLIFIED.chars()).collect();
        let mut traditional = vec![0u64; ((LAST - FIRST) as usize) / 64 + 1];
        for &(t, _) in &pairs {
            let k = (t as u32 - FIRST) as usize;
            traditional[k / 64] |= 1 << (k % 64);
        }
        Table { pairs, traditional }
    })
}

/// The simplified form of a traditional character; any other character as it is.
pub fn simplified(c: char) -> char {
    // Every traditional character of the table is a common ideograph.
    if !(FIRST..=LAST).contains(&(c as u32)) {
        return c;
    }
    let t = table();
    let k = (c as u32 - FIRST) as usize;
    if (t.traditional[k / 64] >> (k % 64)) & 1 == 0 {
        return c;
    }
    match t.pairs.binary_search_by(|(k, _)| k.cmp(&c)) {
        Ok(i) => t.pairs[i].1,
        Err(_) => c,
    }
}

/// `s` with every traditional character of the table in its simplified form.
pub fn to_simplified(s: &str) -> String {
    s.chars().map(simplified).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_aligned_and_without_chains() {
        assert_eq!(TRADITIONAL.chars().count(), SIMPLIFIED.chars().count());
        let t = &table().pairs;
        assert!(t.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(t.iter().all(|&(k, _)| (FIRST..=LAST).contains(&(k as u32))));
        // A simplified form is never itself folded again, nor the same character.
        assert!(
            t.iter()
                .all(|&(k, v)| k != v && simplified(v) == v && simplified(k) == v)
        );
    }

    #[test]
    fn headers_places_and_complaints() {
        assert_eq!(to_simplified("舉報內容"), "举报内容");
        assert_eq!(to_simplified("交辦編號"), "交办编号");
        assert_eq!(to_simplified("昆山開發區"), "昆山开发区");
        assert_eq!(to_simplified("環境噪聲擾民，廢氣"), "环境噪声扰民，废气");
        assert_eq!(to_simplified("ABC 江苏 123"), "ABC 江苏 123");
    }
}
