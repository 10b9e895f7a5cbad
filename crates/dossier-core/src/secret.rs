//! Passwords (argon2id) and API keys (32 random bytes, stored as SHA-256).

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Prefix of Dossier-issued API keys; makes leaked keys easy to find with secret scanners.
pub const KEY_PREFIX: &str = "dsk_";
/// Prefix of session tokens.
pub const SESSION_PREFIX: &str = "dss_";

pub fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(format!("password hashing failed: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// A hash that is never valid, verified against when a login is unknown so that unknown and
/// known logins take the same time.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("dossier-timing-equaliser").unwrap_or_default())
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    s
}

/// A new random secret: `prefix` + 64 hex characters (32 random bytes).
pub fn generate(prefix: &str) -> Result<String> {
    let bytes = random_bytes::<32>()?;
    Ok(format!("{prefix}{}", hex(&bytes)))
}

/// SHA-256 of the whole presented string; what the database stores and looks up.
pub fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// The first characters of a secret, safe to show in listings.
pub fn display_prefix(secret: &str) -> String {
    secret.chars().take(12).collect()
}

/// Constant-time equality of two digests.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A random password for the bootstrap admin: 24 characters from an unambiguous alphabet.
pub fn generate_password() -> Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    // 256 is not a multiple of the alphabet's size; rejecting the top of the range keeps the
    // choice uniform.
    let limit = 256 - 256 % ALPHABET.len();
    let mut out = String::with_capacity(24);
    while out.len() < 24 {
        for b in random_bytes::<32>()? {
            let b = usize::from(b);
            if b < limit && out.len() < 24 {
                out.push(char::from(ALPHABET[b % ALPHABET.len()]));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let h = hash_password("TestPassword1-").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("TestPassword1-", &h));
        assert!(!verify_password("TestPassword1", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn keys_are_random_and_hashed() {
        let a = generate(KEY_PREFIX).unwrap_or_default();
        let b = generate(KEY_PREFIX).unwrap_or_default();
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(digest(&a).len(), 32);
        assert!(ct_eq(&digest(&a), &digest(&a)));
        assert!(!ct_eq(&digest(&a), &digest(&b)));
        assert_eq!(generate_password().map(|p| p.len()).ok(), Some(24));
    }
}
