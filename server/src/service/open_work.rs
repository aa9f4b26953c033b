//! What is still open on a case in the mechanisms, for the rule that a case is not
//! closed or archived over it (`duban_case::closing`).

use crate::service::AppState;
use crate::service::mechanisms::of_case;
use duban_case::lifecycle::Case;

impl AppState {
    /// What is still open on a case in the mechanisms: supervision orders, referrals
    /// and incidents not yet closed.
    pub async fn open_work(
        &self,
        case: &Case,
    ) -> Result<Vec<duban_case::closing::OpenWork>, crate::store::StoreError> {
        use duban_case::closing::{OpenWork, OpenWorkKind};
        let id = case.id().to_string();
        let mut open = Vec::new();
        for sv in of_case::<duban_supervision::Supervision>(self, &id).await? {
            open.extend(
                sv.orders()
                    .iter()
                    .filter(|o| o.status != duban_supervision::OrderStatus::Closed)
                    .map(|o| OpenWork {
                        kind: OpenWorkKind::SupervisionOrder,
                        id: id.clone(),
                        title: o.number.clone(),
                    }),
            );
        }
        let referrals = of_case::<duban_referral::Referral>(self, &id).await?;
        open.extend(
            referrals
                .iter()
                .filter(|r| r.status() != duban_referral::Status::Closed)
                .map(|r| OpenWork {
                    kind: OpenWorkKind::Referral,
                    id: r.id().to_owned(),
                    title: r.subject().to_owned(),
                }),
        );
        let incidents = of_case::<duban_emergency::Incident>(self, &id).await?;
        open.extend(
            incidents
                .iter()
                .filter(|i| i.status() != duban_emergency::Status::Closed)
                .map(|i| OpenWork {
                    kind: OpenWorkKind::Incident,
                    id: i.id().to_owned(),
                    title: i.title().to_owned(),
                }),
        );
        Ok(open)
    }
}
