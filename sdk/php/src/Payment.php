<?php

declare(strict_types=1);

namespace ShikaCreators;

/**
 * A payment (`pay_…`), optionally linked to a customer.
 *
 * @property-read string $id
 * @property-read string $object "payment"
 * @property-read int $amount in minor units (pesewas for GHS)
 * @property-read string $currency ISO 4217, upper-case, e.g. "GHS"
 * @property-read string|null $customer a customer id; null once that customer is deleted
 * @property-read string|null $description
 * @property-read string $status "succeeded"
 * @property-read ShikaObject $metadata
 * @property-read string $created_at
 * @property-read string $updated_at
 */
class Payment extends ShikaObject
{
}
