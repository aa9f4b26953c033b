//! Repeat complaints (重信重访): candidates for a draft, a stored case or an import
//! row, scored by `duban-repeat`; merging a confirmed repeat into its primary.

use crate::http::register::Routes;
use crate::text::Text;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use duban_api::repeats;

use duban_api::{CaseView, ErrorBody, MergeRequest, RepeatCandidate, RepeatSettingsUpdate};
use duban_case::Lang;
use duban_case::draft::{CaseDraft, NewCase};
use duban_case::lifecycle::{self, Case};

use crate::error::{ApiFailure, ApiJson, ReqLang};
use crate::policy::{Ability, Actor};
use crate::service::AppState;
use crate::store::{Change, RepeatRow, StoreError};

/// Where the edited repeat settings are kept (the defaults until someone edits them).
const SETTINGS_KEY: &str = "repeat_settings";
/// Candidates shown at most.
const SHOWN: usize = 5;
/// Rows read per probe at most (one city's window).
const READ_MAX: i64 = 5_000;

pub fn routes() -> Routes {
    Routes::new()
        .at(repeats::CheckRepeats, check_draft)
        .at(repeats::RepeatSettings, get_settings)
        .at(repeats::UpdateRepeatSettings, put_settings)
        .at(repeats::CaseRepeats, case_repeats)
        .at(repeats::MergeRepeat, merge)
}

/// What repeat detection knows of a case not stored yet.
pub struct ProbeOf {
    pub division: String,
    pub fingerprint: duban_repeat::Fingerprint,
    pub phone_digest: Option<String>,
    pub location: Option<duban_repeat::Point>,
    pub received_at: DateTime<Utc>,
}

impl ProbeOf {
    pub fn of_case(c: &Case) -> ProbeOf {
        ProbeOf {
            division: c.division().as_str(),
            fingerprint: crate::store::repeat_fingerprint(c),
            phone_digest: crate::store::phone_digest(c),
            location: c
                .coordinates()
                .map(|p| duban_repeat::Point::new(p.lat(), p.lon())),
            received_at: c.received_at(),
        }
    }

    /// A validated new case, as if it were stored (the digest needs no id).
    pub fn of_new(new: &NewCase) -> ProbeOf {
        ProbeOf {
            division: new.division().as_str(),
            fingerprint: duban_repeat::Fingerprint::of(&format!(
                "{}\n{}",
                new.address(),
                new.content()
            )),
            phone_digest: new.complainant().phone().and_then(|p| {
                use sha2::Digest as _;
                let digits: String = p.as_str().chars().filter(char::is_ascii_digit).collect();
                (!digits.is_empty()).then(|| {
                    hex::encode(sha2::Sha256::digest(
                        format!("duban-phone:{digits}").as_bytes(),
                    ))
                    .chars()
                    .take(32)
                    .collect()
                })
            }),
            location: new
                .coordinates()
                .map(|p| duban_repeat::Point::new(p.lat(), p.lon())),
            received_at: new.received_at(),
        }
    }
}

fn candidate_of(r: &RepeatRow) -> Option<duban_repeat::Candidate> {
    Some(duban_repeat::Candidate {
        case_id: r.id.clone(),
        reference: r.reference.clone(),
        division: format!("{:06}", r.division),
        fingerprint: duban_repeat::Fingerprint::parse(r.repeat_fp.as_deref()?).ok()?,
        phone_digest: r.phone_digest.clone(),
        location: r
            .lat
            .zip(r.lon)
            .map(|(a, o)| duban_repeat::Point::new(a, o)),
        received_at: DateTime::from_timestamp_millis(r.received_at)?,
    })
}

impl AppState {
    pub async fn repeat_settings(&self) -> duban_repeat::Settings {
        match self.store.meta(SETTINGS_KEY).await {
            Ok(Some(json)) => serde_json::from_str(&json).unwrap_or_default(),
            _ => duban_repeat::Settings::default(),
        }
    }

    /// The stored cases of the probe's city within the window (and those with its
    /// phone), as candidates; `exclude` leaves a case out (itself).
    pub async fn repeat_pool(
        &self,
        probe: &ProbeOf,
        settings: &duban_repeat::Settings,
    ) -> Result<Vec<(duban_repeat::Candidate, RepeatRow)>, StoreError> {
        let window = chrono::TimeDelta::days(i64::from(settings.window_days()));
        self.repeat_pool_between(
            &probe.division,
            probe.phone_digest.as_deref(),
            probe.received_at - window,
            probe.received_at + window,
        )
        .await
    }

