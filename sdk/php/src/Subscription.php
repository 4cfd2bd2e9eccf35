<?php

declare(strict_types=1);

namespace ShikaCreators;

/**
 * A subscription (`sub_…`): a recurring charge of a customer.
 *
 * @property-read string $id
 * @property-read string $object "subscription"
 * @property-read string $customer
 * @property-read string $status "active" or "canceled"
 * @property-read int $amount in minor units
 * @property-read string $currency
 * @property-read string $interval "day", "week", "month" or "year"
 * @property-read string $current_period_start
 * @property-read string $current_period_end
 * @property-read string|null $canceled_at
 * @property-read ShikaObject $metadata
 * @property-read string $created_at
 * @property-read string $updated_at
 */
class Subscription extends ShikaObject
{
}
