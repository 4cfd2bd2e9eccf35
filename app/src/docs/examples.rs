//! The reference's example requests in the four ways the seed shows them: curl and the
//! JavaScript, Python and PHP client libraries (`sdk/`), written from an operation's method,
//! path and example body.

use serde_json::{Map, Value};

use super::{Example, Language, KEY_PLACEHOLDER};

/// How a client library spells an operation: `shikacreators.<resource>.<method>(…)`.
struct SdkCall {
    resource: &'static str,
    /// snake_case, as Python spells it; JavaScript and PHP use camelCase.
    method: &'static str,
}

/// The client libraries' method for each operation of the document. Each SDK's own tests check
/// that it has a method for every operation; this table only says how the reference writes it.
fn sdk_call(operation_id: &str) -> Option<SdkCall> {
    let (resource, method) = match operation_id {
        "create_customer" => ("customers", "create"),
        "retrieve_customer" => ("customers", "retrieve"),
        "update_customer" => ("customers", "update"),
        "delete_customer" => ("customers", "delete"),
        "list_customers" => ("customers", "list"),
        "search_customers" => ("customers", "search"),
        "list_customer_payments" => ("customers", "list_payments"),
        "list_customer_subscriptions" => ("customers", "list_subscriptions"),
        "create_payment" => ("payments", "create"),
        "retrieve_payment" => ("payments", "retrieve"),
        "list_payments" => ("payments", "list"),
        "create_subscription" => ("subscriptions", "create"),
        "retrieve_subscription" => ("subscriptions", "retrieve"),
        "cancel_subscription" => ("subscriptions", "cancel"),
        "list_subscriptions" => ("subscriptions", "list"),
        "list_events" => ("events", "list"),
        "retrieve_event" => ("events", "retrieve"),
        "create_webhook_endpoint" => ("webhook_endpoints", "create"),
        "retrieve_webhook_endpoint" => ("webhook_endpoints", "retrieve"),
        "update_webhook_endpoint" => ("webhook_endpoints", "update"),
        "delete_webhook_endpoint" => ("webhook_endpoints", "delete"),
        "list_webhook_endpoints" => ("webhook_endpoints", "list"),
        "roll_webhook_endpoint_secret" => ("webhook_endpoints", "roll_secret"),
        _ => return None,
    };
    Some(SdkCall { resource, method })
}

/// The query the search's examples send.
const SEARCH_EXAMPLE: &str = r#"name~"kwame" AND metadata["tier"]:"gold""#;

/// The id a reader replaces in an example path: one of the kind the path's resource holds.
pub fn example_id(path: &str) -> &'static str {
    if path.starts_with("/v1/payments/") {
        "pay_abc123def456"
    } else if path.starts_with("/v1/subscriptions/") {
        "sub_abc123def456"
    } else if path.starts_with("/v1/events/") {
        "evt_abc123def456"
    } else if path.starts_with("/v1/webhook_endpoints/") {
        "we_abc123def456"
    } else {
        "cus_abc123def456"
    }
}

