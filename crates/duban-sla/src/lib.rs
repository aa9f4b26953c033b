//! SLA rules and clocks.
//!
//! A [`RuleSet`] gives each [`Stage`] of a case a time [`Limit`] (minutes, hours,
//! working hours, natural days or working days on the Chinese official calendar),
//! optionally depending on urgency and the nature of the request. A [`Clock`] is one
//! stage's timer: started at an instant, paused and resumed, extended, stopped. Its
//! [`ClockStatus`] at any instant is on time, warning (past the rule set's warning share,
//! default 80%) or overdue, with the time left. The same code runs in the browser (live
//! countdown) and on the server.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use duban_calendar::Calendar;
//! use duban_sla::{defaults, Facts, Stage, Status};
//!
//! let cal = Calendar::official();
//! let rules = defaults::hotline_12345();
//! let facts = Facts { urgent: true, ..Facts::default() };
//! let received = Utc.with_ymd_and_hms(2025, 3, 3, 1, 0, 0).unwrap(); // 09:00 in Beijing
//! let clock = rules.start(Stage::Dispatch, &facts, received, cal).unwrap();
//! // Urgent 12345 orders are dispatched within 2 hours.
//! assert_eq!(clock.due_at(), Utc.with_ymd_and_hms(2025, 3, 3, 3, 0, 0).unwrap());
//! let at = Utc.with_ymd_and_hms(2025, 3, 3, 2, 40, 0).unwrap();
//! assert_eq!(clock.status(at, cal).status, Status::Warning);
//! ```
//!
//! Invariant: no IO and no clock; every instant is an argument. Defaults are data
//! ([`defaults`]) and name their source.

pub mod defaults;

use chrono::{DateTime, Utc};
use duban_calendar::{Basis, Calendar, Measure};
use duban_core::{Lang, key};
use serde::{Deserialize, Serialize};

/// A stage of a case with its own clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 分办: from received to dispatched.
    Dispatch,
    /// 受理告知: telling the petitioner whether it is accepted (from received).
    Acceptance,
    /// 签收: from dispatched to signed for.
    SignFor,
    /// 首次联系: first contact with the complainant (from signed for).
    FirstContact,
    /// 办理上报: from signed for to result reported.
    Report,
    /// 审核: from reported to reviewed.
    Review,
    /// 回访: from closed to the return visit.
    ReturnVisit,
    /// 督办单: a supervision order's deadline (follow-up supervision).
    SupervisionOrder,
    /// 横向推送答复: the response a referred department owes.
    Referral,
    /// 应急响应确认: a department's acknowledgement of an emergency linkage.
    EmergencyAck,
}

impl Stage {
    /// The stages of a case's own life cycle (the mechanisms' stages are not in it).
    pub const ALL: [Stage; 7] = [
        Stage::Dispatch,
        Stage::Acceptance,
        Stage::SignFor,
        Stage::FirstContact,
        Stage::Report,
        Stage::Review,
        Stage::ReturnVisit,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Stage::Dispatch => "dispatch",
            Stage::Acceptance => "acceptance",
            Stage::SignFor => "sign_for",
            Stage::FirstContact => "first_contact",
            Stage::Report => "report",
            Stage::Review => "review",
            Stage::ReturnVisit => "return_visit",
            Stage::SupervisionOrder => "supervision_order",
            Stage::Referral => "referral",
            Stage::EmergencyAck => "emergency_ack",
        }
    }
    /// The name people read, from the catalogue (`sla.stage.<code>`).
    pub fn name(self, lang: Lang) -> &'static str {
        let key = match self {
            Stage::Dispatch => key!("sla.stage.dispatch"),
            Stage::Acceptance => key!("sla.stage.acceptance"),
            Stage::SignFor => key!("sla.stage.sign_for"),
            Stage::FirstContact => key!("sla.stage.first_contact"),
            Stage::Report => key!("sla.stage.report"),
            Stage::Review => key!("sla.stage.review"),
            Stage::ReturnVisit => key!("sla.stage.return_visit"),
            Stage::SupervisionOrder => key!("sla.stage.supervision_order"),
            Stage::Referral => key!("sla.stage.referral"),
            Stage::EmergencyAck => key!("sla.stage.emergency_ack"),
        };
        key.get(lang)
    }
}

/// The unit of a time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    Minutes,
    Hours,
    WorkingHours,
    NaturalDays,
    WorkingDays,
}

