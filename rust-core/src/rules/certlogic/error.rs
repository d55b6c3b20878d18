//! Errors of CertLogic compilation and evaluation. Messages name operations
//! and places in the expression, never values from the data (which hold
//! personal data: names, birth dates, certificate identifiers).

use std::fmt;

/// Why an expression was refused as a whole, before any evaluation: it
/// exceeds a [`CertLogicLimits`](super::CertLogicLimits) bound.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CompileError {
    /// Nested deeper than `max_depth` arrays and objects.
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// More than `max_nodes` JSON values.
    TooManyNodes {
        /// The limit.
        max: usize,
    },
    /// A string literal, `var` path or operator name longer than `max_string_len` bytes.
    StringTooLong {
        /// The limit.
        max: usize,
    },
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::TooDeep { max } => write!(f, "expression nested deeper than {max} levels"),
            CompileError::TooManyNodes { max } => write!(f, "expression has more than {max} nodes"),
            CompileError::StringTooLong { max } => write!(f, "expression holds a string longer than {max} bytes"),
        }
    }
}

impl std::error::Error for CompileError {}

/// Why an evaluation threw, in certlogic-js's terms. The specification lets
/// an evaluator throw only for invalid expressions and type mismatches; a
/// validation rule whose evaluation throws counts as failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EvalError {
    /// The expression is not valid CertLogic at `path` (a JSON pointer into
    /// the expression). Found when that node is evaluated, as certlogic-js
    /// does; [`validate`](super::validate) finds it beforehand.
    InvalidExpression {
        /// JSON pointer of the offending node.
        path: String,
        /// What is wrong, in the words of the specification.
        reason: &'static str,
    },
    /// An operand that must be truthy or falsy (the guard of `if`, the
    /// operand of `!`, every operand of `and`) is neither (a date-time).
    NeitherTruthyNorFalsy {
        /// The operation.
        op: &'static str,
    },
    /// An operand of an integer operation (`<`, `>`, `<=`, `>=`, `+`) is not an integer.
    NotInteger {
        /// The operation.
        op: &'static str,
    },
    /// An operand of a date-time comparison is not a date-time.
    NotDateTime {
        /// The operation.
        op: &'static str,
    },
    /// The right-hand side of `in`, or the operand of `reduce`, is not an array.
    NotArray {
        /// The operation.
        op: &'static str,
    },
    /// The operand of `plusTime`, `dccDateOfBirth` or `extractFromUVCI` has the wrong type.
    NotString {
        /// The operation.
        op: &'static str,
    },
    /// The operand of `plusTime` or `dccDateOfBirth` is a string in none of the allowed formats.
    DateTimeFormat {
        /// The operation.
        op: &'static str,
    },
    /// The evaluation took more than `max_steps` steps.
    WorkLimit {
        /// The limit.
        max: u64,
    },
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::InvalidExpression { path, reason } => {
                write!(f, "invalid CertLogic expression at {}: {reason}", if path.is_empty() { "/" } else { path })
            }
            EvalError::NeitherTruthyNorFalsy { op } => {
                write!(f, "an operand of {op:?} evaluates to something neither truthy nor falsy")
            }
            EvalError::NotInteger { op } => write!(f, "all operands of {op:?} must be integers"),
            EvalError::NotDateTime { op } => write!(f, "all operands of {op:?} must be date-times"),
            EvalError::NotArray { op } => write!(f, "an operand of {op:?} must be an array"),
            EvalError::NotString { op } => write!(f, "the operand of {op:?} must be a string"),
            EvalError::DateTimeFormat { op } => {
                write!(f, "the operand of {op:?} is not in an allowed date or date-time format")
            }
            EvalError::WorkLimit { max } => write!(f, "evaluation exceeded {max} steps"),
        }
    }
}

impl std::error::Error for EvalError {}
