//! Page layout, shared components, extractors and middleware, and the route type with
//! its guard: what every screen uses, knowing no capability.

pub mod assets;
pub mod error_pages;
pub mod extract;
pub mod fields;
pub mod forms;
pub mod headers;
pub mod input;
pub mod layout;
pub mod pagination;
pub mod route;
pub mod table;
pub mod time_fmt;
pub mod upload;

pub use extract::Ctx;
