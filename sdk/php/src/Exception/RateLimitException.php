<?php

declare(strict_types=1);

namespace ShikaCreators\Exception;

/**
 * Too many requests for this key (429, type `rate_limit_error`). The client retries these
 * itself (honouring `Retry-After`); this is thrown once its retries are used up.
 */
class RateLimitException extends ShikaException
{
    /** The `Retry-After` header in seconds, when the answer had one. */
    public function getRetryAfter(): ?int
    {
        $value = $this->getHttpHeaders()['retry-after'] ?? null;
        return $value !== null && ctype_digit(trim($value)) ? (int) trim($value) : null;
    }
}
