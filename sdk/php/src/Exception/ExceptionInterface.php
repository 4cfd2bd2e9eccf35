<?php

declare(strict_types=1);

namespace ShikaCreators\Exception;

/**
 * Implemented by every exception this library throws, so one `catch (ExceptionInterface $e)`
 * catches them all: the API's errors (ShikaException), misuse (InvalidArgumentException) and
 * webhook deliveries that fail verification (SignatureVerificationException) alike.
 */
interface ExceptionInterface extends \Throwable
{
}