impl TimeUnit {
    pub const ALL: [TimeUnit; 5] = [
        TimeUnit::Minutes,
        TimeUnit::Hours,
        TimeUnit::WorkingHours,
        TimeUnit::NaturalDays,
        TimeUnit::WorkingDays,
    ];
    /// The stable snake_case code (the serde form).
    pub fn code(self) -> &'static str {
        match self {
            TimeUnit::Minutes => "minutes",
            TimeUnit::Hours => "hours",
            TimeUnit::WorkingHours => "working_hours",
            TimeUnit::NaturalDays => "natural_days",
            TimeUnit::WorkingDays => "working_days",
        }
    }
}

/// The code (the serde form), exactly.
impl std::str::FromStr for TimeUnit {
    type Err = ();
    fn from_str(s: &str) -> Result<TimeUnit, ()> {
        TimeUnit::ALL.into_iter().find(|u| u.code() == s).ok_or(())
    }
}

impl std::fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A time limit such as "5 working days". Its serde form is
/// `{"amount":5,"unit":"working_days"}`; the amount is at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "LimitRepr")]
pub struct Limit {
    amount: u32,
    unit: TimeUnit,
}

#[derive(Deserialize)]
struct LimitRepr {
    amount: u32,
    unit: TimeUnit,
}

impl TryFrom<LimitRepr> for Limit {
    type Error = SlaError;
    fn try_from(r: LimitRepr) -> Result<Self, Self::Error> {
        Limit::new(r.amount, r.unit)
    }
}

/// China Standard Time offset in seconds.
const CST: i64 = duban_core::CHINA.local_minus_utc() as i64;

/// Limits above this many units are refused (a 10-year clock is a typo).
const MAX_AMOUNT: u32 = 100_000;

impl Limit {
    pub fn new(amount: u32, unit: TimeUnit) -> Result<Limit, SlaError> {
        if amount == 0 || amount > MAX_AMOUNT {
            return Err(SlaError::LimitOutOfRange { amount });
        }
        Ok(Limit { amount, unit })
    }
    pub fn amount(self) -> u32 {
        self.amount
    }
    pub fn unit(self) -> TimeUnit {
        self.unit
    }
    /// The calendar measure this limit is counted in.
    pub fn measure(self) -> Measure {
        match self.unit {
            TimeUnit::Minutes | TimeUnit::Hours | TimeUnit::NaturalDays => Measure::Natural,
            TimeUnit::WorkingHours => Measure::OfficeHours,
            TimeUnit::WorkingDays => Measure::WorkdayTime,
        }
    }
    /// The deadline of this limit started at `from`.
    pub fn due_from(self, from: DateTime<Utc>, cal: &Calendar) -> (DateTime<Utc>, Basis) {
        let n = i64::from(self.amount);
        let r = match self.unit {
            TimeUnit::Minutes => cal.add(from, n * 60, Measure::Natural),
            TimeUnit::Hours => cal.add(from, n * 3600, Measure::Natural),
            TimeUnit::WorkingHours => cal.add(from, n * 3600, Measure::OfficeHours),
            // "Within N days" ends with the Nth day after the start day (期间开始之日不计入).
            TimeUnit::NaturalDays => {
                let local = from.timestamp() + CST;
                let end = local - local.rem_euclid(86_400) - CST + (n + 1) * 86_400;
                let end = DateTime::from_timestamp(end, 0).unwrap_or(from);
                // Natural days need no holiday data.
                return (end, Basis::Official);
            }
            TimeUnit::WorkingDays => cal.add_working_days(from, self.amount),
        };
        (r.value, r.basis)
    }
    /// This limit as an amount of time in its own measure (a working day is 24 hours
    /// of working-day time; a working hour, an office hour).
    pub fn duration(self) -> (i64, Measure) {
        let n = i64::from(self.amount);
        match self.unit {
            TimeUnit::Minutes => (n * 60, Measure::Natural),
            TimeUnit::Hours => (n * 3600, Measure::Natural),
            TimeUnit::NaturalDays => (n * 86_400, Measure::Natural),
            TimeUnit::WorkingHours => (n * 3600, Measure::OfficeHours),
            TimeUnit::WorkingDays => (n * 86_400, Measure::WorkdayTime),
        }
    }

    /// `from` moved on by this limit as an amount of time: what an extension does to a
    /// deadline (unlike [`Limit::due_from`], the day of `from` counts).
    pub fn extend_from(self, from: DateTime<Utc>, cal: &Calendar) -> DateTime<Utc> {
        let (secs, measure) = self.duration();
        cal.add(from, secs, measure).value
    }

