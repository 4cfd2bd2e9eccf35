// The client class, `ShikaCreators`: its configuration, and its resources (`customers`,
// `payments`, `subscriptions`, `events`, `webhookEndpoints`), whose methods are built from the
// operations table with their types taken from the generated OpenAPI types (lists and searches
// answer lazy, iterable pages), and `webhooks`, the delivery verifier. Error classes and
// `webhooks` hang off it as static properties (`ShikaCreators.InvalidRequestError`,
// `ShikaCreators.webhooks`, which needs no API key), and public types off its namespace
// (`ShikaCreators.Customer`), so that the CommonJS `module.exports = ShikaCreators` carries all.

import * as errorClasses from './errors.js';
import { call, type RequestOptions } from './http.js';
import { OPERATIONS, type OperationSpec, type Operations, type ResourceName } from './operations.js';
import {
  ListPromise,
  SearchPromise,
  makePage,
  makeSearchPage,
  type ListEnvelope,
  type ListPage,
  type SearchEnvelope,
  type SearchPage,
} from './pagination.js';
import type * as T from './types.js';
import type { BodyOf, QueryOf, ResultOf, ShikaResponse } from './types.js';
import { VERSION } from './version.js';
import { webhooks, type Webhooks } from './webhooks.js';

export interface ShikaCreatorsConfig {
  /** The API's address. Default: env `SHIKA_BASE_URL`, else `http://127.0.0.1:3000`. */
  baseUrl?: string;
  /** Retries after a connection error, timeout, 409 in progress, 429 or 5xx. Default 2. */
  maxNetworkRetries?: number;
  /** Timeout of each attempt, in milliseconds. Default 30 000. */
  timeout?: number;
  /** First retry's backoff ceiling in ms (doubling per retry, with jitter). Default 500. */
  initialRetryDelay?: number;
  /** Longest backoff between retries, in ms. Default 8 000. */
  maxRetryDelay?: number;
}

const DEFAULT_BASE_URL = 'http://127.0.0.1:3000';

type PathArgs<P extends string> = P extends `${string}{${string}}${infer Rest}`
  ? [id: string, ...PathArgs<Rest>]
  : [];
type ParamsOf<O extends OperationSpec> = O['method'] extends 'POST' | 'PATCH'
  ? BodyOf<O['operationId']>
  : O extends { list: true } | { search: true }
    ? QueryOf<O['operationId']>
    : never;
type ParamArgs<O extends OperationSpec> = [ParamsOf<O>] extends [never]
  ? []
  : {} extends ParamsOf<O>
    ? [params?: ParamsOf<O>]
    : [params: ParamsOf<O>];
type ItemOf<O extends OperationSpec> = ResultOf<O['operationId']> extends { data: Array<infer I> } ? I : never;
type ResultType<O extends OperationSpec> = O extends { list: true }
  ? ListPromise<ItemOf<O> & { id: string }>
  : O extends { search: true }
    ? SearchPromise<ItemOf<O>>
    : Promise<ShikaResponse<ResultOf<O['operationId']>>>;

/** One SDK method, typed from its table row: path ids, then params (if any), then options. */
export type Method<O extends OperationSpec> = (
  ...args: [...PathArgs<O['path']>, ...ParamArgs<O>, options?: RequestOptions]
) => ResultType<O>;

/** A resource: one method per row of its part of the table. */
export type Resource<R extends ResourceName> = {
  readonly [M in keyof Operations[R]]: Operations[R][M] extends OperationSpec ? Method<Operations[R][M]> : never;
};

type Transport = Parameters<typeof call>[0];

export class ShikaCreators {
  static readonly VERSION = VERSION;
  static readonly ShikaError = errorClasses.ShikaError;
  static readonly InvalidRequestError = errorClasses.InvalidRequestError;
  static readonly AuthenticationError = errorClasses.AuthenticationError;
  static readonly IdempotencyError = errorClasses.IdempotencyError;
  static readonly RateLimitError = errorClasses.RateLimitError;
  static readonly APIError = errorClasses.APIError;
  static readonly APIConnectionError = errorClasses.APIConnectionError;
  static readonly SignatureVerificationError = errorClasses.SignatureVerificationError;
  static readonly errors = errorClasses.errors;
  // For CommonJS callers: `require('shikacreators').ShikaCreators` and `.default` are the class too.
  static readonly ShikaCreators: typeof ShikaCreators = this;
  static readonly default: typeof ShikaCreators = this;
  /** Verifying webhook deliveries, without a client: `ShikaCreators.webhooks.constructEvent(…)`. */
  static readonly webhooks: Webhooks = webhooks;

