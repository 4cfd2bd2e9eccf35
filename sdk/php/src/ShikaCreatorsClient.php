<?php

declare(strict_types=1);

namespace ShikaCreators;

use ShikaCreators\Exception\InvalidArgumentException;

/**
 * The entry point: `new ShikaCreatorsClient('sk_test_…', ['base_url' => …])`, then one service
 * per resource (`$shikacreators->customers->create([...])`).
 *
 * Options (second argument; or pass everything as one array with `api_key`):
 * - `base_url`: the API's origin; default the environment variable SHIKA_BASE_URL, else
 *   http://127.0.0.1:3000;
 * - `timeout`: seconds per attempt (default 30);
 * - `max_network_retries`: retries of a failed call (default 2): connection errors and
 *   timeouts, 409 idempotency_error, 429 and 5xx, never other 4xx;
 * - `initial_network_retry_delay`, `max_network_retry_delay`: the backoff, in seconds (default
 *   0.5, doubling, at most 8); a 429's Retry-After is honoured up to the maximum.
 *
 * The key is never shown: var_dump(), print_r() and var_export() of the client leave it out.
 */
final class ShikaCreatorsClient
{
    public const VERSION = '0.1.0';
    public const DEFAULT_BASE_URL = 'http://127.0.0.1:3000';
    public const DEFAULT_TIMEOUT = 30.0;
    public const DEFAULT_MAX_NETWORK_RETRIES = 2;
    public const DEFAULT_INITIAL_NETWORK_RETRY_DELAY = 0.5;
    public const DEFAULT_MAX_NETWORK_RETRY_DELAY = 8.0;

    private const OPTIONS = [
        'api_key', 'base_url', 'timeout', 'max_network_retries',
        'initial_network_retry_delay', 'max_network_retry_delay',
    ];

    // One property per entry of Operations::SERVICES, filled from that table.
    public readonly Service\CustomerService $customers;
    public readonly Service\PaymentService $payments;
    public readonly Service\SubscriptionService $subscriptions;
    public readonly Service\EventService $events;
    public readonly Service\WebhookEndpointService $webhookEndpoints;

    private readonly string $baseUrl;
    private readonly ApiRequestor $requestor;

    /**
     * @param string|array<string, mixed>|null $apiKey the secret key (`sk_test_…` or
     *        `sk_live_…`), or all options as one array with `api_key`; null leaves the key to
     *        each request's `api_key` option
     * @param array<string, mixed> $options see the class comment
     */
    public function __construct(#[\SensitiveParameter] string|array|null $apiKey = null, array $options = [])
    {
        if (is_array($apiKey)) {
            [$options, $apiKey] = [$apiKey + $options, $apiKey['api_key'] ?? null];
        }
        $unknown = array_diff(array_keys($options), self::OPTIONS);
        if ($unknown !== []) {
            throw new InvalidArgumentException(sprintf(
                'Unknown client option(s): %s. The options are %s.',
                implode(', ', $unknown),
                implode(', ', self::OPTIONS),
            ));
        }
        if ($apiKey !== null && !is_string($apiKey)) {
            throw new InvalidArgumentException('The API key must be a string.');
        }
        if ($apiKey !== null) {
            self::checkApiKey($apiKey);
        }
        $env = getenv('SHIKA_BASE_URL');
        $baseUrl = $options['base_url'] ?? (is_string($env) && $env !== '' ? $env : self::DEFAULT_BASE_URL);
        if (!is_string($baseUrl) || !preg_match('~^https?://[^/\s]+(/\S*)?$~i', $baseUrl)) {
            throw new InvalidArgumentException('The base_url option must be an http(s) URL such as '
                . self::DEFAULT_BASE_URL . '.');
        }
        $this->baseUrl = rtrim($baseUrl, '/');
        $this->requestor = new ApiRequestor(
            $apiKey,
            $this->baseUrl,
            self::seconds($options, 'timeout', self::DEFAULT_TIMEOUT, positive: true),
            self::nonNegativeInt($options, 'max_network_retries', self::DEFAULT_MAX_NETWORK_RETRIES),
            self::seconds($options, 'initial_network_retry_delay', self::DEFAULT_INITIAL_NETWORK_RETRY_DELAY),
            self::seconds($options, 'max_network_retry_delay', self::DEFAULT_MAX_NETWORK_RETRY_DELAY),
        );
        foreach (Operations::SERVICES as $resource => $class) {
            $this->{$resource} = new $class($this->requestor);
        }
    }

    /** The API's origin this client talks to, without a trailing slash. */
    public function getBaseUrl(): string
    {
        return $this->baseUrl;
    }

    /**
     * Refuses a key that could not be one (empty, or with whitespace that would break the
     * header); whether it is valid is for the API to say (AuthenticationException).
     *
     * @internal
     */
    public static function checkApiKey(#[\SensitiveParameter] string $apiKey): void
    {
        if ($apiKey === '' || preg_match('/\s/', $apiKey)) {
            throw new InvalidArgumentException('The API key must be a non-empty string without '
                . "whitespace, such as 'sk_test_…'.");
        }
    }

    /**
     * What may be shown of a key: its kind, never its secret part.
     *
     * @internal
     */
    public static function redact(#[\SensitiveParameter] ?string $apiKey): ?string
    {
        if ($apiKey === null) {
            return null;
        }
        return preg_match('/^(sk_(?:test|live)_)/', $apiKey, $m) ? $m[1] . '…(redacted)' : '(redacted)';
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return ['base_url' => $this->baseUrl, 'requestor' => $this->requestor->__debugInfo()];
    }

    /** @param array<string, mixed> $options */
    private static function seconds(array $options, string $key, float $default, bool $positive = false): float
    {
        $value = $options[$key] ?? $default;
        if (!(is_int($value) || is_float($value)) || $value < 0 || ($positive && $value == 0)) {
            throw new InvalidArgumentException("The $key option must be a " . ($positive ? 'positive' : 'non-negative')
                . ' number of seconds.');
        }
        return (float) $value;
    }

    /** @param array<string, mixed> $options */
    private static function nonNegativeInt(array $options, string $key, int $default): int
    {
        $value = $options[$key] ?? $default;
        if (!is_int($value) || $value < 0) {
            throw new InvalidArgumentException("The $key option must be an integer, 0 or more.");
        }
        return $value;
    }
}