/// The example request of one operation in every language that can make it: curl always, the
/// client libraries for the operations they have a method for.
pub fn examples(
    operation_id: &str,
    origin: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Vec<Example> {
    let id = path.contains("{id}").then(|| example_id(path));
    let mut curl_command = curl(
        origin,
        method,
        &path.replace("{id}", id.unwrap_or_default()),
        body,
    );
    if operation_id == "search_customers" {
        // curl encodes the query's quotes and spaces itself.
        curl_command = curl_command.replacen("curl ", "curl -G ", 1);
        curl_command.push_str(&format!(" \\\n  --data-urlencode 'query={SEARCH_EXAMPLE}'"));
    }
    let mut examples = vec![Example {
        language: Language::Curl,
        code: curl_command,
    }];
    if let Some(call) = sdk_call(operation_id) {
        // Lists show their most used parameter, as the seed does; searches a query; writes
        // their example body.
        let limit = Value::Object(Map::from_iter([("limit".to_owned(), Value::from(10))]));
        let search = Value::Object(Map::from_iter([(
            "query".to_owned(),
            Value::from(SEARCH_EXAMPLE),
        )]));
        let params = match method {
            "GET" if call.method == "search" => Some(&search),
            "GET" if call.method.starts_with("list") => Some(&limit),
            _ => body.filter(|body| body.as_object().is_some_and(|body| !body.is_empty())),
        };
        let result = result_name(&call);
        examples.extend([
            Example {
                language: Language::JavaScript,
                code: javascript(&call, &result, id, params),
            },
            Example {
                language: Language::Python,
                code: python(&call, &result, id, params),
            },
            Example {
                language: Language::Php,
                code: php(&call, &result, id, params),
            },
        ]);
    }
    examples
}

/// How the examples may set up each client library (shown once, above the endpoints).
pub fn setup(origin: &str) -> Vec<Example> {
    vec![
        Example {
            language: Language::Curl,
            code: format!(
                "# Nothing to install: every request names its key.\n\
                 curl {origin}/v1/customers -H \"Authorization: Bearer {KEY_PLACEHOLDER}\""
            ),
        },
        Example {
            language: Language::JavaScript,
            code: format!(
                "// npm install sdk/dist/shikacreators-{SDK_VERSION}.tgz   (after `make sdks`)\n\
                 import ShikaCreators from 'shikacreators'\n\n\
                 const shikacreators = new ShikaCreators('{KEY_PLACEHOLDER}', {{ baseUrl: '{origin}' }})"
            ),
        },
        Example {
            language: Language::Python,
            code: format!(
                "# pip install sdk/dist/shikacreators-{SDK_VERSION}-py3-none-any.whl   (after `make sdks`)\n\
                 import shikacreators\n\n\
                 client = shikacreators.Client('{KEY_PLACEHOLDER}', base_url='{origin}')"
            ),
        },
        Example {
            language: Language::Php,
            code: format!(
                "<?php\n\
                 // No Composer needed: the library's own loader.\n\
                 require 'sdk/php/init.php';\n\n\
                 $shikacreators = new \\ShikaCreators\\ShikaCreatorsClient('{KEY_PLACEHOLDER}', ['base_url' => '{origin}']);"
            ),
        },
    ]
}

/// The client libraries' version, as their packages (`sdk/*/`) declare it.
pub const SDK_VERSION: &str = "0.1.0";

fn curl(origin: &str, method: &str, path: &str, body: Option<&Value>) -> String {
    let mut command = match method {
        "GET" => format!("curl {origin}{path}"),
        _ => format!("curl -X {method} {origin}{path}"),
    };
    command.push_str(&format!(
        " \\\n  -H \"Authorization: Bearer {KEY_PLACEHOLDER}\""
    ));
    if let Some(body) = body {
        let body = serde_json::to_string(body).unwrap_or_default();
        command.push_str(&format!(
            " \\\n  -H \"Content-Type: application/json\" \\\n  -d '{body}'"
        ));
    }
    command
}

/// The variable an example keeps its answer in: `customer`, `customers`, `deleted`…
fn result_name(call: &SdkCall) -> String {
    let singular = call.resource.trim_end_matches('s');
    match call.method {
        "delete" => "deleted".to_owned(),
        "list" | "search" => call.resource.to_owned(),
        listed if listed.starts_with("list_") => listed.trim_start_matches("list_").to_owned(),
        _ => singular.to_owned(),
    }
}

fn camel_case(snake: &str) -> String {
    let mut words = snake.split('_');
    let first = words.next().unwrap_or_default().to_owned();
    words.fold(first, |mut camel, word| {
        let mut letters = word.chars();
        if let Some(initial) = letters.next() {
            camel.extend(initial.to_uppercase());
            camel.push_str(letters.as_str());
        }
        camel
    })
}

/// A string literal in single quotes, as all three languages write one.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A value as a literal of one language, nested objects written on one line.
fn literal(value: &Value, language: Language) -> String {
    match value {
        Value::Null => match language {
            Language::Python => "None".into(),
            _ => "null".into(),
        },
        Value::Bool(flag) => match (language, flag) {
            (Language::Python, true) => "True".into(),
            (Language::Python, false) => "False".into(),
            _ => flag.to_string(),
        },
        Value::Number(number) => number.to_string(),
        Value::String(text) => quoted(text),
        Value::Array(items) => {
            let items: Vec<_> = items.iter().map(|item| literal(item, language)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(fields) => {
            let fields: Vec<_> = fields
                .iter()
                .map(|(key, value)| field(key, value, language))
                .collect();
            match language {
                Language::Php => format!("[{}]", fields.join(", ")),
                _ if fields.is_empty() => "{}".into(),
                Language::JavaScript => format!("{{ {} }}", fields.join(", ")),
                _ => format!("{{{}}}", fields.join(", ")),
            }
        }
    }
}

/// One `key: value` of an object literal.
fn field(key: &str, value: &Value, language: Language) -> String {
    let value = literal(value, language);
    match language {
        Language::JavaScript if is_identifier(key) => format!("{key}: {value}"),
        Language::JavaScript | Language::Python => format!("{}: {value}", quoted(key)),
        _ => format!("{} => {value}", quoted(key)),
    }
}

/// The fields of `params`, one per line, indented as the language usually is, comma-separated.
fn lines(params: &Value, language: Language, each: impl Fn(&str, &Value) -> String) -> String {
    let indent = match language {
        Language::JavaScript => "  ",
        _ => "    ",
    };
    params
        .as_object()
        .into_iter()
        .flatten()
        .map(|(key, value)| format!("{indent}{}", each(key, value)))
        .collect::<Vec<_>>()
        .join(",\n")
}

fn javascript(call: &SdkCall, result: &str, id: Option<&str>, params: Option<&Value>) -> String {
    let mut arguments: Vec<String> = id.map(quoted).into_iter().collect();
    if let Some(params) = params {
        let fields = lines(params, Language::JavaScript, |key, value| {
            field(key, value, Language::JavaScript)
        });
        arguments.push(format!("{{\n{fields}\n}}"));
    }
    format!(
        "const {} = await shikacreators.{}.{}({})",
        camel_case(result),
        camel_case(call.resource),
        camel_case(call.method),
        arguments.join(", ")
    )
}

fn python(call: &SdkCall, result: &str, id: Option<&str>, params: Option<&Value>) -> String {
    let mut arguments: Vec<String> = id.map(quoted).into_iter().collect();
    if let Some(params) = params {
        let keywords = lines(params, Language::Python, |key, value| {
            format!("{key}={}", literal(value, Language::Python))
        });
        arguments.push(format!("\n{keywords}\n"));
    }
    format!(
        "{result} = client.{}.{}({})",
        call.resource,
        call.method,
        arguments.join(", ")
    )
}

fn php(call: &SdkCall, result: &str, id: Option<&str>, params: Option<&Value>) -> String {
    let mut arguments: Vec<String> = id.map(quoted).into_iter().collect();
    if let Some(params) = params {
        let fields = lines(params, Language::Php, |key, value| {
            field(key, value, Language::Php)
        });
        arguments.push(format!("[\n{fields}\n]"));
    }
    format!(
        "${} = $shikacreators->{}->{}({});",
        camel_case(result),
        camel_case(call.resource),
        camel_case(call.method),
        arguments.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn code(examples: &[Example], language: Language) -> &str {
        &examples
            .iter()
            .find(|example| example.language == language)
            .unwrap_or_else(|| panic!("no {language:?} example"))
            .code
    }

    #[test]
    fn a_create_is_written_the_way_the_seed_writes_it_in_each_language() {
        let body = json!({"email": "customer@example.com", "metadata": {"user_id": "123"}});
        let examples = examples(
            "create_customer",
            "http://127.0.0.1:3000",
            "POST",
            "/v1/customers",
            Some(&body),
        );

        assert_eq!(
            code(&examples, Language::JavaScript),
            "const customer = await shikacreators.customers.create({\n  \
             email: 'customer@example.com',\n  metadata: { user_id: '123' }\n})"
        );
        assert_eq!(
            code(&examples, Language::Python),
            "customer = client.customers.create(\n    \
             email='customer@example.com',\n    metadata={'user_id': '123'}\n)"
        );
        assert_eq!(
            code(&examples, Language::Php),
            "$customer = $shikacreators->customers->create([\n    \
             'email' => 'customer@example.com',\n    'metadata' => ['user_id' => '123']\n]);"
        );
        assert!(code(&examples, Language::Curl).starts_with(
            "curl -X POST http://127.0.0.1:3000/v1/customers \\\n  \
             -H \"Authorization: Bearer sk_test_YOUR_KEY\""
        ));
    }

    #[test]
    fn calls_on_one_object_pass_an_id_of_its_kind_first() {
        let body = json!({"name": "Jane Doe"});
        let update = examples(
            "update_customer",
            "http://h",
            "PATCH",
            "/v1/customers/{id}",
            Some(&body),
        );
        assert_eq!(
            code(&update, Language::JavaScript),
            "const customer = await shikacreators.customers.update('cus_abc123def456', {\n  \
             name: 'Jane Doe'\n})"
        );
        let cancel = examples(
            "cancel_subscription",
            "http://h",
            "DELETE",
            "/v1/subscriptions/{id}",
            None,
        );
        assert_eq!(
            code(&cancel, Language::Python),
            "subscription = client.subscriptions.cancel('sub_abc123def456')"
        );
        assert_eq!(
            code(&cancel, Language::Curl),
            "curl -X DELETE http://h/v1/subscriptions/sub_abc123def456 \\\n  \
             -H \"Authorization: Bearer sk_test_YOUR_KEY\""
        );
    }

    #[test]
    fn lists_show_a_limit_and_nested_lists_are_methods_of_their_owner() {
        let payments = examples(
            "list_customer_payments",
            "http://h",
            "GET",
            "/v1/customers/{id}/payments",
            None,
        );
        assert_eq!(
            code(&payments, Language::Php),
            "$payments = $shikacreators->customers->listPayments('cus_abc123def456', [\n    \
             'limit' => 10\n]);"
        );
        let deleted = examples(
            "delete_customer",
            "http://h",
            "DELETE",
            "/v1/customers/{id}",
            None,
        );
        assert_eq!(
            code(&deleted, Language::JavaScript),
            "const deleted = await shikacreators.customers.delete('cus_abc123def456')"
        );
    }

    #[test]
    fn a_search_sends_its_query_encoded_by_curl_and_as_a_parameter_in_the_libraries() {
        let search = examples(
            "search_customers",
            "http://h",
            "GET",
            "/v1/customers/search",
            None,
        );
        assert_eq!(
            code(&search, Language::Curl),
            "curl -G http://h/v1/customers/search \\\n  -H \"Authorization: Bearer sk_test_YOUR_KEY\" \\\n  \
             --data-urlencode 'query=name~\"kwame\" AND metadata[\"tier\"]:\"gold\"'"
        );
        assert_eq!(
            code(&search, Language::Python),
            "customers = client.customers.search(\n    \
             query='name~\"kwame\" AND metadata[\"tier\"]:\"gold\"'\n)"
        );
    }

    #[test]
    fn an_operation_without_a_library_method_shows_curl_alone() {
        let examples = examples("get_openapi", "http://h", "GET", "/v1/openapi.json", None);
        let languages: Vec<_> = examples.iter().map(|example| example.language).collect();
        assert_eq!(languages, [Language::Curl]);
    }

    #[test]
    fn literals_escape_quotes_and_spell_each_languages_constants() {
        let value = json!({"it's": "a\\b", "flag": true, "none": null, "n": 3});
        assert_eq!(
            literal(&value, Language::Python),
            r"{'flag': True, 'it\'s': 'a\\b', 'n': 3, 'none': None}"
        );
        assert_eq!(
            literal(&value, Language::JavaScript),
            r"{ flag: true, 'it\'s': 'a\\b', n: 3, none: null }"
        );
        assert_eq!(
            literal(&value, Language::Php),
            r"['flag' => true, 'it\'s' => 'a\\b', 'n' => 3, 'none' => null]"
        );
    }
}
