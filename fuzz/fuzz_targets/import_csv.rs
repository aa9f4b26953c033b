//! A transfer list uploaded as text: any bytes that are not a workbook go through the
//! CSV path (encoding detection, delimiter sniffing, header search, every row validated
//! by the form's parse). Checks the sheet's invariants or the error's shape.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Workbooks are import_xlsx's.
    if data.starts_with(b"PK\x03\x04") || data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return;
    }
    let opts = duban_fuzz::options();
    let result = duban_intake::read(data, &opts);
    if let Ok(sheet) = &result {
        assert_eq!(sheet.format, duban_intake::Format::Csv);
        assert!(
            ["UTF-8", "UTF-16LE", "UTF-16BE", "GB18030"].contains(&sheet.encoding),
            "{}",
            sheet.encoding
        );
        assert!(sheet.sheet_name.is_none());
    }
    duban_fuzz::check_read(&result, &opts);
});
