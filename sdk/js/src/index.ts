// The package's ES module entry: `import ShikaCreators from 'shikacreators'`, plus named exports
// of the error classes, `webhooks` and every public type. (CommonJS callers get cjs.ts instead.)

import { ShikaCreators } from './client.js';

export default ShikaCreators;
export { ShikaCreators };
export type { ShikaCreatorsConfig, Resource, Method } from './client.js';
export {
  ShikaError,
  InvalidRequestError,
  AuthenticationError,
  IdempotencyError,
  RateLimitError,
  APIError,
  APIConnectionError,
  SignatureVerificationError,
  errors,
} from './errors.js';
export type { RequestOptions, LastResponse } from './http.js';
export { ListPromise, SearchPromise, PagePromise } from './pagination.js';
export type { ListPage, ListEnvelope, SearchPage, SearchEnvelope } from './pagination.js';
export { OPERATIONS, EXEMPT_OPERATIONS } from './operations.js';
export type { OperationSpec } from './operations.js';
export { VERSION } from './version.js';
export { webhooks } from './webhooks.js';
export type { Webhooks, WebhookHeaders, WebhookBody, TestHeadersParams } from './webhooks.js';
export type * from './types.js';
