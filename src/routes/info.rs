//! Footer pages.

use crate::views::{self, Page};

pub async fn accessibility(page: Page) -> maud::Markup {
    views::info::accessibility(&page)
}

pub async fn privacy(page: Page) -> maud::Markup {
    views::info::privacy(&page)
}

pub async fn cookies(page: Page) -> maud::Markup {
    views::info::cookies(&page)
}