    /// The limit worded, such as `5个工作日` / `5 working days`.
    pub fn text(self, lang: Lang) -> String {
        // English says `1 working day` but `2 working days`; Chinese has one form.
        let one = self.amount == 1;
        let key = match (self.unit, one) {
            (TimeUnit::Minutes, false) => key!("sla.limit.minutes"),
            (TimeUnit::Minutes, true) => key!("sla.limit.minutes.one"),
            (TimeUnit::Hours, false) => key!("sla.limit.hours"),
            (TimeUnit::Hours, true) => key!("sla.limit.hours.one"),
            (TimeUnit::WorkingHours, false) => key!("sla.limit.working_hours"),
            (TimeUnit::WorkingHours, true) => key!("sla.limit.working_hours.one"),
            (TimeUnit::NaturalDays, false) => key!("sla.limit.natural_days"),
            (TimeUnit::NaturalDays, true) => key!("sla.limit.natural_days.one"),
            (TimeUnit::WorkingDays, false) => key!("sla.limit.working_days"),
            (TimeUnit::WorkingDays, true) => key!("sla.limit.working_days.one"),
        };
        key.fill(lang, &[("n", self.amount.to_string())])
    }
}

/// The nature of a request, which some rule sets distinguish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// 举报: a report of a violation.
    #[default]
    Report,
    /// 投诉
    Complaint,
    /// 咨询
    Inquiry,
    /// 建议
    Suggestion,
}

/// What a rule may depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Facts {
    pub urgent: bool,
    pub kind: RequestKind,
}

/// When a rule applies; absent fields match anything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgent: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<RequestKind>,
}

impl Condition {
    fn matches(&self, f: &Facts) -> bool {
        self.urgent.is_none_or(|u| u == f.urgent)
            && (self.kinds.is_empty() || self.kinds.contains(&f.kind))
    }
}

/// One stage's limit under a condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRule {
    pub stage: Stage,
    #[serde(default)]
    pub when: Condition,
    pub limit: Limit,
}

/// A named set of stage rules; for each stage the first matching rule wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RuleSetDraft")]
pub struct RuleSet {
    id: String,
    name_zh: String,
    name_en: String,
    /// Where the figures come from (a regulation, a notice, or local practice).
    source: String,
    warn_percent: u8,
    max_extension: Option<Limit>,
    rules: Vec<StageRule>,
}

/// A rule set as entered (an administrator's edit); [`RuleSet::try_from`] checks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetDraft {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub source: String,
    #[serde(default = "default_warn")]
    pub warn_percent: u8,
    #[serde(default)]
    pub max_extension: Option<Limit>,
    pub rules: Vec<StageRule>,
}

fn default_warn() -> u8 {
    80
}

impl TryFrom<RuleSetDraft> for RuleSet {
    type Error = SlaError;
    fn try_from(r: RuleSetDraft) -> Result<Self, Self::Error> {
        RuleSet::new(
            r.id,
            r.name_zh,
            r.name_en,
            r.source,
            r.warn_percent,
            r.max_extension,
            r.rules,
        )
    }
}

impl RuleSet {
    pub fn new(
        id: String,
        name_zh: String,
        name_en: String,
        source: String,
        warn_percent: u8,
        max_extension: Option<Limit>,
        rules: Vec<StageRule>,
    ) -> Result<RuleSet, SlaError> {
        let valid_id = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid_id {
            return Err(SlaError::InvalidId);
        }
        if name_zh.trim().is_empty() || name_en.trim().is_empty() {
            return Err(SlaError::MissingName);
        }
        if !(1..=99).contains(&warn_percent) {
            return Err(SlaError::WarnPercentOutOfRange {
                percent: warn_percent,
            });
        }
        if rules.is_empty() {
            return Err(SlaError::NoRules);
        }
        Ok(RuleSet {
            id,
            name_zh,
            name_en,
            source,
            warn_percent,
            max_extension,
            rules,
        })
    }
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn name_zh(&self) -> &str {
        &self.name_zh
    }
    pub fn name_en(&self) -> &str {
        &self.name_en
    }
    pub fn source(&self) -> &str {
        &self.source
    }
    pub fn warn_percent(&self) -> u8 {
        self.warn_percent
    }
    pub fn max_extension(&self) -> Option<Limit> {
        self.max_extension
    }
    pub fn rules(&self) -> &[StageRule] {
        &self.rules
    }
    /// The limit for `stage` given the facts: the first matching rule.
    pub fn limit_for(&self, stage: Stage, facts: &Facts) -> Option<Limit> {
        self.rules
            .iter()
            .find(|r| r.stage == stage && r.when.matches(facts))
            .map(|r| r.limit)
    }
    /// Start the clock for `stage`, or `None` when this rule set gives that stage no limit.
    pub fn start(
        &self,
        stage: Stage,
        facts: &Facts,
        at: DateTime<Utc>,
        cal: &Calendar,
    ) -> Option<Clock> {
        self.limit_for(stage, facts)
            .map(|limit| Clock::start(stage, limit, self.warn_percent, at, cal))
    }
}

