//! Customer search: the query language of `GET /v1/customers/search` (Stripe's, for customers),
//! parsed into a [`SearchQuery`] that prints back to an equivalent query, and the request's
//! other parameters (`limit`, the `page` token).
//!
//! ```text
//! query   = clause { ( " AND " | " OR " | " " ) clause }     (AND or OR, not both)
//! clause  = [ "-" ] field operator value
//! field   = "email" | "name" | "phone" | "created" | "metadata[" string "]"
//! operator= ":" | "~" | ">" | ">=" | "<" | "<="
//! value   = string | word
//! string  = '"' { any character but '"' and '\', or '\"', or '\\' } '"'
//! ```
//!
//! A hand-written recursive-descent parser: the grammar is one level deep, and writing it out
//! gives every error the character it happened at and the words of what was expected.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fields::Metadata;
use crate::list::{Limit, QueryParams};
use crate::phone::{PhoneCountry, E164};
use crate::timestamp::Timestamp;

/// At most this many clauses in one query.
pub const MAX_CLAUSES: usize = 10;
/// A substring (`~`) needs at least this many characters: the indexes work in trigrams.
pub const MIN_SUBSTRING_CHARS: usize = 3;
const MAX_QUERY_CHARS: usize = 1000;

/// A parsed query: clauses joined all by AND or all by OR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub clauses: Vec<Clause>,
    pub join: Join,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    And,
    Or,
}

/// One clause: a condition, or (`-`) its negation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub negated: bool,
    pub condition: Condition,
}

/// The text fields a clause can match exactly or by substring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Email,
    Name,
}

impl TextField {
    pub fn as_str(self) -> &'static str {
        match self {
            TextField::Email => "email",
            TextField::Name => "name",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

impl Comparison {
    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::Greater => ">",
            Comparison::GreaterOrEqual => ">=",
            Comparison::Less => "<",
            Comparison::LessOrEqual => "<=",
        }
    }
}

/// What one clause asks of a customer. Values are kept as typed; the store matches text
/// case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `email:…`, `name:…`: the whole field, case-insensitive.
    Equals(TextField, String),
    /// `email~…`, `name~…`: a substring of at least three characters, case-insensitive.
    Contains(TextField, String),
    /// `phone:…`: the same number, however either was typed.
    Phone(E164),
    /// `created>…` and the other comparisons, on the creation time.
    Created(Comparison, Timestamp),
    /// `metadata["key"]:…`: that key holds exactly that value.
    Metadata { key: String, value: String },
}

impl SearchQuery {
    /// Parses a query; the error names `query` and says where and what was expected.
    pub fn parse(input: &str) -> Result<Self> {
        Parser::new(input)
            .query()
            .map_err(|message| Error::invalid("query", format!("Invalid query: {message}")))
    }
}

impl fmt::Display for SearchQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = match self.join {
            Join::And => " AND ",
            Join::Or => " OR ",
        };
        for (i, clause) in self.clauses.iter().enumerate() {
            if i > 0 {
                f.write_str(join)?;
            }
            write!(f, "{clause}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negated {
            f.write_str("-")?;
        }
        match &self.condition {
            Condition::Equals(field, value) => write!(f, "{}:{}", field.as_str(), Quoted(value)),
            Condition::Contains(field, value) => write!(f, "{}~{}", field.as_str(), Quoted(value)),
            Condition::Phone(number) => write!(f, "phone:{}", Quoted(number.as_str())),
            Condition::Created(comparison, at) => {
                write!(
                    f,
                    "created{}{}",
                    comparison.as_str(),
                    Quoted(&at.to_string())
                )
            }
            Condition::Metadata { key, value } => {
                write!(f, "metadata[{}]:{}", Quoted(key), Quoted(value))
            }
        }
    }
}

/// A value in double quotes, `"` and `\` escaped.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for c in self.0.chars() {
            if matches!(c, '"' | '\\') {
                f.write_str("\\")?;
            }
            write!(f, "{c}")?;
        }
        f.write_str("\"")
    }
}

type Parsed<T> = std::result::Result<T, String>;

struct Parser<'a> {
    input: &'a str,
    /// Byte offset of the next character.
    at: usize,
}

