<?php

declare(strict_types=1);

namespace ShikaCreators\Exception;

/**
 * The Idempotency-Key was reused with a different body (400), or its first request is still
 * running (409; the client retries those). Type `idempotency_error`.
 */
class IdempotencyException extends ShikaException
{
}
