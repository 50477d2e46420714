//! How a subcommand fails: a message and the exit code the command ends
//! with. A leaf that every subcommand's module uses and that uses none of
//! them (the crate root dispatches to the subcommands, so it cannot be the
//! one they import from).

/// A command's failure: its message and exit code.
pub struct Failure {
    /// What to print on stderr.
    pub message: String,
    /// 1 for runtime errors, 2 for usage and syntax errors.
    pub code: u8,
}

impl Failure {
    /// A usage error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
        }
    }

    /// A runtime error (exit code 1).
    pub fn runtime(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
}