    /// The stored cases of a division's city received between two instants, and
    /// those with the phone digest.
    pub async fn repeat_pool_between(
        &self,
        division: &str,
        phone_digest: Option<&str>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(duban_repeat::Candidate, RepeatRow)>, StoreError> {
        let city: i64 = division.get(..4).and_then(|c| c.parse().ok()).unwrap_or(0);
        let rows = self
            .store
            .repeat_candidates(
                (city * 100, city * 100 + 100),
                phone_digest,
                from.timestamp_millis(),
                to.timestamp_millis(),
                READ_MAX,
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| candidate_of(&r).map(|c| (c, r)))
            .collect())
    }

    /// The best candidates from a pool for a probe, in the reader's language.
    pub fn rank_repeats(
        probe: &ProbeOf,
        pool: &[(duban_repeat::Candidate, RepeatRow)],
        exclude: Option<&str>,
        settings: &duban_repeat::Settings,
        lang: Lang,
    ) -> Vec<RepeatCandidate> {
        let p = duban_repeat::Probe {
            division: probe.division.clone(),
            fingerprint: probe.fingerprint.clone(),
            phone_digest: probe.phone_digest.clone(),
            location: probe.location,
            received_at: probe.received_at,
        };
        let candidates: Vec<duban_repeat::Candidate> = pool
            .iter()
            .filter(|(c, _)| Some(c.case_id.as_str()) != exclude)
            .map(|(c, _)| c.clone())
            .collect();
        duban_repeat::rank(&p, &candidates, settings, SHOWN)
            .into_iter()
            .filter_map(|m| {
                let (_, row) = pool.iter().find(|(c, _)| c.case_id == m.case_id)?;
                let summary: duban_api::CaseSummary = serde_json::from_str(&row.summary).ok()?;
                Some(RepeatCandidate {
                    case_id: m.case_id,
                    reference: m.reference,
                    score: m.score,
                    reasons: m.reasons.iter().map(|r| r.label(lang)).collect(),
                    received_at: summary.received_at,
                    status: summary.status.label(lang).to_owned(),
                    excerpt: duban_case::privacy::redact(&summary.excerpt, None),
                })
            })
            .collect()
    }
}

/// Candidates for a case before it is registered (the intake form asks while typing).
async fn check_draft(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(draft): ApiJson<CaseDraft>,
) -> Result<axum::Json<Vec<RepeatCandidate>>, ApiFailure> {
    if !actor.may_create() {
        return Err(ApiFailure::Forbidden(crate::policy::forbidden(lang)));
    }
    let new = NewCase::parse(&draft, s.now()).map_err(|e| ApiFailure::invalid(&e, lang))?;
    let probe = ProbeOf::of_new(&new);
    let settings = s.repeat_settings().await;
    let pool = s.repeat_pool(&probe, &settings).await?;
    Ok(axum::Json(AppState::rank_repeats(
        &probe, &pool, None, &settings, lang,
    )))
}