impl<'a> Parser<'a> {
    fn new(input: &'a str) -> Self {
        Parser { input, at: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.input[self.at..]
    }

    /// Where the parser is, as people count: the 1-based character position.
    fn position(&self) -> usize {
        self.input[..self.at].chars().count() + 1
    }

    fn error(&self, expected: &str) -> String {
        let found = match self.rest().chars().next() {
            None => "the end of the query".to_owned(),
            Some(_) => {
                let word: String = self
                    .rest()
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .take(20)
                    .collect();
                format!("'{word}'")
            }
        };
        format!(
            "expected {expected} at character {}, found {found}.",
            self.position()
        )
    }

    fn skip_spaces(&mut self) -> bool {
        let before = self.at;
        let trimmed = self.rest().trim_start();
        self.at = self.input.len() - trimmed.len();
        self.at > before
    }

    fn eat(&mut self, token: &str) -> bool {
        if self.rest().starts_with(token) {
            self.at += token.len();
            true
        } else {
            false
        }
    }

    fn query(mut self) -> Parsed<SearchQuery> {
        if self.input.chars().count() > MAX_QUERY_CHARS {
            return Err(format!("it must be at most {MAX_QUERY_CHARS} characters."));
        }
        self.skip_spaces();
        if self.rest().is_empty() {
            return Err("it must not be empty. Example: name~\"kwame\".".to_owned());
        }
        let mut clauses = vec![self.clause()?];
        let mut join: Option<Join> = None;
        loop {
            let spaced = self.skip_spaces();
            if self.rest().is_empty() {
                break;
            }
            if !spaced {
                return Err(self.error("a space, AND or OR between clauses"));
            }
            let join_at = self.position();
            let word = if self.keyword("AND") {
                Join::And
            } else if self.keyword("OR") {
                Join::Or
            } else {
                // Clauses side by side are joined by AND.
                Join::And
            };
            match join {
                Some(previous) if previous != word => {
                    return Err(format!(
                        "use either AND or OR between clauses, not both (at character \
                         {join_at})."
                    ));
                }
                _ => join = Some(word),
            }
            self.skip_spaces();
            if clauses.len() == MAX_CLAUSES {
                return Err(format!(
                    "at most {MAX_CLAUSES} clauses are allowed (at character {}).",
                    self.position()
                ));
            }
            clauses.push(self.clause()?);
        }
        Ok(SearchQuery {
            clauses,
            join: join.unwrap_or(Join::And),
        })
    }

    /// `AND` or `OR` as a word of its own (followed by a space or the end).
    fn keyword(&mut self, word: &str) -> bool {
        match self.rest().strip_prefix(word) {
            Some(after) if after.is_empty() || after.starts_with(char::is_whitespace) => {
                self.at += word.len();
                true
            }
            _ => false,
        }
    }

    fn clause(&mut self) -> Parsed<Clause> {
        let negated = self.eat("-");
        let field = self.field()?;
        let operator_at = self.at;
        let operator = self.operator(&field)?;
        let value_at = self.at;
        let value = self.value()?;
        let condition = self.condition(field, operator, value).map_err(|message| {
            let at = match message.0 {
                Blame::Operator => operator_at,
                Blame::Value => value_at,
            };
            let position = self.input[..at].chars().count() + 1;
            format!("{} (at character {position}).", message.1)
        })?;
        Ok(Clause { negated, condition })
    }

    fn field(&mut self) -> Parsed<Field> {
        const EXPECTED: &str = "a field (email, name, phone, created or metadata[\"key\"])";
        let name: String = self
            .rest()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let field = match name.as_str() {
            "email" => Field::Text(TextField::Email),
            "name" => Field::Text(TextField::Name),
            "phone" => Field::Phone,
            "created" => Field::Created,
            "metadata" => {
                self.at += name.len();
                if !self.eat("[") {
                    return Err(self.error("'[' and a quoted key after metadata"));
                }
                if !self.rest().starts_with('"') {
                    return Err(self.error("a quoted key, as in metadata[\"order_id\"]"));
                }
                let key_at = self.position();
                let key = self.string()?;
                Metadata::check_key(&key).map_err(|message| {
                    format!("{} (at character {key_at}).", message.trim_end_matches('.'))
                })?;
                if !self.eat("]") {
                    return Err(self.error("']' after the metadata key"));
                }
                return Ok(Field::Metadata(key));
            }
            "" => return Err(self.error(EXPECTED)),
            unknown => {
                return Err(format!(
                    "unknown field '{unknown}' at character {}: the fields are email, name, \
                     phone, created and metadata[\"key\"].",
                    self.position()
                ))
            }
        };
        self.at += name.len();
        Ok(field)
    }

    fn operator(&mut self, field: &Field) -> Parsed<Operator> {
        for (token, operator) in [
            (">=", Operator::Compare(Comparison::GreaterOrEqual)),
            ("<=", Operator::Compare(Comparison::LessOrEqual)),
            (">", Operator::Compare(Comparison::Greater)),
            ("<", Operator::Compare(Comparison::Less)),
            (":", Operator::Exact),
            ("~", Operator::Substring),
        ] {
            if self.eat(token) {
                return Ok(operator);
            }
        }
        Err(self.error(&format!(
            "an operator after {} (':', '~', '>', '>=', '<' or '<=')",
            field.describe()
        )))
    }

    fn value(&mut self) -> Parsed<String> {
        if self.rest().starts_with('"') {
            return self.string();
        }
        let word: String = self
            .rest()
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '(' | ')'))
            .collect();
        if word.is_empty() {
            return Err(self.error("a value (a word, or text in double quotes)"));
        }
        self.at += word.len();
        Ok(word)
    }

    /// A string in double quotes; `\"` and `\\` stand for `"` and `\`.
    fn string(&mut self) -> Parsed<String> {
        let opening = self.position();
        self.at += 1;
        let mut value = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.at += i + 1;
                    return Ok(value);
                }
                '\\' => match chars.next() {
                    Some((_, escaped @ ('"' | '\\'))) => value.push(escaped),
                    _ => {
                        self.at += i;
                        return Err(self.error("'\\\"' or '\\\\' after a backslash"));
                    }
                },
                c => value.push(c),
            }
        }
        Err(format!(
            "the string opened at character {opening} is never closed: expected '\"' at the end \
             of the query."
        ))
    }

    fn condition(
        &self,
        field: Field,
        operator: Operator,
        value: String,
    ) -> std::result::Result<Condition, (Blame, String)> {
        if value.trim().is_empty() {
            return Err((Blame::Value, "a value must not be empty".to_owned()));
        }
        match (field, operator) {
            (Field::Text(field), Operator::Exact) => Ok(Condition::Equals(field, value)),
            (Field::Text(field), Operator::Substring) => {
                if value.chars().count() < MIN_SUBSTRING_CHARS {
                    return Err((
                        Blame::Value,
                        format!(
                            "{}~ needs at least {MIN_SUBSTRING_CHARS} characters, '{value}' has \
                             fewer",
                            field.as_str()
                        ),
                    ));
                }
                Ok(Condition::Contains(field, value))
            }
            (Field::Phone, Operator::Exact) => E164::parse(&value, PhoneCountry::GHANA)
                .map(Condition::Phone)
                .ok_or_else(|| {
                    (
                        Blame::Value,
                        format!(
                            "'{value}' is not a phone number (7 to 15 digits, e.g. 0241234567 \
                             or +233241234567)"
                        ),
                    )
                }),
            (Field::Created, Operator::Compare(comparison)) => Timestamp::parse(&value)
                .map(|at| Condition::Created(comparison, at))
                .map_err(|message| (Blame::Value, message.trim_end_matches('.').to_owned())),
            (Field::Metadata(key), Operator::Exact) => Ok(Condition::Metadata { key, value }),
            (field, _) => Err((
                Blame::Operator,
                format!("{} {}", field.describe(), field.operators()),
            )),
        }
    }
}

