<?php

declare(strict_types=1);

namespace ShikaCreators\Exception;

/**
 * Implemented by every exception this library throws, so one `catch (ExceptionInterface $e)`
 * catches them all, the API's errors (ShikaException) and misuse (InvalidArgumentException) alike.
 */
interface ExceptionInterface extends \Throwable
{
}