  readonly customers: Resource<'customers'>;
  readonly payments: Resource<'payments'>;
  readonly subscriptions: Resource<'subscriptions'>;
  readonly events: Resource<'events'>;
  readonly webhookEndpoints: Resource<'webhookEndpoints'>;
  /** Verifying webhook deliveries: `shikacreators.webhooks.constructEvent(body, headers, secret)`. */
  readonly webhooks: Webhooks = webhooks;

  // Private (#) so that the key never shows in console.log, util.inspect or JSON.stringify.
  readonly #transport: Transport;

  constructor(apiKey: string, config: ShikaCreatorsConfig = {}) {
    if (typeof apiKey !== 'string' || apiKey.trim() === '') {
      throw new TypeError('ShikaCreators needs a secret API key: new ShikaCreators("sk_test_…").');
    }
    const env = typeof process !== 'undefined' ? process.env?.SHIKA_BASE_URL : undefined;
    const baseUrl = (config.baseUrl || env || DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.#transport = {
      apiKey,
      baseUrl,
      maxNetworkRetries: nonNegative('maxNetworkRetries', config.maxNetworkRetries, 2),
      timeout: nonNegative('timeout', config.timeout, 30_000),
      initialRetryDelay: nonNegative('initialRetryDelay', config.initialRetryDelay, 500),
      maxRetryDelay: nonNegative('maxRetryDelay', config.maxRetryDelay, 8_000),
    };
    this.customers = this.#resource('customers');
    this.payments = this.#resource('payments');
    this.subscriptions = this.#resource('subscriptions');
    this.events = this.#resource('events');
    this.webhookEndpoints = this.#resource('webhookEndpoints');
  }

  /** The base URL requests go to. */
  get baseUrl(): string {
    return this.#transport.baseUrl;
  }