/// Which part of a clause an error is about, so the message points at it.
enum Blame {
    Operator,
    Value,
}

enum Field {
    Text(TextField),
    Phone,
    Created,
    Metadata(String),
}

impl Field {
    fn describe(&self) -> String {
        match self {
            Field::Text(field) => field.as_str().to_owned(),
            Field::Phone => "phone".to_owned(),
            Field::Created => "created".to_owned(),
            Field::Metadata(key) => format!("metadata[{}]", Quoted(key)),
        }
    }

    fn operators(&self) -> &'static str {
        match self {
            Field::Text(_) => "takes ':' (exact) or '~' (substring)",
            Field::Phone => "takes ':' only",
            Field::Created => "takes '>', '>=', '<' or '<='",
            Field::Metadata(_) => "takes ':' only",
        }
    }
}

enum Operator {
    Exact,
    Substring,
    Compare(Comparison),
}

/// Where a search page starts: just older than the last result of the previous page. Opaque to
/// clients (`next_page`); inside, the creation time and sequence number the list order uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageToken {
    pub created_at: i64,
    pub seq: i64,
}

impl PageToken {
    const PREFIX: &'static str = "pg_";

    pub fn parse(token: &str) -> Result<Self> {
        let invalid = || {
            Error::invalid(
                "page",
                format!(
                    "Invalid page: '{token}' is not a page token. Pass the next_page of the \
                     previous answer."
                ),
            )
        };
        let inner = token
            .trim()
            .strip_prefix(Self::PREFIX)
            .ok_or_else(invalid)?;
        let (created_at, seq) = inner.split_once('_').ok_or_else(invalid)?;
        let number = |text: &str| {
            i64::from_str_radix(text, 36)
                .ok()
                .filter(|n| *n >= 0 && !text.starts_with(['+', '-']))
        };
        Ok(PageToken {
            created_at: number(created_at).ok_or_else(invalid)?,
            seq: number(seq).ok_or_else(invalid)?,
        })
    }
}

