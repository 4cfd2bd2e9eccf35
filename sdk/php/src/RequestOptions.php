<?php

declare(strict_types=1);

namespace ShikaCreators;

use ShikaCreators\Exception\InvalidArgumentException;

/**
 * Per-request options, the last argument of every service method, as an array:
 * `['idempotency_key' => …, 'api_key' => …, 'timeout' => seconds, 'max_network_retries' => n]`.
 * Each overrides the client's setting for that one call. Unknown keys are refused, so that a
 * request parameter passed in the wrong argument fails loudly instead of being dropped.
 */
final class RequestOptions
{
    private const KEYS = ['api_key', 'idempotency_key', 'timeout', 'max_network_retries'];

    /** @var \Closure(): ?string held in a closure so var_dump/var_export never show the key */
    private readonly \Closure $apiKey;

    public function __construct(
        #[\SensitiveParameter] ?string $apiKey = null,
        public readonly ?string $idempotencyKey = null,
        public readonly ?float $timeout = null,
        public readonly ?int $maxNetworkRetries = null,
    ) {
        if ($apiKey !== null) {
            ShikaCreatorsClient::checkApiKey($apiKey);
        }
        if ($idempotencyKey !== null && preg_match('/[\r\n]/', $idempotencyKey)) {
            throw new InvalidArgumentException('The idempotency_key option must be one line.');
        }
        if ($timeout !== null && !($timeout > 0)) {
            throw new InvalidArgumentException('The timeout option must be a positive number of seconds.');
        }
        if ($maxNetworkRetries !== null && $maxNetworkRetries < 0) {
            throw new InvalidArgumentException('The max_network_retries option must be 0 or more.');
        }
        $this->apiKey = static fn (): ?string => $apiKey;
    }

    /** @param array<string, mixed>|self|null $options */
    public static function parse(array|self|null $options): self
    {
        if ($options instanceof self) {
            return $options;
        }
        $options ??= [];
        $unknown = array_diff(array_keys($options), self::KEYS);
        if ($unknown !== []) {
            throw new InvalidArgumentException(sprintf(
                'Unknown request option(s): %s. The options are %s; request parameters go in the '
                . 'argument before.',
                implode(', ', $unknown),
                implode(', ', self::KEYS),
            ));
        }
        return new self(
            self::typed($options, 'api_key', 'string'),
            self::typed($options, 'idempotency_key', 'string'),
            self::typed($options, 'timeout', 'number'),
            self::typed($options, 'max_network_retries', 'int'),
        );
    }

    /** The API key for this request; null to use the client's. */
    public function apiKey(): ?string
    {
        return ($this->apiKey)();
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return [
            'api_key' => ShikaCreatorsClient::redact($this->apiKey()),
            'idempotency_key' => $this->idempotencyKey,
            'timeout' => $this->timeout,
            'max_network_retries' => $this->maxNetworkRetries,
        ];
    }

    /** @param array<string, mixed> $options */
    private static function typed(array $options, string $key, string $type): mixed
    {
        $value = $options[$key] ?? null;
        $ok = match ($type) {
            'string' => is_string($value),
            'int' => is_int($value),
            'number' => is_int($value) || is_float($value),
        };
        if ($value !== null && !$ok) {
            throw new InvalidArgumentException("The $key option must be a" . ($type === 'int' ? 'n' : '')
                . " $type, " . get_debug_type($value) . ' given.');
        }
        return $type === 'number' && $value !== null ? (float) $value : $value;
    }
}
