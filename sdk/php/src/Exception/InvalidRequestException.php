<?php

declare(strict_types=1);

namespace ShikaCreators\Exception;

/**
 * The request was refused as it stands: a parameter is invalid, unknown or missing, or the object
 * does not exist (400, 404, 405, 413, 415; type `invalid_request_error`). getParam() names the
 * parameter.
 */
class InvalidRequestException extends ShikaException
{
}