/// Candidates for a stored case (its page shows them to coordinators).
async fn case_repeats(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<RepeatCandidate>>, ApiFailure> {
    actor.require(Ability::MergeRepeats, lang)?;
    let case = crate::routes::cases::load(&s, &id, lang, &actor).await?;
    let probe = ProbeOf::of_case(&case);
    let settings = s.repeat_settings().await;
    let pool = s.repeat_pool(&probe, &settings).await?;
    let id = case.id().to_string();
    Ok(axum::Json(AppState::rank_repeats(
        &probe,
        &pool,
        Some(&id),
        &settings,
        lang,
    )))
}

/// Merge this case, a confirmed repeat, into its primary: both histories stay, the
/// repeat's clocks stop, the primary becomes a 重复信访件 key case. One transaction.
async fn merge(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MergeRequest>,
) -> Result<axum::Json<CaseView>, ApiFailure> {
    // Roles first: a handler learns nothing of the case.
    actor.require(Ability::MergeRepeats, lang)?;
    let repeat = crate::routes::cases::load(&s, &id, lang, &actor).await?;
    merge_into(&s, &actor, repeat, &body, lang).await
}

/// Merge `repeat` into the primary `body` names, for `POST /cases/{id}/merge` and the
/// `merge` action alike, so that every merge marks its primary.
pub(crate) async fn merge_into(
    s: &AppState,
    actor: &Actor,
    repeat: Case,
    body: &MergeRequest,
    lang: Lang,
) -> Result<axum::Json<CaseView>, ApiFailure> {
    actor.require(Ability::MergeRepeats, lang)?;
    // The primary is named in the body: one that is missing or out of sight is a bad
    // field, not a missing resource.
    let unknown = || ApiFailure::refused("primary", Text::PrimaryUnknown, lang);
    let named = body.primary.trim();
    if named.is_empty() {
        return Err(unknown());
    }
    // People name the primary by its reference; the API may use the id.
    let primary_id = match s.store.case_id_by_reference(named).await? {
        Some(id) => id,
        None => named.to_owned(),
    };
    let primary = match crate::routes::cases::load(s, &primary_id, lang, actor).await {
        Ok(c) => c,
        Err(ApiFailure::NotFound(_)) => return Err(unknown()),
        Err(e) => return Err(e),
    };
    let reason = body.reason.trim();
    if reason.chars().count() < 2 {
        return Err(ApiFailure::refused(
            "reason",
            Text::MergeReasonRequired,
            lang,
        ));
    }
    let now = s.now();
    let rules = s
        .rule_set(repeat.rule_set())
        .ok_or_else(|| ApiFailure::Unavailable("rule set".into()))?;
    let ctx = lifecycle::Ctx {
        now,
        actor: &actor.user.username,
        rules: &rules,
        calendar: duban_calendar::Calendar::official(),
    };
    let (merged, attached) = lifecycle::merge_repeat(&repeat, &primary, &ctx)
        .map_err(|e| ApiFailure::invalid(&e, lang))?;
    let next_repeat = merged.iter().fold(repeat.clone(), lifecycle::apply);
    let next_primary = attached.iter().fold(primary.clone(), lifecycle::apply);
    let audit_repeat = actor.who.entry(
        now,
        "case.merge",
        Some(repeat.id().to_string()),
        &repeat.reference().to_string(),
        reason,
        serde_json::json!({ "primary": primary.reference().to_string() }),
    );
    let audit_primary = actor.who.entry(
        now,
        "case.repeat_attached",
        Some(primary.id().to_string()),
        &primary.reference().to_string(),
        reason,
        serde_json::json!({ "repeat": repeat.reference().to_string() }),
    );
    let changes = [
        Change {
            expected: repeat.version(),
            case: &next_repeat,
            events: &merged,
            audit: &audit_repeat,
            counters: &[],
        },
        Change {
            expected: primary.version(),
            case: &next_primary,
            events: &attached,
            audit: &audit_primary,
            counters: &[],
        },
    ];
    match s.store.update_cases(&changes).await {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            let text = Text::MergeVersionConflict;
            return Err(ApiFailure::Conflict(
                ErrorBody::single("version", text.code(), text.message(lang)),
                None,
            ));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(axum::Json(s.view(next_repeat, actor)))
}

async fn get_settings(
    State(s): State<AppState>,
    _actor: Actor,
) -> axum::Json<duban_repeat::Settings> {
    axum::Json(s.repeat_settings().await)
}

/// Administrators tune the window, radius and weights; checked by `duban-repeat`.
async fn put_settings(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    actor: Actor,
    ApiJson(u): ApiJson<RepeatSettingsUpdate>,
) -> Result<axum::Json<duban_repeat::Settings>, ApiFailure> {
    actor.require(Ability::EditRules, lang)?;
    if u.reason.trim().is_empty() {
        return Err(ApiFailure::bad_field(
            "reason",
            "reason.required",
            crate::text::Text::ReasonRequired.message(lang),
        ));
    }
    let settings = duban_repeat::Settings::parse(u.settings).map_err(|e| {
        ApiFailure::Invalid(ErrorBody {
            errors: vec![duban_api::ApiError::of(&e, lang).under("settings")],
        })
    })?;
    let body = serde_json::to_string(&settings).map_err(StoreError::from)?;
    let audit = actor.who.entry(
        s.now(),
        "repeat.settings_update",
        None,
        "repeat_settings",
        u.reason.trim(),
        serde_json::json!({ "window_days": settings.window_days() }),
    );
    s.store.set_config(SETTINGS_KEY, &body, &audit).await?;
    Ok(axum::Json(settings))
}
