//! The services catalogue: one service per pollution category, and its definition
//! (the attributes a request may carry).

use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use duban_case::Lang;
use duban_case::model::Category;
use duban_intake::open311::ATTRIBUTES;
use duban_text::{Key, key};

use super::document::{Format, document};

/// The service behind each category: its description and keywords.
fn service_text(c: Category) -> (Key, Key) {
    match c {
        Category::Air => (
            key!("open311.service.air.description"),
            key!("open311.service.air.keywords"),
        ),
        Category::Water => (
            key!("open311.service.water.description"),
            key!("open311.service.water.keywords"),
        ),
        Category::Noise => (
            key!("open311.service.noise.description"),
            key!("open311.service.noise.keywords"),
        ),
        Category::SolidWaste => (
            key!("open311.service.solid_waste.description"),
            key!("open311.service.solid_waste.keywords"),
        ),
        Category::Soil => (
            key!("open311.service.soil.description"),
            key!("open311.service.soil.keywords"),
        ),
        Category::Ecology => (
            key!("open311.service.ecology.description"),
            key!("open311.service.ecology.keywords"),
        ),
        Category::Radiation => (
            key!("open311.service.radiation.description"),
            key!("open311.service.radiation.keywords"),
        ),
        Category::Other => (
            key!("open311.service.other.description"),
            key!("open311.service.other.keywords"),
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
    let (description, keywords) = service_text(c);
    Service {
        service_code: c.code(),
        service_name: c.label(lang),
        description: description.get(lang),
        metadata: !ATTRIBUTES.is_empty(),
        kind: "realtime",
        keywords: keywords.get(lang),
        group: key!("open311.group").get(lang),
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
            datatype_description: a.datatype_description.get(lang),
            order,
            description: a.description.get(lang),
            values: a
                .values
                .iter()
                .map(|&(key, name)| AttributeValue {
                    key,
                    name: name.get(lang),
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
