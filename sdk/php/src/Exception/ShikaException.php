<?php

declare(strict_types=1);

namespace ShikaCreators\Exception;

/**
 * The base class of every error the API answers (and of ApiConnectionException, when it
 * answers nothing). It carries what the API said and how:
 *
 * - getMessage(): the API's sentence (`Invalid email address: 'not-an-email'`);
 * - getType(): the error object's `type` (`invalid_request_error`, …), null without one;
 * - getErrorCode(): the API's string `code` (`parameter_invalid`, `resource_missing`, …).
 *   PHP's own getCode() must be an int: it is the HTTP status here (0 without a response);
 * - getParam(): the offending parameter as the client spelled it (`email`, `created[gte]`);
 * - getHttpStatus(), getRequestId() (the `Request-Id` header, quote it to support),
 *   getHttpBody(), getJsonBody(), getHttpHeaders() (names lower-cased).
 */
abstract class ShikaException extends \Exception implements ExceptionInterface
{
    /**
     * @param array<string, mixed>|null $jsonBody the decoded body, when it was JSON
     * @param array<string, string>     $httpHeaders response headers, names lower-cased
     */
    public function __construct(
        string $message,
        private readonly ?int $httpStatus = null,
        private readonly ?string $type = null,
        private readonly ?string $errorCode = null,
        private readonly ?string $param = null,
        private readonly ?string $requestId = null,
        private readonly ?string $httpBody = null,
        private readonly ?array $jsonBody = null,
        private readonly array $httpHeaders = [],
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, $httpStatus ?? 0, $previous);
    }

    /** The error object's `type`, e.g. `invalid_request_error`; null when the body had none. */
    public function getType(): ?string
    {
        return $this->type;
    }

    /** The API's error `code`, e.g. `resource_missing` (getCode() is the HTTP status). */
    public function getErrorCode(): ?string
    {
        return $this->errorCode;
    }

    /** The parameter the error is about, e.g. `email`; null when it is about none. */
    public function getParam(): ?string
    {
        return $this->param;
    }

    /** The HTTP status of the answer; null when there was no answer. */
    public function getHttpStatus(): ?int
    {
        return $this->httpStatus;
    }

    /** The answer's `Request-Id` header (`req_…`), the handle on the server's log line. */
    public function getRequestId(): ?string
    {
        return $this->requestId;
    }

    /** The raw body of the answer. */
    public function getHttpBody(): ?string
    {
        return $this->httpBody;
    }

    /** @return array<string, mixed>|null the body decoded, when it was a JSON object */
    public function getJsonBody(): ?array
    {
        return $this->jsonBody;
    }

    /** @return array<string, string> the answer's headers, names lower-cased */
    public function getHttpHeaders(): array
    {
        return $this->httpHeaders;
    }
}
