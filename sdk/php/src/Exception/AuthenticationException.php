<?php

declare(strict_types=1);

namespace ShikaCreators\Exception;

/**
 * The API key is missing, malformed, unknown or rolled (401, type `authentication_error`).
 */
class AuthenticationException extends ShikaException
{
}
