//! Routing rules: data, ordered, each explaining what it decided.

use duban_case::Lang;
use duban_case::lifecycle::{Case, Command};
use duban_case::model::{Category, Channel, KeyClass};
use duban_core::key;
use duban_divisions::{DivisionCode, Level};
use serde::{Deserialize, Serialize};

use crate::error::RuleError;

/// What a rule decides.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// The lead unit (牵头单位): the first matching rule wins.
    Lead,
    /// A department notified to co-handle (抄送/协办): every matching rule adds one.
    Notify,
    /// The named supervisor of a key case (督办专员): the first matching rule wins.
    Supervise,
}

impl RuleKind {
    fn code(self) -> &'static str {
        match self {
            RuleKind::Lead => "lead",
            RuleKind::Notify => "notify",
            RuleKind::Supervise => "supervise",
        }
    }
}

/// When a rule applies: every non-empty list must match (any one of its entries).
/// An empty `When` matches every case.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct When {
    /// The case lies in one of these divisions (a city code covers its counties).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub divisions: Vec<DivisionCode>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub categories: Vec<Category>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub key_classes: Vec<KeyClass>,
    /// The content contains one of these words.
    pub keywords: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub channels: Vec<Channel>,
}

/// Which level's government a territorial rule picks.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GovLevel {
    City,
    County,
}

/// Whom a rule names.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Target {
    /// A fixed unit.
    Unit { unit: String },
    /// The government of the city or county the case lies in (属地管理).
    TerritorialGovernment { level: GovLevel },
    /// A supervisor's username.
    Person { username: String },
}

/// One routing rule.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    /// What the rule is for, in the office's words (shown in every explanation).
    pub name: String,
    pub kind: RuleKind,
    #[serde(default)]
    pub when: When,
    pub then: Target,
}

/// A unit of the organisation as routing needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: String,
    pub name: String,
    /// `government` units are found by their division.
    pub kind: String,
    pub division: Option<DivisionCode>,
}

impl Unit {
    /// A unit; an unknown division code counts as none.
    pub fn new(id: &str, name: &str, kind: &str, division: Option<&str>) -> Unit {
        Unit {
            id: id.into(),
            name: name.into(),
            kind: kind.into(),
            division: division.and_then(|d| d.parse().ok()),
        }
    }
}

/// A validated, ordered rule set. Build with [`RoutingRules::parse`] (structure and
/// units) or deserialize (structure only).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Rule>", into = "Vec<Rule>")]
#[cfg_attr(feature = "openapi", schema(value_type = Vec<Rule>))]
pub struct RoutingRules(Vec<Rule>);

const MAX_RULES: usize = 500;

impl RoutingRules {
    /// Check a rule list: ids present, well-formed and unique, names present, targets
    /// fitting their kind, keywords not empty and, when `units` is given, every named
    /// unit known.
    pub fn parse(rules: Vec<Rule>, units: Option<&[Unit]>) -> Result<RoutingRules, Vec<RuleError>> {
        let mut errs = Vec::new();
        if rules.len() > MAX_RULES {
            errs.push(RuleError::TooMany { max: MAX_RULES });
        }
        let mut seen = std::collections::HashSet::new();
        for (index, r) in rules.iter().enumerate() {
            let id = r.id.trim();
            if id.is_empty() {
                errs.push(RuleError::Required { index, field: "id" });
            } else if id.len() > 40
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                errs.push(RuleError::InvalidId { index });
            } else if !seen.insert(id.to_owned()) {
                errs.push(RuleError::DuplicateId {
                    index,
                    id: id.to_owned(),
                });
            }
            if r.name.trim().is_empty() {
                errs.push(RuleError::Required {
                    index,
                    field: "name",
                });
            }
            let target = match &r.then {
                Target::Unit { .. } => "unit",
                Target::TerritorialGovernment { .. } => "territorial_government",
                Target::Person { .. } => "person",
            };
            let fits = match r.kind {
                RuleKind::Lead | RuleKind::Notify => target != "person",
                RuleKind::Supervise => target == "person",
            };
            if !fits {
                errs.push(RuleError::TargetMismatch {
                    index,
                    kind: r.kind.code(),
                    target,
                });
            }
            match &r.then {
                Target::Unit { unit } if unit.trim().is_empty() => errs.push(RuleError::Required {
                    index,
                    field: "then.unit",
                }),
                Target::Unit { unit } => {
                    if let Some(units) = units
                        && !units.iter().any(|u| u.id == unit.trim())
                    {
                        errs.push(RuleError::UnknownUnit {
                            index,
                            unit: unit.clone(),
                        });
                    }
                }
                Target::Person { username } if username.trim().is_empty() => {
                    errs.push(RuleError::Required {
                        index,
                        field: "then.username",
                    })
                }
                _ => {}
            }
            if r.when.keywords.iter().any(|k| k.trim().is_empty()) {
                errs.push(RuleError::EmptyKeyword { index });
            }
        }
        if errs.is_empty() {
            Ok(RoutingRules(rules))
        } else {
            Err(errs)
        }
    }
    pub fn rules(&self) -> &[Rule] {
        &self.0
    }
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.0.iter().find(|r| r.id == id)
    }
}

