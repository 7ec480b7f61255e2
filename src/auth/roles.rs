//! The roles people hold in Kith. One account may hold several. The role itself is stored
//! text, so it is declared with its table in `entity::user_roles`.

pub use entity::user_roles::{Role, UnknownRole};

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
