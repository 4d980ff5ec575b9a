//! Who is signed in, and whether they may do what they ask: passwords, sessions, sign-in
//! and sign-out, first-run setup, own-password change, throttling, CSRF, the access policy.

pub mod account;
pub mod csrf;
pub mod current_user;
mod hashers;
pub mod login;
pub mod password;
pub mod policy;
pub mod session_store;
pub mod setup;
pub mod throttle;
pub mod tokens;
pub mod users;

pub use current_user::CurrentUser;
