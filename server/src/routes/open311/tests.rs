use super::Format;
use super::create::{Created, RequestsXml};
use super::document::{XML_DECLARATION, split_format, xml_string};
use super::list::w3c;

#[test]
fn formats_split_off_the_file_name() {
    assert_eq!(
        split_format("services.json"),
        Some(("services", Format::Json))
    );
    assert_eq!(
        split_format("JS-2026-W-00042.xml"),
        Some(("JS-2026-W-00042", Format::Xml))
    );
    assert_eq!(split_format("services.yaml"), None);
    assert_eq!(split_format("services"), None);
    assert_eq!(split_format(".json"), None);
}

#[test]
fn w3c_times_need_a_zone() {
    assert!(w3c("2010-01-01T00:00:00Z").is_some());
    assert!(w3c("2010-01-01T08:00:00+08:00").is_some());
    assert!(w3c("2010-01-01T08:00+08:00").is_some());
    assert!(w3c("2010-01-01T08:00Z").is_some());
    assert!(w3c("2010-01-01T08:00:00").is_none());
    assert!(w3c("yesterday").is_none());
}

#[test]
fn xml_has_the_declaration_and_empty_elements_for_none() {
    let created = [Created {
        service_request_id: "JS-2026-W-00001".into(),
        token: "0190a1b2".into(),
        service_notice: "a < b".into(),
        account_id: None,
    }];
    let xml = xml_string(&RequestsXml { request: &created }).unwrap_or_default();
    assert!(xml.starts_with(XML_DECLARATION), "{xml}");
    assert!(xml.contains("<service_requests>"), "{xml}");
    assert!(
        xml.contains("<service_notice>a &lt; b</service_notice>"),
        "{xml}"
    );
}
