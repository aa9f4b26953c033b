//! SLA badges computed in the browser by `duban-sla`, every second, from the clock the
//! server sent: the same code the server runs.

use chrono::{DateTime, Utc};
use duban_calendar::Calendar;
use duban_sla::{Clock, Status};
use duban_text::key;
use leptos::prelude::*;

use crate::i18n::{Lang, use_i18n};

/// The current instant, ticking every second; provided once at the root.
#[derive(Clone, Copy)]
pub struct Now(pub RwSignal<DateTime<Utc>>);

pub fn provide_now() {
    let now = RwSignal::new(Utc::now());
    set_interval(
        move || now.set(Utc::now()),
        std::time::Duration::from_secs(1),
    );
    provide_context(Now(now));
}

pub fn use_now() -> RwSignal<DateTime<Utc>> {
    expect_context::<Now>().0
}

/// "2天3小时" / "2d 3h": a compact duration.
pub fn span(secs: i64, lang: Lang) -> String {
    let s = secs.abs();
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    match (d, h) {
        (0, 0) => key!("span.minutes").fill(lang, &[("m", m.to_string())]),
        (0, _) => key!("span.hours").fill(lang, &[("h", h.to_string()), ("m", m.to_string())]),
        _ => key!("span.days").fill(lang, &[("d", d.to_string()), ("h", h.to_string())]),
    }
}

pub fn status_class(s: Status) -> &'static str {
    match s {
        Status::OnTime | Status::Met => "badge badge-ok",
        Status::Warning => "badge badge-warn",
        Status::Overdue | Status::Missed => "badge badge-overdue",
        Status::Paused => "badge badge-paused",
    }
}

pub fn status_code(s: Status) -> &'static str {
    match s {
        Status::OnTime => "on_time",
        Status::Warning => "warning",
        Status::Overdue => "overdue",
        Status::Paused => "paused",
        Status::Met => "met",
        Status::Missed => "missed",
    }
}

fn status_text(s: Status, left: i64, lang: Lang, seconds: bool) -> String {
    let span = || {
        if seconds {
            crate::mechanism_view::countdown(left, lang)
        } else {
            span(left, lang)
        }
    };
    match s {
        Status::OnTime | Status::Warning => key!("sla.badge.left").fill(lang, &[("span", span())]),
        Status::Overdue => key!("sla.badge.overdue").fill(lang, &[("span", span())]),
        Status::Paused => key!("cases.paused").get(lang).into(),
        Status::Met => key!("sla.badge.met").get(lang).into(),
        Status::Missed => key!("sla.badge.missed").get(lang).into(),
    }
}

/// A live badge for one clock: stage name, time left or overdue, coloured by status.
/// `seconds`: count down to the second (the minutes-long clocks of emergency linkage).
#[component]
pub fn SlaBadge(
    clock: Clock,
    #[prop(optional)] with_stage: bool,
    #[prop(optional)] seconds: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let now = use_now();
    let stage = clock.stage();
    let c = clock.clone();
    let status = Memo::new(move |_| c.status(now.get(), Calendar::official()));
    view! {
        <span
            class=move || status_class(status.get().status)
            data-sla=move || status_code(status.get().status)
            title=move || format!("{} {}", i18n.t(key!("sla.due")), crate::format::deadline(status.get().due_at))
        >
            {move || with_stage.then(|| format!("{} · ", stage_label(stage, i18n.lang())))}
            {move || { let s = status.get(); status_text(s.status, s.seconds_left, i18n.lang(), seconds) }}
        </span>
    }
}

pub fn stage_label(stage: duban_sla::Stage, lang: Lang) -> &'static str {
    stage.name(lang)
}
