<?php

declare(strict_types=1);

namespace ShikaCreators;

/**
 * An event (`evt_…`): one change, recorded in the same transaction as the change itself, read
 * through `events` or received by a webhook endpoint (Webhook::constructEvent()).
 * `data->object` is the object as the API returned it right after the change (a Customer,
 * Payment or Subscription); on `*.updated` events, `data->previous_attributes` holds the old
 * value of every top-level field that changed (for `metadata`, only the keys that changed, a
 * new key as null).
 *
 * @property-read string $id
 * @property-read string $object "event"
 * @property-read string $type e.g. "customer.created", "customer.updated", "customer.deleted",
 *                "payment.created", "subscription.created", "subscription.canceled"
 * @property-read bool $livemode
 * @property-read string $created_at ISO 8601 UTC, e.g. "2024-01-15T10:00:00.123Z"
 * @property-read ShikaObject $data `object`, and `previous_attributes` on updates
 */
class Event extends ShikaObject
{
}
