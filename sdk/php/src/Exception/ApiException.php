<?php

declare(strict_types=1);

namespace ShikaCreators\Exception;

/**
 * The server failed (5xx, type `api_error`), or answered something that is not the API's JSON
 * (e.g. a gateway's 503 page): getType() is then null.
 */
class ApiException extends ShikaException
{
}