impl fmt::Display for PageToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}_{}",
            Self::PREFIX,
            base36(self.created_at),
            base36(self.seq)
        )
    }
}

fn base36(mut n: i64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if n <= 0 {
        return "0".to_owned();
    }
    let mut out = Vec::new();
    while n > 0 {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A search request: the query, the page size and where the page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerSearch {
    pub query: SearchQuery,
    pub limit: Limit,
    pub page: Option<PageToken>,
}

impl CustomerSearch {
    pub fn from_query(mut params: QueryParams) -> Result<Self> {
        let query = match params.take("query") {
            Some(text) => SearchQuery::parse(&text)?,
            None => return Err(Error::missing("query")),
        };
        let limit = match params.take("limit") {
            Some(text) => {
                Limit::parse(&text).map_err(|message| Error::invalid("limit", message))?
            }
            None => Limit::DEFAULT,
        };
        let page = params
            .take("page")
            .map(|t| PageToken::parse(&t))
            .transpose()?;
        params.finish()?;
        Ok(CustomerSearch { query, limit, page })
    }

    /// What the dashboard's search box finds for what was typed: names and emails containing
    /// it, and the phone number it is, if it is one. `None` when it is too short to search.
    pub fn quick(typed: &str) -> Option<SearchQuery> {
        let typed = typed.trim();
        if typed.chars().count() < MIN_SUBSTRING_CHARS {
            return None;
        }
        let mut clauses = vec![
            Clause {
                negated: false,
                condition: Condition::Contains(TextField::Name, typed.to_owned()),
            },
            Clause {
                negated: false,
                condition: Condition::Contains(TextField::Email, typed.to_owned()),
            },
        ];
        if let Some(number) = E164::parse(typed, PhoneCountry::GHANA) {
            clauses.push(Clause {
                negated: false,
                condition: Condition::Phone(number),
            });
        }
        Some(SearchQuery {
            clauses,
            join: Join::Or,
        })
    }
}

/// One page of search results, newest first, and where the next one starts if there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPage<T> {
    pub data: Vec<T>,
    pub next_page: Option<PageToken>,
}

/// The search answer's envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "object", rename = "search_result")]
pub struct SearchResult<T> {
    pub data: Vec<T>,
    pub has_more: bool,
    pub next_page: Option<String>,
    pub url: String,
}

impl<T> SearchResult<T> {
    pub fn new(page: SearchPage<T>, url: impl Into<String>) -> Self {
        SearchResult {
            data: page.data,
            has_more: page.next_page.is_some(),
            next_page: page.next_page.map(|token| token.to_string()),
            url: url.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(input: &str) -> SearchQuery {
        SearchQuery::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"))
    }

    fn message(input: &str) -> String {
        let error = SearchQuery::parse(input).unwrap_err();
        assert_eq!(error.param(), Some("query"), "{input}");
        error.to_string()
    }

    fn clause(condition: Condition) -> Clause {
        Clause {
            negated: false,
            condition,
        }
    }

    #[test]
    fn the_specs_example_parses() {
        assert_eq!(
            parse(r#"name~"kwame" AND metadata["tier"]:"gold""#),
            SearchQuery {
                clauses: vec![
                    clause(Condition::Contains(TextField::Name, "kwame".into())),
                    clause(Condition::Metadata {
                        key: "tier".into(),
                        value: "gold".into()
                    }),
                ],
                join: Join::And,
            }
        );
    }

    #[test]
    fn every_field_and_operator() {
        let q = parse(
            r#"email:"Ama@Example.com" OR -name:Kofi OR phone:"024 123 4567" OR created>=1705312800 OR created<"2024-02-01""#,
        );
        assert_eq!(q.join, Join::Or);
        assert_eq!(
            q.clauses[0].condition,
            Condition::Equals(TextField::Email, "Ama@Example.com".into())
        );
        assert!(q.clauses[1].negated);
        assert_eq!(
            q.clauses[2].condition,
            Condition::Phone(E164::parse("+233241234567", PhoneCountry::GHANA).unwrap())
        );
        assert_eq!(
            q.clauses[3].condition,
            Condition::Created(
                Comparison::GreaterOrEqual,
                Timestamp::parse("1705312800").unwrap()
            )
        );
        assert_eq!(
            q.clauses[4].condition,
            Condition::Created(Comparison::Less, Timestamp::parse("2024-02-01").unwrap())
        );
        for (text, comparison) in [
            ("created>1", Comparison::Greater),
            ("created<=1", Comparison::LessOrEqual),
        ] {
            assert!(
                matches!(parse(text).clauses[0].condition, Condition::Created(c, _) if c == comparison)
            );
        }
    }

    #[test]
    fn clauses_side_by_side_are_joined_by_and() {
        let q = parse(r#"name~"kwa"   email~"gmail""#);
        assert_eq!((q.join, q.clauses.len()), (Join::And, 2));
    }

    #[test]
    fn escaped_quotes_and_backslashes_in_values() {
        let q = parse(r#"name:"say \"hi\" \\ bye""#);
        assert_eq!(
            q.clauses[0].condition,
            Condition::Equals(TextField::Name, r#"say "hi" \ bye"#.into())
        );
    }

    #[test]
    fn errors_say_where_and_what_was_expected() {
        assert_eq!(
            message("colour:red"),
            "Invalid query: unknown field 'colour' at character 1: the fields are email, name, \
             phone, created and metadata[\"key\"]."
        );
        assert_eq!(
            message("name=kwame"),
            "Invalid query: expected an operator after name (':', '~', '>', '>=', '<' or '<=') \
             at character 5, found '=kwame'."
        );
        assert_eq!(
            message(r#"name:"kwame"#),
            "Invalid query: the string opened at character 6 is never closed: expected '\"' at \
             the end of the query."
        );
        assert_eq!(
            message("name~ab"),
            "Invalid query: name~ needs at least 3 characters, 'ab' has fewer (at character 6)."
        );
        assert_eq!(
            message("name:a AND email:b OR phone:0241234567"),
            "Invalid query: use either AND or OR between clauses, not both (at character 20)."
        );
        assert_eq!(
            message("created:2024-01-01"),
            "Invalid query: created takes '>', '>=', '<' or '<=' (at character 8)."
        );
        assert_eq!(
            message("name>kofi"),
            "Invalid query: name takes ':' (exact) or '~' (substring) (at character 5)."
        );
        assert_eq!(
            message("phone:kofi"),
            "Invalid query: 'kofi' is not a phone number (7 to 15 digits, e.g. 0241234567 or \
             +233241234567) (at character 7)."
        );
        assert_eq!(
            message("name:a AND"),
            "Invalid query: expected a field (email, name, phone, created or metadata[\"key\"]) \
             at character 11, found the end of the query."
        );
        assert!(message("").contains("must not be empty"));
        assert!(message("metadata[tier]:gold").contains("a quoted key"));
        assert!(message(r#"metadata["a[b"]:x"#).contains("keys must be 1 to 40 characters"));
        assert!(message(r#"name:"a""b""#).contains("a space, AND or OR between clauses"));
        assert!(message("created>soon").contains("Invalid timestamp"));
        assert!(message(r#"name:"""#).contains("must not be empty"));
        let eleven = ["name:a"; 11].join(" OR ");
        assert!(message(&eleven).contains("at most 10 clauses"));
    }

    #[test]
    fn page_tokens_round_trip_and_refuse_anything_else() {
        let token = PageToken {
            created_at: 1_705_312_800_123,
            seq: 42,
        };
        assert_eq!(PageToken::parse(&token.to_string()).unwrap(), token);
        for bad in [
            "",
            "pg_",
            "pg_1",
            "pg_x_",
            "pg_-1_2",
            "cus_123",
            "pg_zzzzzzzzzzzzzzzzz_1",
        ] {
            assert_eq!(
                PageToken::parse(bad).unwrap_err().param(),
                Some("page"),
                "{bad}"
            );
        }
    }

    #[test]
    fn search_requests_need_a_query_and_take_limit_and_page() {
        let params = |pairs: &[(&str, &str)]| {
            QueryParams::parse(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()))).unwrap()
        };
        let search = CustomerSearch::from_query(params(&[
            ("query", "name~kwame"),
            ("limit", "3"),
            ("page", "pg_1_1"),
        ]))
        .unwrap();
        assert_eq!(search.limit.get(), 3);
        assert_eq!(
            search.page,
            Some(PageToken {
                created_at: 1,
                seq: 1
            })
        );
        let missing = CustomerSearch::from_query(params(&[])).unwrap_err();
        assert_eq!(missing.param(), Some("query"));
        let unknown =
            CustomerSearch::from_query(params(&[("query", "name:a"), ("email", "x")])).unwrap_err();
        assert_eq!(unknown, Error::unknown("email"));
    }

    #[test]
    fn quick_search_looks_in_names_emails_and_phones() {
        assert_eq!(CustomerSearch::quick("ab"), None);
        let words = CustomerSearch::quick("Kwame").unwrap();
        assert_eq!(words.join, Join::Or);
        assert_eq!(words.clauses.len(), 2);
        let phone = CustomerSearch::quick("024 123 4567").unwrap();
        assert_eq!(phone.clauses.len(), 3);
    }

    fn text() -> impl Strategy<Value = String> {
        "[A-Za-z0-9 \"\\\\@.é-]{3,12}".prop_filter("not blank", |s| !s.trim().is_empty())
    }

    fn condition() -> impl Strategy<Value = Condition> {
        let field = prop_oneof![Just(TextField::Email), Just(TextField::Name)];
        let comparison = prop_oneof![
            Just(Comparison::Greater),
            Just(Comparison::GreaterOrEqual),
            Just(Comparison::Less),
            Just(Comparison::LessOrEqual),
        ];
        prop_oneof![
            (field.clone(), text()).prop_map(|(f, v)| Condition::Equals(f, v)),
            (field, text()).prop_map(|(f, v)| Condition::Contains(f, v)),
            "\\+[1-9][0-9]{6,14}"
                .prop_map(|n| Condition::Phone(E164::parse(&n, PhoneCountry::GHANA).unwrap())),
            (comparison, 0i64..253_402_300_799_999).prop_map(|(c, ms)| Condition::Created(
                c,
                Timestamp::from_unix_millis(ms).unwrap()
            )),
            ("[a-z_]{1,10}", "[A-Za-z0-9 \"]{1,10}")
                .prop_filter("not blank", |(_, v)| !v.trim().is_empty())
                .prop_map(|(key, value)| Condition::Metadata { key, value }),
        ]
    }

    fn query() -> impl Strategy<Value = SearchQuery> {
        (
            prop::collection::vec((any::<bool>(), condition()), 1..=MAX_CLAUSES),
            any::<bool>(),
        )
            .prop_map(|(clauses, or)| SearchQuery {
                join: if or && clauses.len() > 1 {
                    Join::Or
                } else {
                    Join::And
                },
                clauses: clauses
                    .into_iter()
                    .map(|(negated, condition)| Clause { negated, condition })
                    .collect(),
            })
    }

    proptest! {
        #[test]
        fn every_printed_query_parses_to_itself(q in query()) {
            let printed = q.to_string();
            prop_assert_eq!(SearchQuery::parse(&printed).unwrap(), q, "{}", printed);
        }

        #[test]
        fn random_input_never_panics(input in "\\PC{0,60}") {
            let _ = SearchQuery::parse(&input);
        }

        #[test]
        fn near_misses_of_the_grammar_never_panic(
            input in "[-a-z:~<>=\\[\\]\" \\\\0-9]{0,40}"
        ) {
            let _ = SearchQuery::parse(&input);
        }
    }
}
