//! Open311 GeoReport v2 (`/open311/v2`): the services catalogue, its attributes, the
//! notice a request gets, and the refusals only that API words. Its errors carry their
//! stable codes in the spec's `description` ("<code>: <message>"); the codes are given
//! where the text is used, so these keys stay out of the `err.<code>` space.

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    ("open311.group", "生态环境", "Environment"),
    // one service per pollution category: description and keywords
    (
        "open311.service.air.description",
        "废气、烟尘、异味、油烟、扬尘等大气污染",
        "Air pollution: exhaust gas, smoke, odour, cooking fumes, dust",
    ),
    (
        "open311.service.air.keywords",
        "废气,烟尘,异味,臭味,油烟,扬尘",
        "exhaust, smoke, odour, fumes, dust",
    ),
    (
        "open311.service.water.description",
        "污水直排偷排、河道黑臭、水体异常等水污染",
        "Water pollution: sewage discharge, black and smelly rivers, discoloured water",
    ),
    (
        "open311.service.water.keywords",
        "污水,废水,偷排,黑臭水体,排污口",
        "sewage, wastewater, illegal discharge, outfall",
    ),
    (
        "open311.service.noise.description",
        "工业、建筑施工、社会生活和交通噪声扰民",
        "Noise from industry, construction, neighbourhood life or traffic",
    ),
    (
        "open311.service.noise.keywords",
        "噪声,噪音,施工噪声,夜间施工,扰民",
        "noise, construction noise, night works",
    ),
    (
        "open311.service.solid_waste.description",
        "固体废物、危险废物非法倾倒、堆放、焚烧",
        "Solid or hazardous waste dumped, piled up or burnt",
    ),
    (
        "open311.service.solid_waste.keywords",
        "固废,危废,倾倒,堆放,焚烧",
        "waste, hazardous waste, dumping, burning",
    ),
    (
        "open311.service.soil.description",
        "土壤污染、污染地块",
        "Soil pollution and contaminated land",
    ),
    (
        "open311.service.soil.keywords",
        "土壤污染,污染地块,重金属",
        "soil, contaminated land, heavy metals",
    ),
    (
        "open311.service.ecology.description",
        "破坏生态：非法采砂、毁林、侵占湿地或自然保护地等",
        "Damage to ecosystems: illegal sand mining, logging, wetland or reserve encroachment",
    ),
    (
        "open311.service.ecology.keywords",
        "生态破坏,非法采砂,湿地,自然保护区",
        "ecology, sand mining, wetland, nature reserve",
    ),
    (
        "open311.service.radiation.description",
        "电磁辐射、放射源等辐射环境问题",
        "Electromagnetic or ionising radiation",
    ),
    (
        "open311.service.radiation.keywords",
        "辐射,电磁,基站,放射源",
        "radiation, electromagnetic, radioactive source",
    ),
    (
        "open311.service.other.description",
        "其他生态环境问题",
        "Other environmental problems",
    ),
    (
        "open311.service.other.keywords",
        "其他,生态环境",
        "other, environment",
    ),
    // the attributes a request may carry (duban-intake's `ATTRIBUTES`)
    ("open311.attr.night.name", "是否夜间发生", "At night"),
    (
        "open311.attr.night.description",
        "问题是否在夜间（22时至次日6时）发生",
        "Does it happen at night (22:00 to 06:00)?",
    ),
    (
        "open311.attr.night.datatype",
        "选择“是”或“否”",
        "Choose yes or no",
    ),
    ("open311.attr.night.yes", "是", "Yes"),
    ("open311.attr.night.no", "否", "No"),
    (
        "open311.attr.target.name",
        "举报对象名称",
        "Who is reported",
    ),
    (
        "open311.attr.target.description",
        "被举报的企业、工地或个体经营者的名称（可不填）",
        "Name of the company, site or business reported (optional)",
    ),
    (
        "open311.attr.target.datatype",
        "至多100个字，不换行",
        "At most 100 characters, one line",
    ),
    // what the office will do with a request, and a merged one's status notes
    (
        "open311.notice",
        "已受理，编号 {reference}。将交{division}依法核查处理，并在规定时限内办结；办结后在此公布处理结果。",
        "Received as {reference}. It goes to the authorities of {division} for investigation within the statutory time limits; the result is published here when it closes.",
    ),
    (
        "open311.merged",
        "已与同一问题的其他举报合并办理",
        "Handled together with another report of the same problem",
    ),
    // refusals (`api_key.missing`, `body.content_type`, …)
    (
        "open311.api_key.missing",
        "缺少 api_key，无法受理",
        "api_key is missing -- can't proceed",
    ),
    (
        "open311.form.required",
        "请求须为 application/x-www-form-urlencoded 表单",
        "Send the request as application/x-www-form-urlencoded",
    ),
    (
        "open311.form.unreadable",
        "参数无法解析（须为 application/x-www-form-urlencoded）",
        "The parameters do not parse (application/x-www-form-urlencoded)",
    ),
    (
        "open311.service_code.required",
        "请提供 service_code",
        "service_code is required",
    ),
    (
        "open311.service.unknown",
        "没有服务“{code}”",
        "No service “{code}”",
    ),
    (
        "open311.ids.too_many",
        "一次至多查询{max}个编号",
        "At most {max} ids at a time",
    ),
    (
        "open311.status.unknown",
        "status 须为 open 或 closed",
        "status is open or closed",
    ),
    (
        "open311.date.invalid",
        "{name} 须为带时区的 w3c 时间，如 2010-01-01T00:00:00Z",
        "{name} must be a w3c date-time with a time zone, e.g. 2010-01-01T00:00:00Z",
    ),
    (
        "open311.date_range.reversed",
        "end_date 早于 start_date",
        "end_date is before start_date",
    ),
    (
        "open311.date_range.too_long",
        "查询范围不能超过{days}天",
        "The range may not span more than {days} days",
    ),
    // a request's problems (duban-intake's `open311::read_request`), by their codes
    (
        "open311.content.too_long",
        "举报内容最多{max}个字，当前{count}个字（参数 description）",
        "The description allows at most {max} characters (now {count})",
    ),
    (
        "open311.coordinates.invalid",
        "{name} 须为 WGS84 坐标的十进制度数",
        "{name} must be a WGS84 decimal degree",
    ),
    (
        "open311.address_id.unsupported",
        "不支持 address_id，请提供 lat/long 或 address_string",
        "address_id is not supported: send lat/long or address_string",
    ),
    (
        "open311.location.required",
        "请提供位置：lat 和 long，或 address_string",
        "A location is required: lat and long, or address_string",
    ),
    (
        "open311.division.unknown",
        "无法确定所在地区：请在 address_string 中写明江苏省的市、区县，或提供 lat/long（参数 address_string）",
        "Cannot tell the division: name a Jiangsu city or county in address_string, or send lat/long",
    ),
    (
        "open311.media_url.invalid",
        "media_url 须为 http(s) 链接，至多500个字符",
        "media_url must be an http(s) link of at most 500 characters",
    ),
    (
        "open311.attribute.malformed",
        "参数“{name}”须写作 attribute[代码]",
        "“{name}” must read attribute[code]",
    ),
    (
        "open311.attribute.unknown",
        "没有属性“{code}”（参数 attribute[{code}]）",
        "No attribute “{code}” (attribute[{code}])",
    ),
    (
        "open311.attribute.multiple",
        "属性“{code}”只能有一个值",
        "Attribute “{code}” takes one value",
    ),
    (
        "open311.attribute.required",
        "请填写“{label}”（参数 attribute[{code}]）",
        "“{label}” is required (attribute[{code}])",
    ),
    (
        "open311.attribute.too_long",
        "“{label}”最多{max}个字（参数 attribute[{code}]）",
        "“{label}” allows at most {max} characters (attribute[{code}])",
    ),
    (
        "open311.attribute.invalid",
        "“{label}”须为 {values}（参数 attribute[{code}]）",
        "“{label}” must be {values} (attribute[{code}])",
    ),
    // between the values an attribute may take (`yes 或 no`)
    ("open311.attribute.or", " 或 ", " or "),
    // a form's error, naming the request's parameter it came from
    (
        "open311.parameter",
        "{message}（参数 {parameter}）",
        "{message} (parameter {parameter})",
    ),
];
