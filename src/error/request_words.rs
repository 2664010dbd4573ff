//! What was wrong with a request the arguments could not be read from, said for a person. The
//! decoders (serde_json for JSON bodies, serde_qs for forms, std's parsers under it) word their
//! complaints for programmers, with Rust type names and byte positions; whoever calls PayTrack's
//! API by hand gets what to change instead.

/// The largest request body the server reads (the server sets it, so this message and the
/// limit cannot part).
pub const MAX_REQUEST_BYTES: usize = 2 * 1024 * 1024;

/// How serde_json's syntax errors begin: the body is not JSON at all, so no field is to blame.
const JSON_SYNTAX: [&str; 10] = [
    "EOF while parsing",
    "expected ",
    "trailing ",
    "key must be a string",
    "control character",
    "invalid escape",
    "invalid number",
    "invalid unicode code point",
    "lone leading surrogate",
    "unexpected end of hex escape",
];

/// Whether the decoder stopped because the body passed `MAX_REQUEST_BYTES` (http-body-util's
/// words for a body cut off at the limit).
pub fn cut_off_at_the_limit(message: &str) -> bool {
    message.contains("length limit exceeded")
}

/// What a person is told when their request passed `MAX_REQUEST_BYTES`.
pub fn too_large() -> String {
    format!(
        "That request is larger than the {} MB PayTrack accepts.",
        MAX_REQUEST_BYTES / (1024 * 1024)
    )
}

/// A decoder's complaint about the arguments, said for a person: which value was not one of
/// the choices, was missing or was of the wrong kind, without positions in the request body.
pub fn for_people(message: &str) -> String {
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .trim_start_matches("Error(\"")
        .trim_end_matches("\")");
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if message.starts_with("unknown variant")
        && let Some((given, choices)) = quoted.split_first()
    {
        return format!(
            "“{given}” is not one of the choices ({}).",
            choices.join(", ")
        );
    }
    if message.starts_with("missing field")
        && let Some(field) = quoted.first()
    {
        return format!("“{field}” is missing.");
    }
    if let Some(kinds) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        && let Some((given, wanted)) = kinds.split_once(", expected ")
    {
        return format!(
            "{} where {} belongs.",
            given_kind(given),
            wanted_kind(wanted)
        );
    }
    // serde reads a struct from a list too, so a list of the wrong length lands here.
    if let Some(kinds) = message.strip_prefix("invalid length ")
        && let Some((length, wanted)) = kinds.split_once(", expected ")
    {
        return format!(
            "a list of {length} values where {} belongs.",
            wanted_kind(wanted)
        );
    }
    if JSON_SYNTAX.iter().any(|start| message.starts_with(start)) {
        return "its body is not valid JSON.".to_string();
    }
    if let Some(key) = message.strip_prefix("Multiple values for one key: ") {
        let key = key.lines().next().unwrap_or(key).trim_matches('"');
        return format!("“{key}” is given more than once.");
    }
    if message.starts_with("duplicate field")
        && let Some(field) = quoted.first()
    {
        return format!("“{field}” is given more than once.");
    }
    // std's parsers under the form decoder: they don't know the field either.
    match message {
        "provided string was not `true` or `false`" => {
            "a yes-or-no value must be “true” or “false”.".to_string()
        }
        "invalid digit found in string" | "cannot parse integer from empty string" => {
            "a number has something other than digits in it.".to_string()
        }
        // serde_json stops at 128 levels of arrays and objects, which no argument needs.
        "recursion limit exceeded" => "its values are nested too deeply.".to_string(),
        "number out of range"
        | "number too large to fit in target type"
        | "number too small to fit in target type" => "a number is out of range.".to_string(),
        other => other.to_string(),
    }
}

/// serde's words for a value received (`string "x"`, `integer `7``, `null`), as a person's.
fn given_kind(given: &str) -> String {
    let between_ticks = given.split('`').nth(1);
    if let Some(text) = given.strip_prefix("string ") {
        return format!("the text {}", quote(text.trim_matches('"')));
    }
    match (given.split(' ').next().unwrap_or(given), between_ticks) {
        ("integer" | "floating", Some(number)) => format!("the number {number}"),
        ("boolean", Some(value)) => format!("“{value}”"),
        ("null", _) => "nothing (null)".to_string(),
        ("map", _) => "an object".to_string(),
        ("sequence", _) => "a list".to_string(),
        _ => given.to_string(),
    }
}

