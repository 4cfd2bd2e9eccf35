<?php

declare(strict_types=1);

namespace ShikaCreators;

/**
 * A customer (`cus_…`). `customers->delete()` answers one too, with only `id`, `object` and
 * `deleted: true`. Fields the API adds later are kept and readable the same way.
 *
 * @property-read string $id
 * @property-read string $object "customer"
 * @property-read string|null $email
 * @property-read string|null $name
 * @property-read string|null $phone
 * @property-read ShikaObject $metadata string values by key
 * @property-read string $created_at ISO 8601 UTC, e.g. "2024-01-15T10:00:00Z"
 * @property-read string $updated_at ISO 8601 UTC
 * @property-read bool|null $deleted true on the answer of delete()
 */
class Customer extends ShikaObject
{
}
