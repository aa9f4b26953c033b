//! `POST /open311/v2/requests.{json,xml}`: an `application/x-www-form-urlencoded` body
//! decoded into name/value pairs, its service code looked up, the request read into a
//! case draft (attributes, location, media link, complainant) and validated into a new
//! case, as the server does after checking the api_key (`duban_intake::open311`).
//!
//! Checks: the reading does not depend on the language asked for except in messages;
//! problems have stable codes and messages; a case read is an online complaint of the
//! service's one category, in Jiangsu, whose content ends with the attribute lines.
#![no_main]

use duban_core::CodedError as _;
use std::str::FromStr;

use duban_case::Lang;
use duban_case::model::{Category, Channel};
use duban_intake::open311::{self, MEDIA_URL_MAX, Problem};
use libfuzzer_sys::fuzz_target;

fn check_problems(problems: &[Problem]) {
    assert!(!problems.is_empty(), "refused without a problem");
    for p in problems {
        duban_fuzz::check_code(&p.code);
        assert!(!p.message.trim().is_empty(), "{p:?} has no message");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(form) = open311::form_pairs(data) else {
        return; // 400 body.unreadable
    };
    for (_, v) in &form {
        assert!(
            !v.is_empty() && v.trim() == v,
            "value {v:?} kept untrimmed or empty"
        );
    }
    let Some(code) = open311::param(&form, "service_code") else {
        return; // 400 service_code.required
    };
    let Ok(category) = Category::from_str(code) else {
        return; // 404 service_code.not_found
    };
    let now = duban_fuzz::now();
    let zh = open311::read_request(&form, category, Lang::Zh, now);
    let en = open311::read_request(&form, category, Lang::En, now);
    match (&zh, &en) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the language changed the reading"),
        (Err(a), Err(b)) => {
            check_problems(a);
            check_problems(b);
            let codes = |p: &[Problem]| p.iter().map(|p| p.code.clone()).collect::<Vec<_>>();
            assert_eq!(codes(a), codes(b), "the language changed the problems");
            return;
        }
        _ => panic!("the language changed the outcome: {zh:?} / {en:?}"),
    }
    let Ok(posted) = zh else { return };
    let d = &posted.draft;
    assert_eq!(
        (d.channel.as_str(), d.request_kind.as_str()),
        ("online", "complaint")
    );
    assert_eq!(d.categories, [category.code()]);
    let m = &posted.media_url;
    assert!(
        m.is_empty()
            || ((m.starts_with("https://") || m.starts_with("http://"))
                && m.len() <= MEDIA_URL_MAX),
        "media_url {m:?}"
    );
    for line in &posted.attributes {
        assert!(
            line.starts_with('【') && !line.contains('\n'),
            "attribute line {line:?}"
        );
    }
    match open311::new_case(&posted, now) {
        Ok(case) => {
            duban_fuzz::check_new_case(&case, now);
            assert_eq!(case.channel(), Channel::Online);
            assert_eq!(case.categories(), [category]);
            assert!(case.batch().is_none());
            if !posted.attributes.is_empty() {
                assert!(
                    case.content().ends_with(&posted.attributes.join("\n")),
                    "attribute lines lost"
                );
            }
        }
        Err(errs) => {
            // The form's own verdict (a description too short, say): each error keeps
            // its code as the problem the server lists.
            duban_fuzz::check_case_errors(&errs);
            for e in errs.iter() {
                let p = open311::case_problem(e, Lang::En);
                assert_eq!(p.code, e.code().as_ref());
            }
        }
    }
});
