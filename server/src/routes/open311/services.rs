//! The services catalogue: one service per pollution category, and its definition
//! (the attributes a request may carry).

use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use duban_case::Lang;
use duban_case::model::Category;
use duban_intake::open311::ATTRIBUTES;

use super::document::{Format, document, pick};

/// The service behind each category: description and keywords (Chinese, English).
fn service_text(c: Category) -> (&'static str, &'static str, &'static str, &'static str) {
    match c {
        Category::Air => (
            "废气、烟尘、异味、油烟、扬尘等大气污染",
            "Air pollution: exhaust gas, smoke, odour, cooking fumes, dust",
            "废气,烟尘,异味,臭味,油烟,扬尘",
            "exhaust, smoke, odour, fumes, dust",
        ),
        Category::Water => (
            "污水直排偷排、河道黑臭、水体异常等水污染",
            "Water pollution: sewage discharge, black and smelly rivers, discoloured water",
            "污水,废水,偷排,黑臭水体,排污口",
            "sewage, wastewater, illegal discharge, outfall",
        ),
        Category::Noise => (
            "工业、建筑施工、社会生活和交通噪声扰民",
            "Noise from industry, construction, neighbourhood life or traffic",
            "噪声,噪音,施工噪声,夜间施工,扰民",
            "noise, construction noise, night works",
        ),
        Category::SolidWaste => (
            "固体废物、危险废物非法倾倒、堆放、焚烧",
            "Solid or hazardous waste dumped, piled up or burnt",
            "固废,危废,倾倒,堆放,焚烧",
            "waste, hazardous waste, dumping, burning",
        ),
        Category::Soil => (
            "土壤污染、污染地块",
            "Soil pollution and contaminated land",
            "土壤污染,污染地块,重金属",
            "soil, contaminated land, heavy metals",
        ),
        Category::Ecology => (
            "破坏生态：非法采砂、毁林、侵占湿地或自然保护地等",
            "Damage to ecosystems: illegal sand mining, logging, wetland or reserve encroachment",
            "生态破坏,非法采砂,湿地,自然保护区",
            "ecology, sand mining, wetland, nature reserve",
        ),
        Category::Radiation => (
            "电磁辐射、放射源等辐射环境问题",
            "Electromagnetic or ionising radiation",
            "辐射,电磁,基站,放射源",
            "radiation, electromagnetic, radioactive source",
        ),
        Category::Other => (
            "其他生态环境问题",
            "Other environmental problems",
            "其他,生态环境",
            "other, environment",
        ),
    }
}

#[derive(Debug, Serialize)]
struct Service {
    service_code: &'static str,
    service_name: &'static str,
    description: &'static str,
    metadata: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    keywords: &'static str,
    group: &'static str,
}

#[derive(Serialize)]
#[serde(rename = "services")]
struct ServicesXml<'a> {
    service: &'a [Service],
}

fn service(c: Category, lang: Lang) -> Service {
    let (zh, en, kw_zh, kw_en) = service_text(c);
    Service {
        service_code: c.code(),
        service_name: c.label(lang),
        description: match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        metadata: !ATTRIBUTES.is_empty(),
        kind: "realtime",
        keywords: match lang {
            Lang::Zh => kw_zh,
            Lang::En => kw_en,
        },
        group: match lang {
            Lang::Zh => "生态环境",
            Lang::En => "Environment",
        },
    }
}

#[derive(Debug, Serialize)]
struct AttributeValue {
    key: &'static str,
    name: &'static str,
}

#[derive(Debug, Serialize)]
struct Attribute<V> {
    variable: bool,
    code: &'static str,
    datatype: &'static str,
    required: bool,
    datatype_description: &'static str,
    order: u32,
    description: &'static str,
    values: V,
}

#[derive(Debug, Serialize)]
#[serde(rename = "service_definition")]
struct Definition<A> {
    service_code: &'static str,
    attributes: A,
}

#[derive(Serialize)]
struct ValuesXml<'a> {
    value: &'a [AttributeValue],
}

#[derive(Serialize)]
struct AttributesXml<'a> {
    attribute: Vec<Attribute<ValuesXml<'a>>>,
}

pub(super) fn services(lang: Lang, format: Format) -> Response {
    let list: Vec<Service> = Category::ALL.iter().map(|c| service(*c, lang)).collect();
    document(
        format,
        StatusCode::OK,
        &list,
        ServicesXml { service: &list },
    )
}

/// The definition of the service behind `category`: its attributes.
pub(super) fn definition(category: Category, lang: Lang, format: Format) -> Response {
    let attributes: Vec<Attribute<Vec<AttributeValue>>> = ATTRIBUTES
        .iter()
        .zip(1..)
        .map(|(a, order)| Attribute {
            variable: true,
            code: a.code,
            datatype: a.datatype,
            required: a.required_for.contains(&category),
            datatype_description: pick(a.datatype_description, lang),
            order,
            description: pick(a.description, lang),
            values: a
                .values
                .iter()
                .map(|&(key, zh, en)| AttributeValue {
                    key,
                    name: pick((zh, en), lang),
                })
                .collect(),
        })
        .collect();
    let xml = Definition {
        service_code: category.code(),
        attributes: AttributesXml {
            attribute: attributes
                .iter()
                .map(|a| Attribute {
                    variable: a.variable,
                    code: a.code,
                    datatype: a.datatype,
                    required: a.required,
                    datatype_description: a.datatype_description,
                    order: a.order,
                    description: a.description,
                    values: ValuesXml { value: &a.values },
                })
                .collect(),
        },
    };
    let json = Definition {
        service_code: category.code(),
        attributes: &attributes,
    };
    document(format, StatusCode::OK, &json, xml)
}
