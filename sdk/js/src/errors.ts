// The error classes: one base class, `ShikaError`, and one subclass per API error `type`
// (plus `APIConnectionError` for failures below HTTP, and `SignatureVerificationError` for a
// webhook delivery that fails verification), and the mapping from a response to them.

/** The `error` member of an API error body, as the server sends it. */
export interface RawErrorBody {
  type?: string;
  code?: string;
  message?: string;
  param?: string;
  [key: string]: unknown;
}

export interface ShikaErrorInit {
  message: string;
  type?: string;
  code?: string;
  param?: string;
  statusCode?: number;
  requestId?: string;
  headers?: Record<string, string>;
  raw?: unknown;
  cause?: unknown;
}

/** Base class of every error this library throws for a failed API call. */
export class ShikaError extends Error {
  /** The API's error type, e.g. `invalid_request_error`; `api_connection_error` for network failures. */
  readonly type: string;
  /** The API's error code when it gives one, e.g. `resource_missing`, `parameter_invalid`. */
  readonly code: string | undefined;
  /** The offending parameter as the request spelled it, e.g. `email` or `created[gte]`. */
  readonly param: string | undefined;
  /** The HTTP status; `undefined` when no response arrived. */
  readonly statusCode: number | undefined;
  /** The `Request-Id` response header, the key to the server's log line for the request. */
  readonly requestId: string | undefined;
  /** The response headers, lower-case names. */
  readonly headers: Record<string, string>;
  /** The parsed response body (or its text when it was not JSON). */
  readonly raw: unknown;

  constructor(init: ShikaErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.type = init.type ?? defaultType(new.target);
    this.code = init.code;
    this.param = init.param;
    this.statusCode = init.statusCode;
    this.requestId = init.requestId;
    this.headers = init.headers ?? {};
    this.raw = init.raw;
  }
}

/** 400/404/405/413/415: the request was wrong (bad parameter, unknown id, …). */
export class InvalidRequestError extends ShikaError {}
/** 401: missing, malformed, unknown or rolled API key. */
export class AuthenticationError extends ShikaError {}
/** 400/409 `idempotency_error`: key reused with another body, or the first request still running. */
export class IdempotencyError extends ShikaError {}
/** 429: too many requests for this key; see `headers['retry-after']`. */
export class RateLimitError extends ShikaError {}
/** 5xx: the API (or a gateway in front of it) failed. */
export class APIError extends ShikaError {}
/** No HTTP answer: connection refused or reset, DNS failure, timeout. */
export class APIConnectionError extends ShikaError {}
/**
 * `webhooks.constructEvent` refused a delivery: a header missing or malformed, a timestamp
 * outside the tolerance, no signature matching the secret, an unusable secret, or a body that
 * is not a JSON object. `headers` holds the delivery's `webhook-*` headers and `raw` its body.
 */
export class SignatureVerificationError extends ShikaError {}

/** Every error class, keyed by name: attached to the client class as static properties. */
export const errors = {
  ShikaError,
  InvalidRequestError,
  AuthenticationError,
  IdempotencyError,
  RateLimitError,
  APIError,
  APIConnectionError,
  SignatureVerificationError,
} as const;

const BY_TYPE: Record<string, typeof ShikaError> = {
  invalid_request_error: InvalidRequestError,
  authentication_error: AuthenticationError,
  idempotency_error: IdempotencyError,
  rate_limit_error: RateLimitError,
  api_error: APIError,
};

function defaultType(cls: typeof ShikaError): string {
  for (const [type, c] of Object.entries(BY_TYPE)) if (c === cls) return type;
  if (cls === APIConnectionError) return 'api_connection_error';
  if (cls === SignatureVerificationError) return 'signature_verification_error';
  return 'api_error';
}

/** The class for a status when the body names no known type (e.g. a gateway's HTML 503). */
function classForStatus(status: number): typeof ShikaError {
  if (status === 401) return AuthenticationError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return APIError;
  return InvalidRequestError;
}

/** Builds the error for a non-2xx response: by the body's `error.type`, else by the status. */
export function errorFromResponse(
  statusCode: number,
  headers: Record<string, string>,
  body: unknown,
): ShikaError {
  const error: RawErrorBody | undefined =
    body !== null && typeof body === 'object' && 'error' in body && typeof body.error === 'object'
      ? (body.error as RawErrorBody)
      : undefined;
  const type = typeof error?.type === 'string' ? error.type : undefined;
  const cls = (type !== undefined && BY_TYPE[type]) || classForStatus(statusCode);
  const message =
    typeof error?.message === 'string'
      ? error.message
      : `The API answered HTTP ${statusCode} without an error object.`;
  return new cls({
    message,
    type,
    code: typeof error?.code === 'string' ? error.code : undefined,
    param: typeof error?.param === 'string' ? error.param : undefined,
    statusCode,
    requestId: headers['request-id'],
    headers,
    raw: body,
  });
}
