//! CertLogic: the expression language of the EU DCC business rules.
//!
//! Implements the CertLogic specification 1.3.3
//! (`ehn-dcc-development/eu-dcc-business-rules`, `certlogic/specification`)
//! with the exact semantics of its reference implementation, certlogic-js
//! 1.2.2, and passes the specification's test suite and validation test
//! suite (`healthcert conformance certlogic`, docs/conformance.md).
//!
//! An expression is compiled once ([`Expression::compile`]) into a tree of
//! operations with `var` paths pre-split and constant date-times pre-parsed,
//! then evaluated any number of times against borrowed data
//! ([`Expression::evaluate`]). Every bound on untrusted input is in
//! [`CertLogicLimits`]: nesting depth, node count, string size and the work
//! of one evaluation (which bounds `reduce`).
//!
//! [`validate`] reports what is wrong with an expression (the validation
//! test suite), without evaluating it.

mod compile;
pub(crate) mod dates;
mod error;
pub(crate) mod eval;
mod validate;

use serde_json::Value;

pub use error::{CompileError, EvalError};
pub use validate::{Issue, validate};

use eval::{Node, State, Val};

/// Bounds on expressions and their evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertLogicLimits {
    /// Deepest nesting of arrays and objects in an expression (real rules
    /// nest about 12 levels).
    pub max_depth: usize,
    /// Most JSON values in one expression (real rules have a few hundred).
    pub max_nodes: usize,
    /// Longest string literal, `var` path or operator name, in bytes.
    pub max_string_len: usize,
    /// Most operations evaluated in one evaluation, `reduce` iterations
    /// included.
    pub max_steps: u64,
}

impl CertLogicLimits {
    /// The limits used unless the caller chooses others.
    pub const DEFAULT: CertLogicLimits =
        CertLogicLimits { max_depth: 64, max_nodes: 20_000, max_string_len: 16 * 1024, max_steps: 1_000_000 };
}

impl Default for CertLogicLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A compiled CertLogic expression.
#[derive(Debug, Clone)]
pub struct Expression {
    root: Node,
    max_steps: u64,
}

impl Expression {
    /// Compiles `json` with the default limits.
    pub fn compile(json: &Value) -> Result<Expression, CompileError> {
        Self::compile_with(json, &CertLogicLimits::DEFAULT)
    }

    /// Compiles `json`. Only the limits refuse an expression: an invalid
    /// operation becomes a node that throws [`EvalError::InvalidExpression`]
    /// when (and only when) it is evaluated, as in certlogic-js.
    pub fn compile_with(json: &Value, limits: &CertLogicLimits) -> Result<Expression, CompileError> {
        let root = compile::Compiler::new(limits).node(json, 0)?;
        Ok(Expression { root, max_steps: limits.max_steps })
    }

    /// Evaluates the expression on `data`; the result as JSON (a date-time
    /// as its ISO 8601 string, as `JSON.stringify` writes a `Date`).
    pub fn evaluate(&self, data: &Value) -> Result<Value, EvalError> {
        Ok(self.eval(Val::from_json(data))?.to_json())
    }

    pub(crate) fn eval<'a>(&'a self, data: Val<'a>) -> Result<Val<'a>, EvalError> {
        let mut st = State { steps: 0, max_steps: self.max_steps };
        eval::eval(&self.root, &data, &mut st)
    }
}

/// JavaScript's `Number.prototype.toString()` for the numbers CertLogic
/// meets (integers exactly; others in Rust's shortest form, with JavaScript's
/// exponent style).
pub(crate) fn js_number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into();
    }
    let a = n.abs();
    if n.fract() == 0.0 && a < 1e21 {
        return format!("{n:.0}");
    }
    if (1e-7..1e21).contains(&a) {
        return format!("{n}");
    }
    let e = format!("{n:e}");
    match e.split_once('e') {
        Some((m, x)) if !x.starts_with('-') => format!("{m}e+{x}"),
        _ => e,
    }
}

#[cfg(test)]
mod tests;
