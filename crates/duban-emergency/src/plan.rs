//! Plan templates (预案) as data.

use std::borrow::Cow;

use duban_core::{CodedError, Lang, key};
use serde::{Deserialize, Serialize};

/// Kind of incident.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentType {
    WaterPollution,
    AirPollution,
    HazardousChemicals,
    SolidWaste,
    Radiation,
    Other,
}

impl IncidentType {
    pub const ALL: [IncidentType; 6] = [
        IncidentType::WaterPollution,
        IncidentType::AirPollution,
        IncidentType::HazardousChemicals,
        IncidentType::SolidWaste,
        IncidentType::Radiation,
        IncidentType::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            IncidentType::WaterPollution => "water_pollution",
            IncidentType::AirPollution => "air_pollution",
            IncidentType::HazardousChemicals => "hazardous_chemicals",
            IncidentType::SolidWaste => "solid_waste",
            IncidentType::Radiation => "radiation",
            IncidentType::Other => "other",
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        let key = match self {
            IncidentType::WaterPollution => key!("incident.type.water_pollution"),
            IncidentType::AirPollution => key!("incident.type.air_pollution"),
            IncidentType::HazardousChemicals => key!("incident.type.hazardous_chemicals"),
            IncidentType::SolidWaste => key!("incident.type.solid_waste"),
            IncidentType::Radiation => key!("incident.type.radiation"),
            IncidentType::Other => key!("incident.type.other"),
        };
        key.get(lang)
    }
    pub fn parse(s: &str) -> Option<IncidentType> {
        IncidentType::ALL.into_iter().find(|t| t.code() == s.trim())
    }
}

/// The code, exactly.
impl std::str::FromStr for IncidentType {
    type Err = ();
    fn from_str(s: &str) -> Result<IncidentType, ()> {
        IncidentType::ALL
            .into_iter()
            .find(|t| t.code() == s)
            .ok_or(())
    }
}

/// Severity of an incident, I the gravest.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    I,
    II,
    III,
    IV,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::I, Severity::II, Severity::III, Severity::IV];
    pub fn code(self) -> &'static str {
        match self {
            Severity::I => "I",
            Severity::II => "II",
            Severity::III => "III",
            Severity::IV => "IV",
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        let key = match self {
            Severity::I => key!("incident.severity.I"),
            Severity::II => key!("incident.severity.II"),
            Severity::III => key!("incident.severity.III"),
            Severity::IV => key!("incident.severity.IV"),
        };
        key.get(lang)
    }
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.code() == s.trim())
    }
}

/// The code, exactly.
impl std::str::FromStr for Severity {
    type Err = ();
    fn from_str(s: &str) -> Result<Severity, ()> {
        Severity::ALL.into_iter().find(|v| v.code() == s).ok_or(())
    }
}

/// A department's part in a plan.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanDepartment {
    pub unit: String,
    pub tasks: Vec<String>,
    /// Minutes to acknowledge after the incident is declared.
    pub ack_minutes: u32,
}

/// A plan template (预案) for some types and severities.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub types: Vec<IncidentType>,
    pub severities: Vec<Severity>,
    pub departments: Vec<PlanDepartment>,
}

/// Why a plan list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    #[error("plans[{index}].{field} is required")]
    Required { index: usize, field: String },
    #[error("plans[{index}].id is used twice")]
    DuplicateId { index: usize },
    #[error("plans[{index}].{field} is not valid")]
    Invalid { index: usize, field: String },
    #[error("plans[{index}].departments[{dept}].unit does not exist")]
    UnknownUnit { index: usize, dept: usize },
}

impl CodedError for PlanError {
    fn field(&self) -> Cow<'_, str> {
        match self {
            PlanError::Required { index, field } | PlanError::Invalid { index, field } => {
                format!("plans[{index}].{field}").into()
            }
            PlanError::DuplicateId { index } => format!("plans[{index}].id").into(),
            PlanError::UnknownUnit { index, dept } => {
                format!("plans[{index}].departments[{dept}].unit").into()
            }
        }
    }
    fn code(&self) -> Cow<'static, str> {
        Cow::Borrowed(PlanError::code(self))
    }
}

impl PlanError {
    /// Kept for callers that do not import [`CodedError`]; remove once they do.
    pub fn field(&self) -> String {
        CodedError::field(self).into_owned()
    }
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            PlanError::Required { .. } => "plan.required",
            PlanError::DuplicateId { .. } => "plan.id_duplicate",
            PlanError::Invalid { .. } => "plan.invalid",
            PlanError::UnknownUnit { .. } => "plan.unit_unknown",
        }
    }
    pub fn message(&self, lang: Lang) -> String {
        CodedError::message(self, lang)
    }
}

/// A validated, ordered list of plans; the first that fits an incident applies.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Plan>", into = "Vec<Plan>")]
#[cfg_attr(feature = "openapi", schema(value_type = Vec<Plan>))]
pub struct Plans(Vec<Plan>);

