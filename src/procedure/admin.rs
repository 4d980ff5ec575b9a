//! Placeholder (being written).

pub fn routes() -> Vec<crate::web::routes::Route> {
    vec![]
}