/// serde's words for what was expected (`i64`, `a string`, `struct InvoiceInput`), as a
/// person's: Rust's type names mean nothing to whoever sent the request.
fn wanted_kind(wanted: &str) -> String {
    match wanted {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more",
        "f32" | "f64" => "a number",
        "a string" | "a borrowed string" | "a character" => "text",
        "a boolean" => "“true” or “false”",
        "a sequence" | "a tuple" => "a list",
        "a map" | "option" => "a value",
        _ if wanted.starts_with("struct ") || wanted.starts_with("a map") => "an object",
        _ if wanted.starts_with("enum ") || wanted.starts_with("variant ") => "one of the choices",
        _ if wanted.starts_with("a sequence") || wanted.starts_with("a tuple") => "a list",
        _ => return wanted.to_string(),
    }
    .to_string()
}

/// Quotes a value sent, cut short: it is echoed back, and a long one would drown the message.
fn quote(text: &str) -> String {
    const SHOWN: usize = 40;
    if text.chars().count() > SHOWN {
        format!("“{}…”", text.chars().take(SHOWN).collect::<String>())
    } else {
        format!("“{text}”")
    }
}

#[cfg(test)]
mod tests {
    use super::for_people;

    #[test]
    fn a_body_that_is_not_json_is_called_that() {
        for message in [
            "EOF while parsing a value at line 1 column 0",
            "expected ident at line 1 column 2",
            "EOF while parsing an object at line 1 column 1",
            "trailing comma at line 1 column 8",
            "invalid escape at line 1 column 3",
            "key must be a string at line 1 column 2",
        ] {
            assert_eq!(
                for_people(message),
                "its body is not valid JSON.",
                "{message}"
            );
        }
    }

    #[test]
    fn a_value_of_the_wrong_kind_names_both_kinds_without_rust_types() {
        for (message, said) in [
            (
                "invalid type: string \"x\", expected i64 at line 1 column 8",
                "the text “x” where a whole number belongs.",
            ),
            (
                "invalid type: integer `2`, expected a string at line 1 column 12",
                "the number 2 where text belongs.",
            ),
            (
                "invalid type: string \"yes\", expected a boolean at line 1 column 24",
                "the text “yes” where “true” or “false” belongs.",
            ),
            (
                "invalid value: integer `-1`, expected u32 at line 1 column 31",
                "the number -1 where a whole number, 0 or more belongs.",
            ),
            (
                "invalid type: null, expected a sequence at line 1 column 32",
                "nothing (null) where a list belongs.",
            ),
            (
                "invalid type: string \"x\", expected struct InvoiceInput at line 1 column 12",
                "the text “x” where an object belongs.",
            ),
            (
                "invalid length 0, expected struct CreateClient with 1 element at line 1 column 2",
                "a list of 0 values where an object belongs.",
            ),
        ] {
            assert_eq!(for_people(message), said, "{message}");
        }
    }

    #[test]
    fn a_long_value_is_echoed_cut_short() {
        let long = "a".repeat(500);
        let said = for_people(&format!(
            "invalid type: string \"{long}\", expected u32 at line 1 column 510"
        ));
        assert!(said.len() < 120, "{said}");
        assert!(
            said.starts_with("the text “aaaa") && said.contains("…”"),
            "{said}"
        );
    }

    #[test]
    fn the_other_decoders_complaints_are_said_in_words_too() {
        assert_eq!(
            for_people("Multiple values for one key: \"id\""),
            "“id” is given more than once."
        );
        assert_eq!(
            for_people("provided string was not `true` or `false`"),
            "a yes-or-no value must be “true” or “false”."
        );
        assert_eq!(
            for_people("invalid digit found in string"),
            "a number has something other than digits in it."
        );
        assert_eq!(
            for_people("duplicate field `id` at line 1 column 20"),
            "“id” is given more than once."
        );
        assert_eq!(
            for_people("number out of range at line 1 column 10"),
            "a number is out of range."
        );
        assert_eq!(
            for_people("recursion limit exceeded at line 1 column 130"),
            "its values are nested too deeply."
        );
    }
}
