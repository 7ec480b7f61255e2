//! Footer pages.

use crate::views::{self, Page};

pub async fn accessibility(page: Page) -> maud::Markup {
    views::info::accessibility(&page)
}

pub async fn privacy(
    page: Page,
    state: actix_web::web::Data<crate::state::AppState>,
) -> maud::Markup {
    let policy = crate::domain::privacy::retention::Policy::from_settings(&state.settings);
    views::info::privacy(&page, &policy)
}

pub async fn cookies(page: Page) -> maud::Markup {
    views::info::cookies(&page)
}
