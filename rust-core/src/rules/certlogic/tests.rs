use serde_json::{Value, json};

use super::*;

fn eval(expr: Value, data: Value) -> Result<Value, EvalError> {
    Expression::compile(&expr).unwrap().evaluate(&data)
}

#[test]
fn operations_as_the_reference_evaluates_them() {
    let cases = [
        (json!({"var": "a.1.b"}), json!({"a": [0, {"b": "x"}]}), json!("x")),
        (json!({"var": "01"}), json!(["a", "b"]), json!("b")),
        (json!({"var": "x.y"}), json!({"x": 5}), Value::Null),
        (json!({"var": ""}), json!(7), json!(7)),
        (json!({"if": [{"var": "x"}, "T", "F"]}), json!({"x": {}}), json!("F")),
        (json!({"===": [1, 1.0]}), json!(null), json!(true)),
        (json!({"===": [{"var": "a"}, {"var": "a"}]}), json!({"a": [1]}), json!(true)),
        (json!({"===": [[1], [1]]}), json!(null), json!(false)),
        (json!({"and": [1, "", true]}), json!(null), json!("")),
        (json!({"and": [true, [1]]}), json!(null), json!([1])),
        (json!({"<": [1, 2, 3]}), json!(null), json!(true)),
        (json!({">=": [3, 3, 4]}), json!(null), json!(false)),
        (json!({"in": [{"var": "x"}, ["a", {"var": "y"}]]}), json!({"x": "b", "y": "b"}), json!(true)),
        (json!({"+": [{"var": "x"}, 2]}), json!({"x": 40}), json!(42)),
        (json!({"!": [[]]}), json!(null), json!(true)),
        (
            json!({"reduce": [{"var": "xs"}, {"+": [{"var": "accumulator"}, {"var": "current"}]}, 0]}),
            json!({"xs": [1, 2, 3]}),
            json!(6),
        ),
        (json!({"reduce": [{"var": "xs"}, {"var": "nonsense"}, 5]}), json!({"xs": null}), json!(5)),
        (json!({"extractFromUVCI": [{"var": ""}, 1]}), json!("URN:UVCI:01:NL:187/37512422923"), json!("NL")),
        (json!({"plusTime": ["2020-02-29", 1, "year"]}), json!(null), json!("2021-03-01T00:00:00.000Z")),
        (json!({"dccDateOfBirth": [{"var": "dob"}]}), json!({"dob": "2004-02"}), json!("2004-02-29T00:00:00.000Z")),
        (
            json!({"after": [{"plusTime": [{"var": "d"}, 0, "day"]}, {"plusTime": ["2021-01-01", 0, "day"]}]}),
            json!({"d": "2021-01-01T00:00:01Z"}),
            json!(true),
        ),
    ];
    for (expr, data, expected) in cases {
        assert_eq!(eval(expr.clone(), data).as_ref(), Ok(&expected), "{expr}");
    }
}

#[test]
fn type_errors_throw_without_data_values() {
    let cases = [
        (json!({"if": [{"plusTime": ["2021-01-01", 0, "day"]}, 1, 2]}), EvalError::NeitherTruthyNorFalsy { op: "if" }),
        (json!({"<": [1, "2"]}), EvalError::NotInteger { op: "<" }),
        (json!({"before": [1, 2]}), EvalError::NotDateTime { op: "before" }),
        (json!({"in": ["a", {"var": "secret"}]}), EvalError::NotArray { op: "in" }),
        (json!({"plusTime": [{"var": "secret"}, 0, "day"]}), EvalError::DateTimeFormat { op: "plusTime" }),
        (json!({"dccDateOfBirth": [{"var": "n"}]}), EvalError::NotString { op: "dccDateOfBirth" }),
    ];
    let data = json!({"secret": "ERIKA MUSTERMANN", "n": 1});
    for (expr, expected) in cases {
        let e = eval(expr.clone(), data.clone()).unwrap_err();
        assert_eq!(e, expected, "{expr}");
        assert!(!e.to_string().contains("ERIKA"));
    }
}

#[test]
fn invalid_operations_throw_only_when_evaluated() {
    // An unknown operator in the branch not taken does not throw, as in certlogic-js.
    let expr = json!({"if": [true, 1, {"frobnicate": [1]}]});
    assert_eq!(eval(expr, json!(null)), Ok(json!(1)));
    let e = eval(json!({"if": [false, 1, {"frobnicate": [1]}]}), json!(null)).unwrap_err();
    assert_eq!(e, EvalError::InvalidExpression { path: "/if/2/frobnicate".into(), reason: "unrecognised operator" });
    for bad in [json!(null), json!(1.5), json!({}), json!({"if": [true, 1]}), json!({"===": [1]}), json!({"var": 1})] {
        assert!(matches!(eval(bad.clone(), json!({})), Err(EvalError::InvalidExpression { .. })), "{bad}");
    }
}

#[test]
fn limits_bound_depth_size_and_work() {
    let mut deep = json!(true);
    for _ in 0..100 {
        deep = json!({"!": [deep]});
    }
    assert_eq!(Expression::compile(&deep).unwrap_err(), CompileError::TooDeep { max: 64 });
    let wide = Value::Array((0..30_000).map(Value::from).collect());
    assert_eq!(Expression::compile(&wide).unwrap_err(), CompileError::TooManyNodes { max: 20_000 });
    // Three nested reduces over 40-element arrays: 64 000 lambda evaluations.
    let xs: Vec<Value> = (0..40).map(Value::from).collect();
    let inner = json!({"reduce": [{"var": "current"}, {"+": [{"var": "accumulator"}, 1]}, 0]});
    let lambda = json!({"reduce": [{"var": "current"}, inner, 0]});
    let expr = json!({"reduce": [{"var": "xs"}, lambda, 0]});
    let data = json!({"xs": vec![Value::Array(vec![Value::Array(xs); 40]); 40]});
    let limits = CertLogicLimits { max_steps: 100_000, ..CertLogicLimits::DEFAULT };
    assert!(Expression::compile(&expr).unwrap().evaluate(&data).is_ok());
    let e = Expression::compile_with(&expr, &limits).unwrap().evaluate(&data).unwrap_err();
    assert_eq!(e, EvalError::WorkLimit { max: 100_000 });
}

#[test]
fn validator_reports_as_the_reference() {
    let issues = validate(&json!({"and": [{"var": "x."}, {"plusTime": [{"var": "d"}, 1.5, "week"]}]}));
    let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "data access path doesn't have a valid format: x.",
            "\"amount\" argument (#2) of \"plusTime\" must be an integer, but it is: 1.5",
            "\"unit\" argument (#3) of \"plusTime\" must be a string equal to one of year, month, day, hour, but it is: week",
        ]
    );
    assert_eq!(issues[0].path, "/and/0");
    assert_eq!(issues[1].path, "/and/1");
    assert!(validate(&json!({"if": [{"var": "payload.v.0"}, {">=": [{"var": "a"}, 1]}, true]})).is_empty());
}

#[test]
fn js_number_strings() {
    assert_eq!(js_number_to_string(2.5), "2.5");
    assert_eq!(js_number_to_string(42.0), "42");
    assert_eq!(js_number_to_string(1e21), "1e+21");
    assert_eq!(js_number_to_string(-0.0), "0");
}