/// One stage's timer. Its serde form is stable and carries everything needed to compute
/// status anywhere (the browser recomputes it every second).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    stage: Stage,
    limit: Limit,
    warn_percent: u8,
    started_at: DateTime<Utc>,
    /// Time budget in the limit's measure, grown by pauses and extensions.
    budget_secs: i64,
    due_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    paused_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stopped_at: Option<DateTime<Utc>>,
    #[serde(default)]
    extensions: u32,
    basis: Basis,
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    OnTime,
    Warning,
    Overdue,
    Paused,
    /// Stopped by or at the deadline.
    Met,
    /// Stopped after the deadline.
    Missed,
}

/// A clock's status at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClockStatus {
    pub status: Status,
    /// Share of the budget used, in percent (may exceed 100).
    pub used_percent: f64,
    /// Natural seconds until the deadline (negative when past it).
    pub seconds_left: i64,
    pub due_at: DateTime<Utc>,
    pub basis: Basis,
}

impl Clock {
    pub fn start(
        stage: Stage,
        limit: Limit,
        warn_percent: u8,
        at: DateTime<Utc>,
        cal: &Calendar,
    ) -> Clock {
        let (due_at, basis) = limit.due_from(at, cal);
        let budget_secs = cal.elapsed(at, due_at, limit.measure()).value;
        Clock {
            stage,
            limit,
            warn_percent,
            started_at: at,
            budget_secs,
            due_at,
            paused_at: None,
            stopped_at: None,
            extensions: 0,
            basis,
        }
    }
    pub fn stage(&self) -> Stage {
        self.stage
    }
    pub fn limit(&self) -> Limit {
        self.limit
    }
    pub fn started_at(&self) -> DateTime<Utc> {
        self.started_at
    }
    pub fn due_at(&self) -> DateTime<Utc> {
        self.due_at
    }
    pub fn is_running(&self) -> bool {
        self.stopped_at.is_none() && self.paused_at.is_none()
    }
    pub fn is_stopped(&self) -> bool {
        self.stopped_at.is_some()
    }
    pub fn paused_at(&self) -> Option<DateTime<Utc>> {
        self.paused_at
    }
    pub fn stopped_at(&self) -> Option<DateTime<Utc>> {
        self.stopped_at
    }
    pub fn extensions(&self) -> u32 {
        self.extensions
    }

    /// Pause (挂起): time stops counting until [`Clock::resume`].
    pub fn pause(&mut self, at: DateTime<Utc>) -> Result<(), SlaError> {
        if self.stopped_at.is_some() {
            return Err(SlaError::ClockStopped);
        }
        if self.paused_at.is_some() {
            return Err(SlaError::AlreadyPaused);
        }
        self.paused_at = Some(at.max(self.started_at));
        Ok(())
    }

    /// Resume after a pause; the paused time is added to the budget.
    pub fn resume(&mut self, at: DateTime<Utc>, cal: &Calendar) -> Result<(), SlaError> {
        let Some(since) = self.paused_at else {
            return Err(SlaError::NotPaused);
        };
        let paused = cal.elapsed(since, at.max(since), self.limit.measure());
        self.budget_secs += paused.value;
        self.paused_at = None;
        self.recompute(cal);
        Ok(())
    }

    /// An approved extension (延期) moves the deadline by `by`, counted from the current
    /// deadline in `by`'s own unit.
    pub fn extend(&mut self, by: Limit, cal: &Calendar) -> Result<(), SlaError> {
        if self.stopped_at.is_some() {
            return Err(SlaError::ClockStopped);
        }
        let later = by.extend_from(self.due_at, cal);
        self.budget_secs += cal
            .elapsed(self.due_at, later, self.limit.measure())
            .value
            .max(0);
        self.extensions += 1;
        self.recompute(cal);
        Ok(())
    }