  #resource<R extends ResourceName>(name: R): Resource<R> {
    const methods: Record<string, unknown> = {};
    for (const [method, spec] of Object.entries(OPERATIONS[name]) as [string, OperationSpec][]) {
      methods[method] = this.#method(`${name}.${method}`, spec);
    }
    return Object.freeze(methods) as Resource<R>;
  }

  /** The function behind one table row. */
  #method(label: string, spec: OperationSpec): (...args: unknown[]) => unknown {
    const placeholders = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const paged = spec.list === true || spec.search === true;
    const takesParams = spec.noParams !== true && (spec.method === 'POST' || spec.method === 'PATCH' || paged);
    const transport = this.#transport;
    return (...args: unknown[]) => {
      const ids = args.slice(0, placeholders.length);
      const rest = args.slice(placeholders.length);
      const params = (takesParams ? rest[0] : undefined) as Record<string, unknown> | undefined;
      const options = (takesParams ? rest[1] : rest[0]) as RequestOptions | undefined;
      let path: string;
      try {
        path = fillPath(label, spec.path, placeholders, ids);
        checkObject(label, 'params', params);
        checkObject(label, 'options', options);
      } catch (e) {
        if (spec.search) return new SearchPromise(() => Promise.reject(e));
        return spec.list ? new ListPromise(() => Promise.reject(e)) : Promise.reject(e);
      }
      if (spec.search) {
        // Each further page repeats the caller's query and limit with the previous answer's
        // `next_page` as `page`.
        const fetchPage = async (page: string): Promise<SearchPage<unknown>> => {
          const query = { ...params, page };
          const { body, lastResponse } = await call(transport, { method: 'GET', path, query }, options);
          return makeSearchPage(body as SearchEnvelope<unknown>, lastResponse, fetchPage);
        };
        return new SearchPromise<unknown>(async () => {
          const { body, lastResponse } = await call(transport, { method: 'GET', path, query: params }, options);
          return makeSearchPage(body as SearchEnvelope<unknown>, lastResponse, fetchPage);
        });
      }
      if (!spec.list) {
        return call(transport, { method: spec.method, path, body: params }, options).then(({ body, lastResponse }) =>
          withLastResponse(body, lastResponse),
        );
      }
      const backwards = params?.ending_before !== undefined && params.ending_before !== null;
      type Item = { id: string };
      const fetchPage = async (cursor: { starting_after?: string; ending_before?: string }): Promise<ListPage<Item>> => {
        // Each page repeats the caller's filters with its own cursor instead of theirs.
        const query = { ...params, starting_after: undefined, ending_before: undefined, ...cursor };
        const { body, lastResponse } = await call(transport, { method: 'GET', path, query }, options);
        return makePage(body as ListEnvelope<Item>, lastResponse, backwards, fetchPage);
      };
      return new ListPromise<Item>(async () => {
        const { body, lastResponse } = await call(transport, { method: 'GET', path, query: params }, options);
        return makePage(body as ListEnvelope<Item>, lastResponse, backwards, fetchPage);
      });
    };
  }

  /** What console.log and util.inspect show: the settings, never the key. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const { baseUrl, maxNetworkRetries, timeout } = this.#transport;
    return `ShikaCreators { baseUrl: '${baseUrl}', maxNetworkRetries: ${maxNetworkRetries}, timeout: ${timeout} }`;
  }

  toJSON(): Record<string, unknown> {
    const { baseUrl, maxNetworkRetries, timeout } = this.#transport;
    return { baseUrl, maxNetworkRetries, timeout };
  }
}

// Public types as `ShikaCreators.Customer`, `ShikaCreators.InvalidRequestError`, … — the way a
// CommonJS caller (`const ShikaCreators = require('shikacreators')`) reaches them.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace ShikaCreators {
  export type Customer = T.Customer;
  export type DeletedCustomer = T.DeletedCustomer;
  export type Payment = T.Payment;
  export type Subscription = T.Subscription;
  export type Event = T.Event;
  export type EventType = T.EventType;
  export type WebhookEndpoint = T.WebhookEndpoint;
  export type DeletedWebhookEndpoint = T.DeletedWebhookEndpoint;
  export type Metadata = T.Metadata;
  export type ErrorBody = T.ErrorBody;
  export type CustomerCreateParams = T.CustomerCreateParams;
  export type CustomerUpdateParams = T.CustomerUpdateParams;
  export type CustomerListParams = T.CustomerListParams;
  export type CustomerSearchParams = T.CustomerSearchParams;
  export type CustomerSearchResult = T.CustomerSearchResult;
  export type CustomerListPaymentsParams = T.CustomerListPaymentsParams;
  export type CustomerListSubscriptionsParams = T.CustomerListSubscriptionsParams;
  export type PaymentCreateParams = T.PaymentCreateParams;
  export type PaymentListParams = T.PaymentListParams;
  export type SubscriptionCreateParams = T.SubscriptionCreateParams;
  export type SubscriptionListParams = T.SubscriptionListParams;
  export type EventListParams = T.EventListParams;
  export type WebhookEndpointCreateParams = T.WebhookEndpointCreateParams;
  export type WebhookEndpointUpdateParams = T.WebhookEndpointUpdateParams;
  export type WebhookEndpointListParams = T.WebhookEndpointListParams;
  export type ShikaResponse<R> = T.ShikaResponse<R>;
  export type ListPage<I> = import('./pagination.js').ListPage<I>;
  export type ListPromise<I extends { id: string }> = import('./pagination.js').ListPromise<I>;
  export type SearchPage<I> = import('./pagination.js').SearchPage<I>;
  export type SearchPromise<I> = import('./pagination.js').SearchPromise<I>;
  export type RequestOptions = import('./http.js').RequestOptions;
  export type LastResponse = import('./http.js').LastResponse;
  export type Config = ShikaCreatorsConfig;
  export type Webhooks = import('./webhooks.js').Webhooks;
  export type WebhookHeaders = import('./webhooks.js').WebhookHeaders;
  export type WebhookBody = import('./webhooks.js').WebhookBody;
  export type TestHeadersParams = import('./webhooks.js').TestHeadersParams;
  export type ShikaError = errorClasses.ShikaError;
  export type InvalidRequestError = errorClasses.InvalidRequestError;
  export type AuthenticationError = errorClasses.AuthenticationError;
  export type IdempotencyError = errorClasses.IdempotencyError;
  export type RateLimitError = errorClasses.RateLimitError;
  export type APIError = errorClasses.APIError;
  export type APIConnectionError = errorClasses.APIConnectionError;
  export type SignatureVerificationError = errorClasses.SignatureVerificationError;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`ShikaCreators option \`${name}\` must be a non-negative number.`);
  }
  return value;
}

function fillPath(label: string, template: string, names: string[], ids: unknown[]): string {
  let i = 0;
  return template.replace(/\{\w+\}/g, () => {
    const id = ids[i];
    const name = names[i++];
    // An empty id would turn `retrieve('')` into a call on the collection itself.
    if (typeof id !== 'string' || id === '') {
      throw new TypeError(`${label}: \`${name}\` must be a non-empty string.`);
    }
    return encodeURIComponent(id);
  });
}

function checkObject(label: string, what: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw new TypeError(`${label}: \`${what}\` must be an object.`);
  }
}

function withLastResponse<R>(body: unknown, lastResponse: unknown): R {
  if (body !== null && typeof body === 'object') {
    Object.defineProperty(body, 'lastResponse', { value: lastResponse, enumerable: false });
  }
  return body as R;
}
