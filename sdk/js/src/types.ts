// The public TypeScript types: every object, parameter and result type is an alias into the
// types generated from the OpenAPI document (src/generated/openapi.ts), looked up by the
// operationId of the operations table, so none can drift from the server.

import type { components, operations } from './generated/openapi.js';
import type { LastResponse } from './http.js';

type Schemas = components['schemas'];
type Operation<Id> = Id extends keyof operations ? operations[Id] : never;

/** Flattens an intersection for readable hovers. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * Query parameters as the SDK takes them: the document's `created[gte]` becomes
 * `created: { gte }` (encoded back as `created[gte]=…`). A bracketed value also takes a `Date`
 * (sent as ISO 8601) or a number (Unix seconds), which the API reads as the same string.
 */
type BracketParents<Q> = keyof Q extends infer K ? (K extends `${infer P}[${string}]` ? P : never) : never;
type Nested<Q> = Simplify<
  { [K in keyof Q as K extends `${string}[${string}]` ? never : K]: Q[K] } & {
    [P in BracketParents<Q>]?: {
      [K in keyof Q as K extends `${P}[${infer Child}]` ? Child : never]?: Q[K] | Date | number;
    };
  }
>;

/** The JSON body of an operation (POST/PATCH); `never` when it takes none (e.g. `roll_secret`). */
export type BodyOf<Id> = JsonBody<NonNullable<Operation<Id>['requestBody']>>;
// A type parameter, so that it distributes: `never` (no request body) stays `never` instead of
// matching the pattern with `B` unknown.
type JsonBody<R> = R extends { content: { 'application/json': infer B } } ? B : never;
/** The query parameters of an operation, nested the SDK's way. */
export type QueryOf<Id> = Operation<Id>['parameters'] extends { query?: infer Q } ? Nested<NonNullable<Q>> : never;
/** The 200 answer of an operation. */
export type ResultOf<Id> = Operation<Id>['responses'] extends { 200: { content: { 'application/json': infer R } } }
  ? R
  : never;

/** A returned object: the API's JSON as a plain object plus the non-enumerable `lastResponse`. */
export type ShikaResponse<T> = T & { readonly lastResponse: LastResponse };

// Objects.
export type Customer = Schemas['Customer'];
export type DeletedCustomer = Schemas['DeletedCustomer'];
export type Payment = Schemas['Payment'];
export type Subscription = Schemas['Subscription'];
/** A change, as `events.list()` and webhook deliveries give it (`data.object`, `data.previous_attributes`). */
export type Event = Schemas['Event'];
/** `customer.created`, `customer.updated`, … */
export type EventType = Schemas['EventType'];
/** Where events are delivered; `secret` only in the answers to `create` and `rollSecret`. */
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type DeletedWebhookEndpoint = Schemas['DeletedWebhookEndpoint'];
export type Metadata = Schemas['Metadata'];
/** A page of `customers.search()`: `data`, `has_more`, `next_page`, `url`. */
export type CustomerSearchResult = Schemas['CustomerSearchResult'];
/** The error body the API answers with any non-2xx status. */
export type ErrorBody = Schemas['ErrorBody'];

// Parameters, by operation.
export type CustomerCreateParams = BodyOf<'create_customer'>;
export type CustomerUpdateParams = BodyOf<'update_customer'>;
export type CustomerListParams = QueryOf<'list_customers'>;
export type CustomerSearchParams = QueryOf<'search_customers'>;
export type CustomerListPaymentsParams = QueryOf<'list_customer_payments'>;
export type CustomerListSubscriptionsParams = QueryOf<'list_customer_subscriptions'>;
export type PaymentCreateParams = BodyOf<'create_payment'>;
export type PaymentListParams = QueryOf<'list_payments'>;
export type SubscriptionCreateParams = BodyOf<'create_subscription'>;
export type SubscriptionListParams = QueryOf<'list_subscriptions'>;
export type EventListParams = QueryOf<'list_events'>;
export type WebhookEndpointCreateParams = BodyOf<'create_webhook_endpoint'>;
export type WebhookEndpointUpdateParams = BodyOf<'update_webhook_endpoint'>;
export type WebhookEndpointListParams = QueryOf<'list_webhook_endpoints'>;
