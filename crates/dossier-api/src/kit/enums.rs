//! Declarative enum tables: "this dialect value ⇄ that core enum variant".
//!
//! ```ignore
//! crate::enum_table!(
//!     /// IRIS severity ids (crosswalk §2.3).
//!     pub severity: i64 => dossier_core::model::Severity {
//!         both { 1 => Unknown, 2 => Informational, 3 => Low, 4 => Medium, 5 => High, 6 => Critical }
//!         read { 1 => Other, 6 => Fatal }
//!     }
//! );
//! severity::to_core(&4);            // Some(Severity::Medium); an unknown id is None
//! severity::to_dialect(Severity::Fatal); // 6
//! ```
//!
//! `both` rows map both ways; `read` rows are core variants the dialect cannot tell apart and
//! reads as an existing value (lossy; writing it back gives the `both` variant). The generated
//! `to_dialect` is a `match` over the core enum, so a new core variant without a row does not
//! compile. `check()` is the round-trip test every table gets (call it from a `#[test]`): each
//! `both` value reads back as itself, each dialect value appears once, each `read` row lands on
//! a value that exists.
//!
//! The dialect type is any `PartialEq` value type: `i64` ids or `&'static str` names
//! (`to_core` takes `&str` then).

/// Declares one enum table as a module; see the module documentation.
#[macro_export]
macro_rules! enum_table {
    (
        $(#[$meta:meta])*
        $vis:vis $name:ident : $dty:ty => $core:ty {
            both { $($d:literal => $v:ident),+ $(,)? }
            $(read { $($rd:literal => $rv:ident),+ $(,)? })?
        }
    ) => {
        $(#[$meta])*
        #[allow(dead_code)]
        $vis mod $name {
            #[allow(unused_imports)]
            use super::*;
            /// The core enum of this table.
            pub type Core = $core;

            /// The two-way rows, in declaration order.
            pub const PAIRS: &[($dty, Core)] = &[$(($d, Core::$v)),+];

            /// The core value of a dialect value; `None` for a value the dialect does not have.
            pub fn to_core<Q>(v: &Q) -> Option<Core>
            where
                Q: ?Sized + PartialEq,
                $dty: std::borrow::Borrow<Q>,
            {
                PAIRS
                    .iter()
                    .find(|(d, _)| std::borrow::Borrow::<Q>::borrow(d) == v)
                    .map(|(_, c)| *c)
            }

            /// How the dialect shows a core value.
            pub fn to_dialect(c: Core) -> $dty {
                match c {
                    $(Core::$v => $d,)+
                    $($(Core::$rv => $rd,)+)?
                }
            }

            /// Every core value the dialect shows as `d`: the two-way one and the lossy ones that
            /// read as it. A write of `d` over any of them is an echo and keeps the stored value
            /// (the core's echo rule: `CasePatch::severity_alike` and friends).
            pub fn alike(d: &$dty) -> Vec<Core> {
                #[allow(unused_mut)] // tables without lossy rows
                let mut out: Vec<Core> = PAIRS.iter().filter(|(x, _)| x == d).map(|(_, c)| *c).collect();
                $($(
                    if $rd == *d {
                        out.push(Core::$rv);
                    }
                )+)?
                out
            }

            /// Panics when the table is inconsistent; call it from a test.
            pub fn check() {
                for (i, (d, c)) in PAIRS.iter().enumerate() {
                    assert!(
                        PAIRS[..i].iter().all(|(e, _)| e != d),
                        "{}: dialect value {:?} listed twice", stringify!($name), d
                    );
                    assert_eq!(to_dialect(*c), *d, "{}: {:?} does not write back", stringify!($name), c);
                    assert_eq!(to_core::<$dty>(d), Some(*c));
                }
                $($(
                    assert!(
                        PAIRS.iter().any(|(d, _)| *d == $rd),
                        "{}: read row {:?} lands on no value", stringify!($name), $rd
                    );
                )+)?
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use dossier_core::model::{Severity, Tlp};

    crate::enum_table!(
        /// A numeric table with lossy rows.
        severity: i64 => Severity {
            both { 1 => Unknown, 2 => Informational, 3 => Low, 4 => Medium, 5 => High, 6 => Critical }
            read { 1 => Other, 6 => Fatal }
        }
    );

    crate::enum_table!(
        /// A named table.
        tlp: &'static str => Tlp {
            both { "white" => Clear, "green" => Green, "amber" => Amber, "amber+strict" => AmberStrict, "red" => Red }
        }
    );

    #[test]
    fn tables_round_trip() {
        severity::check();
        tlp::check();
        assert_eq!(severity::to_core(&4), Some(Severity::Medium));
        assert_eq!(severity::to_core(&0), None);
        assert_eq!(severity::to_dialect(Severity::Fatal), 6);
        assert_eq!(severity::alike(&6), [Severity::Critical, Severity::Fatal]);
        assert_eq!(severity::alike(&4), [Severity::Medium]);
        assert_eq!(
            severity::to_core(&severity::to_dialect(Severity::Other)),
            Some(Severity::Unknown)
        );
        let asked = String::from("amber+strict");
        assert_eq!(tlp::to_core(asked.as_str()), Some(Tlp::AmberStrict));
        assert_eq!(tlp::to_core("clear"), None);
        assert_eq!(tlp::to_dialect(Tlp::Clear), "white");
    }

    crate::enum_table!(
        duplicated: i64 => Tlp {
            both { 1 => Clear, 1 => Green, 2 => Amber, 3 => AmberStrict, 4 => Red }
        }
    );

    #[test]
    fn a_value_listed_twice_is_caught() {
        assert!(std::panic::catch_unwind(duplicated::check).is_err());
    }
}
