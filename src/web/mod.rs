//! Page layout, shared components, middleware and the route table.

pub mod assets;
pub mod error_pages;
pub mod extract;
pub mod fields;
pub mod forms;
pub mod headers;
pub mod home;
pub mod input;
pub mod layout;
pub mod pagination;
pub mod routes;
pub mod table;
pub mod time_fmt;
pub mod upload;

pub use extract::Ctx;
