<?php

declare(strict_types=1);

namespace ShikaCreators\Exception;

/**
 * A call the library refuses before sending anything: an unknown option, an empty id, a
 * parameter that cannot be encoded. Not an API error, so not a ShikaException.
 */
class InvalidArgumentException extends \InvalidArgumentException implements ExceptionInterface
{
}