    /// Stop the clock: the stage is done.
    pub fn stop(&mut self, at: DateTime<Utc>, cal: &Calendar) {
        if self.paused_at.is_some() {
            let _ = self.resume(at, cal);
        }
        if self.stopped_at.is_none() {
            self.stopped_at = Some(at);
        }
    }

    fn recompute(&mut self, cal: &Calendar) {
        let r = cal.add(self.started_at, self.budget_secs, self.limit.measure());
        self.due_at = r.value;
        self.basis = r.basis;
    }

    /// Status at `now`.
    pub fn status(&self, now: DateTime<Utc>, cal: &Calendar) -> ClockStatus {
        let measure = self.limit.measure();
        let counted_until = self
            .stopped_at
            .or(self.paused_at)
            .map_or(now, |t| t.min(now));
        let used = cal
            .elapsed(self.started_at, counted_until, measure)
            .value
            .max(0);
        let used_percent = if self.budget_secs > 0 {
            used as f64 * 100.0 / self.budget_secs as f64
        } else {
            100.0
        };
        let status = match (self.stopped_at, self.paused_at) {
            (Some(t), _) if t <= self.due_at => Status::Met,
            (Some(_), _) => Status::Missed,
            (None, Some(_)) => Status::Paused,
            (None, None) if now >= self.due_at => Status::Overdue,
            (None, None) if used_percent >= f64::from(self.warn_percent) => Status::Warning,
            (None, None) => Status::OnTime,
        };
        let seconds_left = match self.paused_at {
            // While paused the deadline floats: report the budget left.
            Some(p) if self.stopped_at.is_none() => (self.due_at - p).num_seconds(),
            _ => (self.due_at - now).num_seconds(),
        };
        ClockStatus {
            status,
            used_percent,
            seconds_left,
            due_at: self.due_at,
            basis: self.basis,
        }
    }
}

/// A rung of the escalation ladder an overrunning clock climbs, each fired once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 提醒: at the warning share, to the handling unit.
    Remind,
    /// 催办通知: at the deadline, to the handling unit and the coordinators.
    Chase,
    /// 督办: at one and a half times the limit, a supervision order.
    Supervise,
    /// 约谈: at twice the limit, the responsible officials are summoned.
    Summon,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::Remind, Step::Chase, Step::Supervise, Step::Summon];
    pub fn code(self) -> &'static str {
        match self {
            Step::Remind => "remind",
            Step::Chase => "chase",
            Step::Supervise => "supervise",
            Step::Summon => "summon",
        }
    }
    /// The name people read, from the catalogue (`sla.step.<code>`).
    pub fn name(self, lang: Lang) -> &'static str {
        let key = match self {
            Step::Remind => key!("sla.step.remind"),
            Step::Chase => key!("sla.step.chase"),
            Step::Supervise => key!("sla.step.supervise"),
            Step::Summon => key!("sla.step.summon"),
        };
        key.get(lang)
    }
    /// Share of the clock's budget at which the step fires.
    fn percent(self, warn_percent: u8) -> i64 {
        match self {
            Step::Remind => i64::from(warn_percent),
            Step::Chase => 100,
            Step::Supervise => 150,
            Step::Summon => 200,
        }
    }
}

impl Clock {
    /// When `step` is reached: the instant the given share of the budget is used.
    pub fn step_at(&self, step: Step, cal: &Calendar) -> DateTime<Utc> {
        let pct = step.percent(self.warn_percent);
        if pct == 100 {
            return self.due_at;
        }
        cal.add(
            self.started_at,
            self.budget_secs * pct / 100,
            self.limit.measure(),
        )
        .value
    }

    /// Steps a running clock has reached by `now` and that are not in `fired`, in
    /// ladder order with the instant each was reached. A clock that was down for a
    /// while catches up: every step passed meanwhile, once.
    pub fn due_steps(
        &self,
        now: DateTime<Utc>,
        cal: &Calendar,
        fired: &[Step],
    ) -> Vec<(Step, DateTime<Utc>)> {
        if !self.is_running() || self.paused_at.is_some() {
            return vec![];
        }
        Step::ALL
            .into_iter()
            .filter(|s| !fired.contains(s))
            .map(|s| (s, self.step_at(s, cal)))
            .filter(|(_, at)| *at <= now)
            .collect()
    }

