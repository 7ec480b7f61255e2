//! Field-level validation errors, shown in the GOV.UK error summary and beside each field.

/// Errors keyed by form field name, in the order the fields appear.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field, message.into()));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(f, m)| (*f, m.as_str()))
    }

    /// Records the error of a parse result under `field` and returns the value if it parsed.
    pub fn take<T, E: std::fmt::Display>(
        &mut self,
        field: &'static str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) => {
                self.add(field, err.to_string());
                None
            }
        }
    }
}

/// True if the text holds control characters other than ordinary line breaks and tabs.
pub fn has_control_chars(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Trims the text and makes line breaks plain `\n`.
pub fn clean(text: &str) -> String {
    text.trim().replace("\r\n", "\n")
}

/// "Title must be 80 characters or fewer – you have 93": which field, its limit, and how
/// far over the person is.
pub fn too_long(label: &str, max: usize, chars: usize) -> String {
    format!("{label} must be {max} characters or fewer – you have {chars}")
}

/// The field's name for a message, from what completes "Enter …" ("a title" → "Title",
/// "the venue's address" → "The venue's address").
fn label_of(what: &str) -> String {
    let bare = what
        .strip_prefix("a ")
        .or_else(|| what.strip_prefix("an "))
        .unwrap_or(what);
    let mut chars = bare.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Free text a form requires: present, at most `max` characters, no control characters.
/// `what` completes "Enter …" and names the field in the other messages.
pub fn required_text(
    e: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    max: usize,
    what: &str,
) -> Option<String> {
    required_text_named(
        e,
        field,
        raw,
        max,
        &label_of(what),
        &format!("Enter {what}"),
    )
}

/// [`required_text`] where the field's name (`label`, "What is wrong") and the message when
/// it is empty (`missing`) are said separately.
pub fn required_text_named(
    e: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    max: usize,
    label: &str,
    missing: &str,
) -> Option<String> {
    let text = clean(raw);
    let chars = text.chars().count();
    if text.is_empty() {
        e.add(field, missing.to_owned());
        None
    } else if chars > max {
        e.add(field, too_long(label, max, chars));
        None
    } else if has_control_chars(&text) {
        e.add(field, "Use only letters, numbers, spaces and punctuation");
        None
    } else {
        Some(text)
    }
}

/// A form whose one field must be filled in: its words, or the error for it.
pub fn one_required_text(
    field: &'static str,
    raw: &str,
    max: usize,
    label: &str,
    missing: &str,
) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    required_text_named(&mut e, field, raw, max, label, missing).ok_or(e)
}

/// Free text kept as typed (trimmed, plain line breaks), empty allowed; too long or with
/// control characters is an error under `field`, named by `label` (the text is still
/// returned, for the form).
pub fn bounded_text(
    e: &mut FieldErrors,
    field: &'static str,
    label: &str,
    raw: &str,
    max: usize,
) -> String {
    let text = clean(raw);
    let chars = text.chars().count();
    if chars > max {
        e.add(field, too_long(label, max, chars));
    } else if has_control_chars(&text) {
        e.add(field, "Use only letters, numbers, spaces and punctuation");
    }
    text
}

/// Free text a form may leave empty (`None`); otherwise checked like [`required_text`].
pub fn optional_text(
    e: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    max: usize,
    label: &str,
) -> Option<String> {
    let text = clean(raw);
    let chars = text.chars().count();
    if text.is_empty() {
        None
    } else if chars > max {
        e.add(field, too_long(label, max, chars));
        None
    } else if has_control_chars(&text) {
        e.add(
            field,
            format!("{label} must use only letters, numbers, spaces and punctuation"),
        );
        None
    } else {
        Some(text)
    }
}

/// A submitted form as its name–value pairs, so fields that repeat (checkboxes) keep every
/// value. Handlers take `web::Form<Vec<(String, String)>>` and wrap it.
#[derive(Debug, Default, Clone)]
pub struct FormFields(pub Vec<(String, String)>);

impl FormFields {
    /// The first value of `name`, or "" when it was not sent.
    pub fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of `name`, in the order sent.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}
