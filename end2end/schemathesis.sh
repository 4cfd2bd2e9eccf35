#!/usr/bin/env bash
# The schema-driven fuzz run: validates the served OpenAPI document, then lets Schemathesis
# generate requests for every operation (examples, boundary values, random data and stateful
# sequences) with a real test key, checking that every response conforms to the document and
# that nothing answers 5xx. Bounded by SCHEMATHESIS_MAX_TIME seconds (default 150).
# Run through with-server.sh, which provides SHIKA_BASE_URL, SHIKA_DATABASE_URL and SHIKA_BIN.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv=${SHIKA_PYTHON_VENV:-$root/.tools/venv}
document="$SHIKA_BASE_URL/v1/openapi.json"

key=$(DATABASE_URL="$SHIKA_DATABASE_URL" "$SHIKA_BIN" merchant create \
  --email "schemathesis-$RANDOM@example.com" --password "schemathesis password" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["test_secret_key"])')

spec=$(mktemp)
trap 'rm -f "$spec"' EXIT
curl -fsS "$document" -o "$spec"
"$venv/bin/openapi-spec-validator" "$spec"

# positive_data_acceptance is left out on purpose: schema-valid requests are rightly refused
# when they name objects that do not exist, or reuse an Idempotency-Key for another body.
# One worker: with two, Hypothesis parses lambda sources (ast.parse) on two threads at once, and
# CPython 3.11's AST constructor keeps its recursion depth per interpreter, not per thread, so a
# run fails now and then with "SystemError: AST constructor recursion depth mismatch" that says
# nothing about Shika.
"$venv/bin/schemathesis" run "$document" \
  --header "Authorization: Bearer $key" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-50}" \
  --max-time "${SCHEMATHESIS_MAX_TIME:-150}" \
  --workers 1 \
  ${SCHEMATHESIS_SEED:+--seed "$SCHEMATHESIS_SEED"} \
  --no-color
