<?php

declare(strict_types=1);

namespace ShikaCreators\Exception;

/**
 * No answer came: the connection was refused, reset or closed without a reply, or the request
 * timed out (isTimeout()). Thrown after the client's own retries; getHttpStatus() is null.
 */
class ApiConnectionException extends ShikaException
{
    public function __construct(string $message, private readonly bool $timeout = false)
    {
        parent::__construct($message);
    }

    /** Whether the request ran out of time (the `timeout` option) rather than failing outright. */
    public function isTimeout(): bool
    {
        return $this->timeout;
    }
}
