//! The roles people hold in Kith. One account may hold several.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    BudgetHolder,
    Broker,
    Provider,
    QualityChecker,
    Commissioner,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::BudgetHolder,
        Role::Broker,
        Role::Provider,
        Role::QualityChecker,
        Role::Commissioner,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::BudgetHolder => "budget_holder",
            Role::Broker => "broker",
            Role::Provider => "provider",
            Role::QualityChecker => "quality_checker",
            Role::Commissioner => "commissioner",
            Role::Admin => "admin",
        }
    }

    /// The name people see.
    pub fn label(self) -> &'static str {
        match self {
            Role::BudgetHolder => "Budget holder or carer",
            Role::Broker => "Support broker",
            Role::Provider => "Provider",
            Role::QualityChecker => "Quality checker",
            Role::Commissioner => "Commissioner",
            Role::Admin => "Administrator",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Role::BudgetHolder => {
                "Has a personal budget or direct payment, or cares for someone who does"
            }
            Role::Broker => "Helps named clients find and arrange support on their behalf",
            Role::Provider => {
                "Publishes support: an organisation, a micro-enterprise or a personal assistant"
            }
            Role::QualityChecker => "Visits services and records quality inspections",
            Role::Commissioner => {
                "Sees market data, runs the innovation fund and publishes the Market Position Statement"
            }
            Role::Admin => "Approves providers and listings and manages accounts and roles",
        }
    }

    /// Roles a person may give themselves when registering; the rest come by invitation.
    pub fn is_self_service(self) -> bool {
        matches!(self, Role::BudgetHolder | Role::Provider)
    }

    pub fn staff_roles() -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(|r| !r.is_self_service())
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown role")]
pub struct UnknownRole;

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(UnknownRole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().ok(), Some(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
