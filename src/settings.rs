//! Settings as enums: every choice a model offers (ties, variance, confidence-interval type,
//! residual kind, `cox.zph` transform, …) is an enum whose [`Display`](std::fmt::Display)
//! is the name R uses and whose [`FromStr`](std::str::FromStr) reads that name back
//! (case-insensitively, with R's aliases), so that a command line or a configuration file
//! can name a setting as R's documentation does.
//!
//! ```
//! use oncostat::{ConfType, CoxVariance, Ties};
//! # fn main() -> Result<(), oncostat::Error> {
//! assert_eq!("Breslow".parse::<Ties>()?, Ties::Breslow);
//! assert_eq!(Ties::Efron.to_string(), "efron");
//! assert_eq!("log-log".parse::<ConfType>()?, ConfType::LogLog);
//! assert_eq!("robust".parse::<CoxVariance>()?, CoxVariance::Robust);
//! let err = "exact".parse::<Ties>().unwrap_err();
//! assert_eq!(err.to_string(), "unknown ties `exact`; expected one of: efron, breslow");
//! # Ok(()) }
//! ```

/// Implements `name()`, `ALL`, `Display` and `FromStr` for a settings enum from its
/// variants' R names (the first name is the display; the others are accepted aliases).
macro_rules! setting_names {
    ($ty:ident, $what:literal, { $($variant:ident => $name:literal $(| $alias:literal)*),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The name R uses for the setting (also the [`Display`](std::fmt::Display)).
            pub fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = crate::Error;

            /// Reads the R name (or an alias), ignoring case and surrounding spaces.
            fn from_str(s: &str) -> crate::Result<Self> {
                let key = s.trim().to_ascii_lowercase();
                $(
                    if key == $name $(|| key == $alias)* {
                        return Ok($ty::$variant);
                    }
                )+
                Err(crate::Error::UnknownSetting {
                    setting: $what,
                    value: s.trim().to_string(),
                    allowed: concat!($($name, ", "),+).trim_end_matches(", "),
                })
            }
        }
    };
}

pub(crate) use setting_names;
