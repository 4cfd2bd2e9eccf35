<?php

declare(strict_types=1);

namespace ShikaCreators\Exception;

/**
 * A webhook delivery that Webhook::constructEvent() refused: a missing or malformed header, a
 * secret that is not one, no signature matching the body, a timestamp outside the tolerance,
 * or a signed body that is not an event. Answer such a request with a 400 and do not act on
 * it. Not an API error, so not a ShikaException (as stripe-php's exception of the same name).
 */
class SignatureVerificationException extends \Exception implements ExceptionInterface
{
    public function __construct(
        string $message,
        private readonly ?string $httpBody = null,
        private readonly ?string $sigHeader = null,
    ) {
        parent::__construct($message);
    }

    /** The raw body of the delivery, as it was given. */
    public function getHttpBody(): ?string
    {
        return $this->httpBody;
    }

    /** The `webhook-signature` header of the delivery; null when it had none. */
    public function getSigHeader(): ?string
    {
        return $this->sigHeader;
    }
}
