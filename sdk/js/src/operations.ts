// THE table of API operations: for each resource and method, the OpenAPI operationId, the HTTP
// method and the path template. The client builds its methods from it (client.ts), the types of
// their parameters and results come from the generated OpenAPI types by operationId (types.ts),
// and the coverage test compares it with the live /v1/openapi.json. A new resource or method is
// a line here (and, for nice names, aliases in types.ts).

import type { operations, paths } from './generated/openapi.js';

export interface OperationSpec {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** With `{name}` placeholders, filled from the method's leading string arguments in order. */
  readonly path: string;
  /** Returns a list envelope: the method gives a `ListPromise` (awaitable and iterable). */
  readonly list?: true;
  /**
   * Returns a search envelope: the method gives a `SearchPromise` (awaitable and iterable, paged
   * by `next_page`).
   */
  readonly search?: true;
  /**
   * A POST that takes no parameters (an action such as `roll_secret`): the method's arguments are
   * the path ids, then the options.
   */
  readonly noParams?: true;
}

export const OPERATIONS = {
  customers: {
    create: { operationId: 'create_customer', method: 'POST', path: '/v1/customers' },
    retrieve: { operationId: 'retrieve_customer', method: 'GET', path: '/v1/customers/{id}' },
    update: { operationId: 'update_customer', method: 'PATCH', path: '/v1/customers/{id}' },
    delete: { operationId: 'delete_customer', method: 'DELETE', path: '/v1/customers/{id}' },
    list: { operationId: 'list_customers', method: 'GET', path: '/v1/customers', list: true },
    search: {
      operationId: 'search_customers',
      method: 'GET',
      path: '/v1/customers/search',
      search: true,
    },
    listPayments: {
      operationId: 'list_customer_payments',
      method: 'GET',
      path: '/v1/customers/{id}/payments',
      list: true,
    },
    listSubscriptions: {
      operationId: 'list_customer_subscriptions',
      method: 'GET',
      path: '/v1/customers/{id}/subscriptions',
      list: true,
    },
  },
  payments: {
    create: { operationId: 'create_payment', method: 'POST', path: '/v1/payments' },
    retrieve: { operationId: 'retrieve_payment', method: 'GET', path: '/v1/payments/{id}' },
    list: { operationId: 'list_payments', method: 'GET', path: '/v1/payments', list: true },
  },
  subscriptions: {
    create: { operationId: 'create_subscription', method: 'POST', path: '/v1/subscriptions' },
    retrieve: { operationId: 'retrieve_subscription', method: 'GET', path: '/v1/subscriptions/{id}' },
    list: { operationId: 'list_subscriptions', method: 'GET', path: '/v1/subscriptions', list: true },
    cancel: { operationId: 'cancel_subscription', method: 'DELETE', path: '/v1/subscriptions/{id}' },
  },
  events: {
    retrieve: { operationId: 'retrieve_event', method: 'GET', path: '/v1/events/{id}' },
    list: { operationId: 'list_events', method: 'GET', path: '/v1/events', list: true },
  },
  webhookEndpoints: {
    create: { operationId: 'create_webhook_endpoint', method: 'POST', path: '/v1/webhook_endpoints' },
    retrieve: { operationId: 'retrieve_webhook_endpoint', method: 'GET', path: '/v1/webhook_endpoints/{id}' },
    update: { operationId: 'update_webhook_endpoint', method: 'PATCH', path: '/v1/webhook_endpoints/{id}' },
    delete: { operationId: 'delete_webhook_endpoint', method: 'DELETE', path: '/v1/webhook_endpoints/{id}' },
    list: { operationId: 'list_webhook_endpoints', method: 'GET', path: '/v1/webhook_endpoints', list: true },
    rollSecret: {
      operationId: 'roll_webhook_endpoint_secret',
      method: 'POST',
      path: '/v1/webhook_endpoints/{id}/roll_secret',
      noParams: true,
    },
  },
} as const satisfies Record<string, Record<string, OperationSpec>>;

/**
 * Operations of the document that deliberately have no SDK method, with the reason; the
 * coverage test accepts exactly these.
 */
export const EXEMPT_OPERATIONS: Readonly<Record<string, string>> = {
  // The OpenAPI document itself: tooling reads it, an application never needs it as an object.
  get_openapi: 'the OpenAPI document itself, not an API object',
};

export type Operations = typeof OPERATIONS;
export type ResourceName = keyof Operations;

// Compile-time check that every row names an operation of the generated document, under its
// path and method: a typo, or an operation the server renamed or dropped, fails `tsc`.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type RowIsInDocument<Op> = Op extends { operationId: infer Id; path: infer P; method: infer M extends string }
  ? Id extends keyof operations
    ? P extends keyof paths
      ? Lowercase<M> extends keyof paths[P]
        ? Same<paths[P][Lowercase<M>], operations[Id]> extends true
          ? true
          : ['not this operation under this path and method', Id, P, M]
        : ['method not in document', P, M]
      : ['path not in document', P]
    : ['operationId not in document', Id]
  : never;
type AllRows = { [R in ResourceName]: { [M in keyof Operations[R]]: RowIsInDocument<Operations[R][M]> } };
type Check<T extends { [R in ResourceName]: { [M in keyof Operations[R]]: true } }> = T;
export type _TableMatchesDocument = Check<AllRows>;
