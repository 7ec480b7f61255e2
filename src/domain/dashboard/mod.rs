//! What each role needs to see first after signing in: the home page's sections and the
//! counts beside menu items. Figures only, read in a few queries each; the pages link on to
//! the areas that act on them.

pub mod menu;
pub mod provider;
pub mod seeker;
pub mod staff;

pub use menu::MenuCounts;

/// Anything that stopped a home page being read: all of them the service's fault.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Enquiry(#[from] crate::domain::enquiries::EnquiryError),
    #[error(transparent)]
    Plan(#[from] crate::domain::plans::support_plans::PlanError),
    #[error(transparent)]
    Client(#[from] crate::domain::plans::clients::ClientError),
    #[error(transparent)]
    Listing(#[from] crate::domain::listings::ListingError),
    #[error(transparent)]
    Assignment(#[from] crate::domain::checking::assignments::AssignmentError),
}

/// An open enquiry awaiting someone, with what its line on a home page says.
#[derive(Clone, Debug)]
pub struct EnquiryLine {
    pub id: i64,
    pub listing_title: String,
    /// The other side: the provider for an enquirer, the person for a provider.
    pub with: String,
    pub last_message_at: chrono::DateTime<chrono::Utc>,
    /// Days before an enquiry nobody has answered closes by itself, when it will.
    pub days_left: Option<i64>,
}