impl TryFrom<Vec<Rule>> for RoutingRules {
    type Error = String;
    fn try_from(rules: Vec<Rule>) -> Result<Self, Self::Error> {
        RoutingRules::parse(rules, None).map_err(|errs| {
            errs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
}

impl From<RoutingRules> for Vec<Rule> {
    fn from(r: RoutingRules) -> Self {
        r.0
    }
}

/// The facts of a case routing looks at.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub division: DivisionCode,
    pub categories: &'a [Category],
    pub key_classes: &'a [KeyClass],
    pub channel: Channel,
    pub content: &'a str,
}

impl<'a> Facts<'a> {
    /// The facts of a case not stored yet (an import row, for its proposal).
    pub fn of_new(case: &'a duban_case::draft::NewCase) -> Facts<'a> {
        Facts {
            division: case.division(),
            categories: case.categories(),
            key_classes: case.key_classes(),
            channel: case.channel(),
            content: case.content(),
        }
    }
    pub fn of(case: &'a Case) -> Facts<'a> {
        Facts {
            division: case.division(),
            categories: case.categories(),
            key_classes: case.key_classes(),
            channel: case.channel(),
            content: case.content(),
        }
    }
}

/// One reason a rule matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Because {
    /// The case's division lies in `within`.
    Division {
        case: DivisionCode,
        within: DivisionCode,
    },
    /// The government of `government_of` is responsible for the case's division.
    Territory {
        case: DivisionCode,
        government_of: DivisionCode,
    },
    Category {
        category: Category,
    },
    KeyClass {
        key_class: KeyClass,
    },
    Keyword {
        word: String,
    },
    Channel {
        channel: Channel,
    },
    /// The rule applies to every case.
    Always,
}

impl Because {
    /// The reason for people, by names (no division codes): `行政区域镇江市京口区属镇江市属地管理`.
    pub fn explain(&self, lang: Lang) -> String {
        let name = |d: &DivisionCode| d.division().full_name();
        match self {
            Because::Division { case, within } if case == within => {
                key!("dispatch.because.division").fill(lang, &[("division", name(case))])
            }
            Because::Division { case, within } => key!("dispatch.because.within")
                .fill(lang, &[("division", name(case)), ("within", name(within))]),
            Because::Territory {
                case,
                government_of,
            } => key!("dispatch.because.territory").fill(
                lang,
                &[
                    ("division", name(case)),
                    ("government", name(government_of)),
                ],
            ),
            Because::Category { category } => key!("dispatch.because.category")
                .fill(lang, &[("category", category.label(lang).to_owned())]),
            Because::KeyClass { key_class } => key!("dispatch.because.key_class")
                .fill(lang, &[("key_class", key_class.label(lang).to_owned())]),
            Because::Keyword { word } => {
                key!("dispatch.because.keyword").fill(lang, &[("word", word.clone())])
            }
            Because::Channel { channel } => key!("dispatch.because.channel")
                .fill(lang, &[("channel", channel.label(lang).to_owned())]),
            Because::Always => key!("dispatch.because.always").get(lang).to_owned(),
        }
    }
}

/// What one rule proposes, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub kind: RuleKind,
    /// A unit id, or a username for supervisors.
    pub unit: String,
    /// The unit's name (the username for supervisors).
    pub name: String,
    pub rule: String,
    pub rule_name: String,
    pub because: Vec<Because>,
}

impl Proposal {
    /// The reasons worth saying: a division lying in the very place whose government
    /// is responsible for it (a zone's own rule) says nothing the territory does not.
    pub fn reasons(&self) -> impl Iterator<Item = &Because> {
        self.because.iter().filter(|b| match b {
            Because::Division { case, within } => !self.because.iter().any(|t| {
                matches!(t, Because::Territory { case: c, government_of } if c == case && government_of == within)
            }),
            _ => true,
        })
    }
    /// The explanation in both languages, as a dispatch keeps it.
    pub fn reason(&self) -> duban_case::lifecycle::RoutingReason {
        duban_case::lifecycle::RoutingReason {
            zh: self.explain(Lang::Zh),
            en: self.explain(Lang::En),
        }
    }
    /// "牵头：镇江市人民政府，依据规则“属地政府牵头”：行政区域镇江市京口区属镇江市属地管理".
    pub fn explain(&self, lang: Lang) -> String {
        let reasons: Vec<String> = self.reasons().map(|b| b.explain(lang)).collect();
        let role = match self.kind {
            RuleKind::Lead => key!("dispatch.role.lead"),
            RuleKind::Notify => key!("dispatch.role.notify"),
            RuleKind::Supervise => key!("dispatch.role.supervise"),
        };
        key!("dispatch.explain").fill(
            lang,
            &[
                ("role", role.get(lang).to_owned()),
                ("name", self.name.clone()),
                ("rule", self.rule_name.clone()),
                (
                    "reasons",
                    reasons.join(key!("dispatch.because.sep").get(lang)),
                ),
            ],
        )
    }
}

/// The outcome of routing one case.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Routing {
    pub lead: Option<Proposal>,
    pub notify: Vec<Proposal>,
    pub supervisor: Option<Proposal>,
}

impl Routing {
    /// The dispatch command this routing proposes (none without a lead unit).
    pub fn dispatch_command(&self, note: &str) -> Option<Command> {
        let lead = self.lead.as_ref()?;
        Some(Command::Dispatch {
            lead_unit: lead.unit.clone(),
            co_units: self.notify.iter().map(|p| p.unit.clone()).collect(),
            note: note.to_owned(),
            routed_by: self
                .lead
                .iter()
                .chain(&self.notify)
                .map(|p| p.rule.clone())
                .collect(),
            why: self
                .lead
                .iter()
                .chain(&self.notify)
                .map(Proposal::reason)
                .collect(),
        })
    }
    /// The ids of the rules that decided, lead first.
    pub fn rule_ids(&self) -> Vec<String> {
        self.lead
            .iter()
            .chain(&self.notify)
            .chain(&self.supervisor)
            .map(|p| p.rule.clone())
            .collect()
    }
}

/// Why `when` matches the facts, or `None` when it does not.
fn matches(when: &When, f: &Facts<'_>) -> Option<Vec<Because>> {
    let mut because = Vec::new();
    if !when.divisions.is_empty() {
        let here = f.division.division();
        let within = when
            .divisions
            .iter()
            .find(|d| here.is_within(d.division()))?;
        because.push(Because::Division {
            case: f.division,
            within: *within,
        });
    }
    if !when.categories.is_empty() {
        let c = when.categories.iter().find(|c| f.categories.contains(c))?;
        because.push(Because::Category { category: *c });
    }
    if !when.key_classes.is_empty() {
        let k = when
            .key_classes
            .iter()
            .find(|k| f.key_classes.contains(k))?;
        because.push(Because::KeyClass { key_class: *k });
    }
    if !when.keywords.is_empty() {
        let w = when
            .keywords
            .iter()
            .find(|w| !w.trim().is_empty() && f.content.contains(w.trim()))?;
        because.push(Because::Keyword {
            word: w.trim().to_owned(),
        });
    }
    if !when.channels.is_empty() {
        let c = when.channels.iter().find(|c| **c == f.channel)?;
        because.push(Because::Channel { channel: *c });
    }
    Some(because)
}

/// The government unit of the case's city or county, if the directory has one.
fn territorial(
    level: GovLevel,
    division: DivisionCode,
    units: &[Unit],
) -> Option<(&Unit, DivisionCode)> {
    let d = division.division();
    let at = match (level, d.level()) {
        (_, Level::Province) => return None,
        (GovLevel::City, _) => d.city().unwrap_or(d).code(),
        (GovLevel::County, Level::County) => d.code(),
        (GovLevel::County, Level::City) => return None,
    };
    // A functional zone is governed by its management committee (管委会).
    let zone = at.division().is_zone();
    units
        .iter()
        .find(|u| (u.kind == "government" || zone && u.kind == "zone") && u.division == Some(at))
        .map(|u| (u, at))
}

/// Route a case: the first lead rule whose target exists, every notify rule (each unit
/// once, never the lead), the first supervise rule.
pub fn route(facts: &Facts<'_>, rules: &RoutingRules, units: &[Unit]) -> Routing {
    let mut out = Routing::default();
    for rule in rules.rules() {
        let taken = match rule.kind {
            RuleKind::Lead => out.lead.is_some(),
            RuleKind::Supervise => out.supervisor.is_some(),
            RuleKind::Notify => false,
        };
        if taken {
            continue;
        }
        let Some(mut because) = matches(&rule.when, facts) else {
            continue;
        };
        let (unit, name) = match &rule.then {
            Target::Unit { unit } => match units.iter().find(|u| u.id == unit.trim()) {
                Some(u) => (u.id.clone(), u.name.clone()),
                None => continue,
            },
            Target::TerritorialGovernment { level } => {
                match territorial(*level, facts.division, units) {
                    Some((u, at)) => {
                        because.push(Because::Territory {
                            case: facts.division,
                            government_of: at,
                        });
                        (u.id.clone(), u.name.clone())
                    }
                    None => continue,
                }
            }
            Target::Person { username } => (username.trim().to_owned(), username.trim().to_owned()),
        };
        if because.is_empty() {
            because.push(Because::Always);
        }
        let p = Proposal {
            kind: rule.kind,
            unit,
            name,
            rule: rule.id.clone(),
            rule_name: rule.name.clone(),
            because,
        };
        match rule.kind {
            RuleKind::Lead => out.lead = Some(p),
            RuleKind::Supervise => out.supervisor = Some(p),
            RuleKind::Notify => out.notify.push(p),
        }
    }
    // A department named both lead and notified leads; each notified unit once.
    let lead = out.lead.as_ref().map(|p| p.unit.clone());
    let mut seen = std::collections::HashSet::new();
    out.notify
        .retain(|p| Some(&p.unit) != lead.as_ref() && seen.insert(p.unit.clone()));
    out
}

/// The default rules: a functional zone's management committee leads its cases, the
/// city government leads the others (属地管理); departments are notified by
/// what the content is about, as the seed report describes (sewage and garbage to 住建厅,
/// nature reserves to 林业局 …). Supervise rules name people, so there are none by default.
pub fn default_rules() -> RoutingRules {
    let notify = |id: &str, name: &str, words: &[&str], unit: &str| Rule {
        id: id.into(),
        name: name.into(),
        kind: RuleKind::Notify,
        when: When {
            keywords: words.iter().map(|w| (*w).to_owned()).collect(),
            ..When::default()
        },
        then: Target::Unit { unit: unit.into() },
    };
    RoutingRules(vec![
        Rule {
            id: "lead-zone".into(),
            name: "功能区管委会牵头".into(),
            kind: RuleKind::Lead,
            when: When {
                divisions: duban_divisions::zones().iter().map(|z| z.code()).collect(),
                ..When::default()
            },
            then: Target::TerritorialGovernment {
                level: GovLevel::County,
            },
        },
        Rule {
            id: "lead-city".into(),
            name: "属地政府牵头（设区市）".into(),
            kind: RuleKind::Lead,
            when: When::default(),
            then: Target::TerritorialGovernment {
                level: GovLevel::City,
            },
        },
        notify(
            "notify-housing",
            "生活污水、垃圾问题抄送住建厅",
            &["污水", "垃圾", "黑臭", "管网", "化粪池"],
            "dept-zjt",
        ),
        notify(
            "notify-forestry",
            "自然保护区、湿地、林地问题抄送林业局",
            &["自然保护区", "湿地", "林地", "森林公园", "毁林"],
            "dept-lyj",
        ),
        notify(
            "notify-water",
            "河湖、水库、采砂问题抄送水利厅",
            &["河道", "河湖", "水库", "采砂", "岸线"],
            "dept-slt",
        ),
        notify(
            "notify-agriculture",
            "畜禽养殖、秸秆问题抄送农业农村厅",
            &["畜禽", "养殖场", "养猪", "秸秆"],
            "dept-nynct",
        ),
        notify(
            "notify-transport",
            "港口码头、船舶问题抄送交通运输厅",
            &["码头", "港口", "船舶"],
            "dept-jtyst",
        ),
        notify(
            "notify-resources",
            "矿山、非法占地问题抄送自然资源厅",
            &["矿山", "采石", "非法占地", "宕口"],
            "dept-zrzyt",
        ),
    ])
}
