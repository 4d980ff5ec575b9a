//! Password hashing (argon2id, OWASP parameters: 19 MiB, 2 passes, 1 lane — the crate's
//! defaults) and the password policy (NCSC: length over complexity, no composition rules,
//! block the commonly used ones and the username itself).

use super::hashers;
use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};
use std::{collections::HashSet, sync::OnceLock};

pub const MIN_LENGTH: usize = 12;
/// Long enough for any passphrase; bounded so nobody can make us hash megabytes.
pub const MAX_LENGTH: usize = 256;

/// Hashes on a hashing thread (`super::hashers`): argon2 takes tens of milliseconds of CPU and must never
/// stall the async runtime.
pub async fn hash(password: String) -> Result<String, crate::error::AppError> {
    hashers::run(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(crate::error::AppError::internal)
    })
    .await?
}

/// Verifies on a hashing thread. A malformed stored hash counts as a mismatch.
pub async fn verify(password: String, stored: String) -> Result<bool, crate::error::AppError> {
    hashers::run(move || {
        PasswordHash::new(&stored)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    })
    .await
}

/// A real hash of a random password, verified against when the username is unknown so
/// that unknown users take as long to refuse as wrong passwords.
pub async fn dummy_hash() -> Result<String, crate::error::AppError> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| hash(crate::auth::tokens::random_token()))
        .await
        .cloned()
}

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    // From Django's common-passwords list (BSD-3-Clause), entries of 10+ characters.
    SET.get_or_init(|| include_str!("common_passwords.txt").lines().collect())
}

/// Why a proposed password is refused, in words for the person choosing it.
pub fn check_policy(password: &str, username: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err("Password must be at least 12 characters long");
    }
    if length > MAX_LENGTH {
        return Err("Password must be 256 characters or fewer");
    }
    let lower = password.to_lowercase();
    if !username.is_empty() && lower == username.trim().to_lowercase() {
        return Err("Password must not be your username");
    }
    if common_passwords().contains(lower.as_str()) {
        return Err("That password is too commonly used: choose another, such as three random words");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::hashers::PEAK;
    use std::sync::atomic::Ordering;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_run_at_once_than_there_are_cores() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let stored = hash("correct horse battery".to_owned()).await.unwrap();
        let storm: Vec<_> = (0..3 * cores)
            .map(|i| tokio::spawn(verify(format!("guess {i}"), stored.clone())))
            .collect();
        for t in storm {
            assert!(!t.await.unwrap().unwrap());
        }
        assert!(
            PEAK.load(Ordering::SeqCst) <= cores,
            "{} > {cores}",
            PEAK.load(Ordering::SeqCst)
        );
    }

    #[test]
    fn policy_wants_length_not_composition() {
        assert!(check_policy("short", "amina").is_err());
        assert!(check_policy("elevenchars", "amina").is_err());
        assert!(check_policy("twelve chars", "amina").is_ok());
        assert!(check_policy("correcthorsebatterystaple", "amina").is_ok());
        assert!(check_policy(&"x".repeat(257), "amina").is_err());
    }

    #[test]
    fn policy_counts_characters_not_bytes() {
        // 12 characters, 24 bytes.
        assert!(check_policy("ééééééééééé", "amina").is_err());
        assert!(check_policy("éééééééééééé", "amina").is_ok());
    }

    #[test]
    fn policy_refuses_username_and_common_passwords() {
        assert!(check_policy("Amina.Begum.Long", "amina.begum.long").is_err());
        assert!(check_policy("PASSWORD1234", "amina").is_err());
        assert!(check_policy("qwertyuiop123", "amina").is_err());
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hash("a long enough passphrase".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify("a long enough passphrase".into(), h.clone())
                .await
                .unwrap()
        );
        assert!(!verify("a wrong passphrase!!".into(), h).await.unwrap());
        assert!(!verify("x".into(), "not a hash".into()).await.unwrap());
    }
}
