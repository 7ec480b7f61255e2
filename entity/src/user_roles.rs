use std::fmt;
use std::str::FromStr;

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_roles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: crate::users::UserId,
    /// The council the role is held in. A provider's role and a deployment administrator's
    /// hold in every council (see [`Role::is_deployment_wide`]); this is where it was granted.
    #[sea_orm(primary_key, auto_increment = false)]
    pub council_id: crate::councils::CouncilId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: Role,
    pub granted_by: Option<crate::users::UserId>,
    pub granted_at: DateTimeUtc,
}

crate::text_enum! {
    /// The roles people hold in Kith. One account may hold several.
    pub enum Role {
        BudgetHolder = "budget_holder",
        Broker = "broker",
        Provider = "provider",
        QualityChecker = "quality_checker",
        Commissioner = "commissioner",
        Admin = "admin",
        SuperAdmin = "super_admin",
    }
}

impl Role {
    /// The name people see.
    pub fn label(self) -> &'static str {
        match self {
            Role::BudgetHolder => "Budget holder or carer",
            Role::Broker => "Support broker",
            Role::Provider => "Provider",
            Role::QualityChecker => "Quality checker",
            Role::Commissioner => "Commissioner",
            Role::Admin => "Administrator",
            Role::SuperAdmin => "Deployment administrator",
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
            Role::SuperAdmin => {
                "Adds councils, changes their details and names their first administrators"
            }
        }
    }

    /// Roles a person may give themselves when registering; the rest come by invitation.
    pub fn is_self_service(self) -> bool {
        matches!(self, Role::BudgetHolder | Role::Provider)
    }

    /// Roles that hold in every council of the deployment, whichever council granted them:
    /// providers (one account and organisation serving any council) and the deployment's
    /// own administrators. Every other role is held in one council.
    pub fn is_deployment_wide(self) -> bool {
        matches!(self, Role::Provider | Role::SuperAdmin)
    }

    /// Roles a council's administrator grants (and invites people to) in their council.
    pub fn staff_roles() -> impl Iterator<Item = Role> {
        Role::ALL
            .into_iter()
            .filter(|r| !r.is_self_service() && *r != Role::SuperAdmin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug)]
pub struct UnknownRole;

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown role")
    }
}

impl std::error::Error for UnknownRole {}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::parse(s).ok_or(UnknownRole)
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id"
    )]
    User,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
