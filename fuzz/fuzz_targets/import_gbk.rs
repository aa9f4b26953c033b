//! GBK/GB18030 transfer lists (what Excel on a Chinese Windows saves as "CSV"): a GBK
//! file must import exactly like the same text in UTF-8. The input is taken as GB18030
//! bytes (decoded here to get the UTF-8 twin) or, when it is valid UTF-8, as the text
//! (encoded here to get the GB18030 twin).
#![no_main]

use std::borrow::Cow;

use encoding_rs::GB18030;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // BOMs decide the encoding on their own (and a GB18030-encoded U+FEFF is not one).
    if data.starts_with(b"\xEF\xBB\xBF")
        || data.starts_with(b"\xFF\xFE")
        || data.starts_with(b"\xFE\xFF")
        || data.starts_with(b"PK\x03\x04")
        || data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
    {
        return;
    }
    let opts = duban_fuzz::options();
    let (gbk, utf8): (Cow<'_, [u8]>, Cow<'_, str>) = match std::str::from_utf8(data) {
        Ok(text) => {
            let (bytes, _, unmappable) = GB18030.encode(text);
            if unmappable {
                return;
            }
            (Cow::Owned(bytes.into_owned()), Cow::Borrowed(text))
        }
        Err(_) => match GB18030.decode_without_bom_handling_and_without_replacement(data) {
            Some(text) => (Cow::Borrowed(data), Cow::Owned(text.into_owned())),
            None => {
                // Not GB18030 either: refused as an unknown encoding, nothing else.
                let result = duban_intake::read(data, &opts);
                assert_eq!(
                    result.as_ref().err(),
                    Some(&duban_intake::IntakeError::UnknownEncoding),
                    "undecodable text not refused as such"
                );
                return;
            }
        },
    };
    if utf8.starts_with('\u{feff}') {
        return;
    }
    // The twins must really be one text (GB18030 has a few one-way mappings), and the
    // GB18030 bytes must not read as UTF-8 by accident (then UTF-8 wins, rightly).
    let decoded = GB18030.decode_without_bom_handling_and_without_replacement(&gbk);
    if decoded.as_deref() != Some(utf8.as_ref()) {
        return;
    }
    let gbk_is_utf8 = std::str::from_utf8(&gbk).is_ok();
    if gbk_is_utf8 && gbk.as_ref() != utf8.as_bytes() {
        return;
    }

    let from_gbk = duban_intake::read(&gbk, &opts);
    let from_utf8 = duban_intake::read(utf8.as_bytes(), &opts);
    duban_fuzz::check_read(&from_gbk, &opts);
    match (&from_gbk, &from_utf8) {
        (Ok(a), Ok(b)) => {
            let expected = if gbk_is_utf8 { "UTF-8" } else { "GB18030" };
            assert_eq!(a.encoding, expected);
            assert_eq!(b.encoding, "UTF-8");
            let strip = |s: &duban_intake::Sheet| {
                let mut v = serde_json::to_value(s).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.remove("encoding");
                }
                v
            };
            assert_eq!(strip(a), strip(b), "GBK and UTF-8 import differently");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "GBK and UTF-8 fail differently"),
        (a, b) => panic!("GBK and UTF-8 import differently: {a:?} / {b:?}"),
    }
});