    /// Steps several clocks have reached by `now` and not fired, each with what names
    /// its clock (a unit, an order number), in time order: a mechanism's sweep.
    pub fn due_across<'a, N: Clone>(
        clocks: impl IntoIterator<Item = (N, &'a Clock, &'a [Step])>,
        now: DateTime<Utc>,
        cal: &Calendar,
    ) -> Vec<(N, Step, DateTime<Utc>)> {
        let mut out: Vec<(N, Step, DateTime<Utc>)> = clocks
            .into_iter()
            .flat_map(|(name, clock, fired)| {
                let due = clock.due_steps(now, cal, fired);
                due.into_iter()
                    .map(move |(step, at)| (name.clone(), step, at))
            })
            .collect();
        out.sort_by_key(|(_, _, at)| *at);
        out
    }

    /// The earliest instant any of several clocks reaches its next step not yet fired.
    pub fn next_across<'a>(
        clocks: impl IntoIterator<Item = (&'a Clock, &'a [Step])>,
        cal: &Calendar,
    ) -> Option<DateTime<Utc>> {
        let next = clocks.into_iter();
        next.filter_map(|(clock, fired)| clock.next_step_at(cal, fired))
            .min()
    }

    /// The instant of the next step not yet fired, for a running clock.
    pub fn next_step_at(&self, cal: &Calendar, fired: &[Step]) -> Option<DateTime<Utc>> {
        if !self.is_running() || self.paused_at.is_some() {
            return None;
        }
        Step::ALL
            .into_iter()
            .filter(|s| !fired.contains(s))
            .map(|s| self.step_at(s, cal))
            .min()
    }
}

/// SLA errors, each with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SlaError {
    #[error("a time limit must be between 1 and 100000 units, got {amount}")]
    LimitOutOfRange { amount: u32 },
    #[error("warning share must be between 1 and 99 percent, got {percent}")]
    WarnPercentOutOfRange { percent: u8 },
    #[error("rule set id must be 1-64 lowercase letters, digits or underscores")]
    InvalidId,
    #[error("rule set needs a Chinese and an English name")]
    MissingName,
    #[error("rule set has no rules")]
    NoRules,
    #[error("the clock is already paused")]
    AlreadyPaused,
    #[error("the clock is not paused")]
    NotPaused,
    #[error("the clock has stopped")]
    ClockStopped,
}

/// A rule set's problems name the form field they belong to (a limit: the rules);
/// a clock's problems belong to no field.
impl duban_core::CodedError for SlaError {
    fn field(&self) -> std::borrow::Cow<'_, str> {
        match self {
            SlaError::LimitOutOfRange { .. } | SlaError::NoRules => "rules",
            SlaError::WarnPercentOutOfRange { .. } => "warn_percent",
            SlaError::InvalidId => "id",
            SlaError::MissingName => "name",
            SlaError::AlreadyPaused | SlaError::NotPaused | SlaError::ClockStopped => "",
        }
        .into()
    }
    fn code(&self) -> std::borrow::Cow<'static, str> {
        match self {
            SlaError::LimitOutOfRange { .. } => "limit.out_of_range",
            SlaError::WarnPercentOutOfRange { .. } => "warn_percent.out_of_range",
            SlaError::InvalidId => "id.invalid",
            SlaError::MissingName => "name.required",
            SlaError::NoRules => "rules.empty",
            SlaError::AlreadyPaused => "clock.already_paused",
            SlaError::NotPaused => "clock.not_paused",
            SlaError::ClockStopped => "clock.stopped",
        }
        .into()
    }
    /// Worded by the catalogue under keys of its own: the codes are generic
    /// (`name.required`), so an `err.<code>` entry would word other crates' errors too.
    fn message(&self, lang: duban_core::Lang) -> String {
        let text = match self {
            SlaError::LimitOutOfRange { .. } => key!("sla.err.limit_out_of_range"),
            SlaError::WarnPercentOutOfRange { .. } => key!("sla.err.warn_percent_out_of_range"),
            SlaError::InvalidId => key!("sla.err.invalid_id"),
            SlaError::MissingName => key!("sla.err.missing_name"),
            SlaError::NoRules => key!("sla.err.no_rules"),
            SlaError::AlreadyPaused => key!("sla.err.already_paused"),
            SlaError::NotPaused => key!("sla.err.not_paused"),
            SlaError::ClockStopped => key!("sla.err.clock_stopped"),
        };
        text.get(lang).to_owned()
    }
}

#[cfg(test)]
mod tests;