impl Plans {
    /// Check plans; `units` (when given) must hold every named department.
    pub fn parse(plans: Vec<Plan>, units: Option<&[String]>) -> Result<Plans, Vec<PlanError>> {
        let mut errs = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for (index, p) in plans.iter().enumerate() {
            let req = |field: &str| PlanError::Required {
                index,
                field: field.into(),
            };
            if p.id.trim().is_empty() {
                errs.push(req("id"));
            } else if !ids.insert(p.id.trim().to_owned()) {
                errs.push(PlanError::DuplicateId { index });
            }
            if p.name.trim().is_empty() {
                errs.push(req("name"));
            }
            if p.types.is_empty() {
                errs.push(req("types"));
            }
            if p.severities.is_empty() {
                errs.push(req("severities"));
            }
            if p.departments.is_empty() {
                errs.push(req("departments"));
            }
            for (dept, d) in p.departments.iter().enumerate() {
                if d.unit.trim().is_empty() {
                    errs.push(req(&format!("departments[{dept}].unit")));
                } else if let Some(units) = units
                    && !units.iter().any(|u| u == d.unit.trim())
                {
                    errs.push(PlanError::UnknownUnit { index, dept });
                }
                if !(1..=24 * 60).contains(&d.ack_minutes) {
                    errs.push(PlanError::Invalid {
                        index,
                        field: format!("departments[{dept}].ack_minutes"),
                    });
                }
                if d.tasks.is_empty() || d.tasks.iter().any(|t| t.trim().is_empty()) {
                    errs.push(PlanError::Invalid {
                        index,
                        field: format!("departments[{dept}].tasks"),
                    });
                }
            }
        }
        if errs.is_empty() {
            Ok(Plans(plans))
        } else {
            Err(errs)
        }
    }
    pub fn plans(&self) -> &[Plan] {
        &self.0
    }
    /// The first plan for this type and severity.
    pub fn pick(&self, t: IncidentType, s: Severity) -> Option<&Plan> {
        self.0
            .iter()
            .find(|p| p.types.contains(&t) && p.severities.contains(&s))
    }
}

impl TryFrom<Vec<Plan>> for Plans {
    type Error = String;
    fn try_from(p: Vec<Plan>) -> Result<Self, Self::Error> {
        Plans::parse(p, None).map_err(|e| {
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
}

impl From<Plans> for Vec<Plan> {
    fn from(p: Plans) -> Self {
        p.0
    }
}

fn dept(unit: &str, tasks: &[&str], ack_minutes: u32) -> PlanDepartment {
    PlanDepartment {
        unit: unit.into(),
        tasks: tasks.iter().map(|t| (*t).to_owned()).collect(),
        ack_minutes,
    }
}

/// Default plans, after the national plan for environmental emergencies (国家突发环境事件
/// 应急预案): graver incidents bring more departments and shorter acknowledgement times.
pub fn default_plans() -> Plans {
    use IncidentType as T;
    use Severity as S;
    let monitoring = dept(
        "dept-sthjt",
        &["赶赴现场开展应急监测", "查明污染源并提出处置建议"],
        15,
    );
    let petitions = dept("dept-xfj", &["接待群众来访来电，做好解释疏导"], 60);
    Plans(vec![
        Plan {
            id: "water-major".into(),
            name: "突发水污染事件应急预案（重大及以上）".into(),
            types: vec![T::WaterPollution],
            severities: vec![S::I, S::II],
            departments: vec![
                dept("dept-yjglt", &["统筹协调应急处置，调度救援力量"], 15),
                monitoring.clone(),
                dept("dept-slt", &["调度水利工程，控制污染团扩散"], 30),
                dept("dept-wsjkw", &["开展饮用水卫生监测，做好医疗救治准备"], 30),
                dept("dept-gat", &["现场警戒和交通管制，依法立案侦查"], 30),
                petitions.clone(),
            ],
        },
        Plan {
            id: "water".into(),
            name: "突发水污染事件应急预案（较大、一般）".into(),
            types: vec![T::WaterPollution],
            severities: vec![S::III, S::IV],
            departments: vec![
                monitoring.clone(),
                dept("dept-slt", &["排查河道排口，配合截污"], 60),
                petitions.clone(),
            ],
        },
        Plan {
            id: "chemicals".into(),
            name: "危险化学品泄漏事故应急预案".into(),
            types: vec![T::HazardousChemicals],
            severities: vec![S::I, S::II, S::III, S::IV],
            departments: vec![
                dept("dept-yjglt", &["组织抢险救援，防止次生事故"], 15),
                dept("dept-gat", &["疏散群众，现场警戒"], 15),
                monitoring.clone(),
                dept("dept-wsjkw", &["组织伤员救治"], 30),
                petitions.clone(),
            ],
        },
        Plan {
            id: "air".into(),
            name: "突发大气污染事件应急预案".into(),
            types: vec![T::AirPollution],
            severities: vec![S::I, S::II, S::III, S::IV],
            departments: vec![
                monitoring.clone(),
                dept("dept-wsjkw", &["评估健康影响，做好医疗救治准备"], 30),
                petitions.clone(),
            ],
        },
        Plan {
            id: "general".into(),
            name: "突发环境事件通用应急预案".into(),
            types: IncidentType::ALL.to_vec(),
            severities: Severity::ALL.to_vec(),
            departments: vec![monitoring, petitions],
        },
    ])
}
