<?php

declare(strict_types=1);

namespace ShikaCreators;

use ShikaCreators\Exception\ApiConnectionException;
use ShikaCreators\Exception\ApiException;
use ShikaCreators\Exception\AuthenticationException;
use ShikaCreators\Exception\IdempotencyException;
use ShikaCreators\Exception\InvalidArgumentException;
use ShikaCreators\Exception\InvalidRequestException;
use ShikaCreators\Exception\RateLimitException;
use ShikaCreators\Exception\ShikaException;

/**
 * Sends one API call over HTTP with ext-curl: authentication, the query or JSON body, the
 * Idempotency-Key of a POST (one per call, the same on every retry), retries with backoff, and
 * the mapping of error answers to exceptions. One curl handle is kept so connections are reused.
 *
 * @internal Use ShikaCreatorsClient and its services.
 */
final class ApiRequestor
{
    /** The body parameters of the API that take a JSON list (of strings). */
    private const LIST_PARAMETERS = ['enabled_events'];

    /** @var \Closure(): ?string held in a closure so var_dump/var_export never show the key */
    private readonly \Closure $apiKey;

    private ?\CurlHandle $curl = null;

    public function __construct(
        #[\SensitiveParameter] ?string $apiKey,
        private readonly string $baseUrl,
        private readonly float $timeout,
        private readonly int $maxNetworkRetries,
        private readonly float $initialRetryDelay,
        private readonly float $maxRetryDelay,
    ) {
        if (!function_exists('curl_init')) {
            throw new \LogicException('shikacreators-php needs the curl extension (ext-curl).');
        }
        $this->apiKey = static fn (): ?string => $apiKey;
    }

    /**
     * Sends $method $path and returns the decoded JSON answer (objects as stdClass).
     *
     * @param array<string, mixed> $params the query (GET, DELETE) or the JSON body (POST, PATCH)
     * @throws ShikaException when the API answers an error or cannot be reached
     */
    public function request(string $method, string $path, array $params, RequestOptions $options): mixed
    {
        $apiKey = $options->apiKey() ?? ($this->apiKey)();
        if ($apiKey === null || $apiKey === '') {
            throw new AuthenticationException('No API key provided: pass one to new '
                . "ShikaCreatorsClient('sk_test_…'), or as the 'api_key' request option.");
        }
        $hasBody = $method === 'POST' || $method === 'PATCH';
        $url = $this->baseUrl . $path;
        if (!$hasBody && $params !== []) {
            $query = self::encodeQuery($params);
            $url .= $query === '' ? '' : '?' . $query;
        }
        $headers = [
            'Authorization: Bearer ' . $apiKey,
            'User-Agent: shikacreators-php/' . ShikaCreatorsClient::VERSION,
            'Accept: application/json',
            // curl would otherwise wait for "100 Continue" before sending a large body.
            'Expect:',
        ];
        $body = null;
        if ($hasBody) {
            $body = self::encodeBody($params);
            $headers[] = 'Content-Type: application/json';
        }
        if ($method === 'POST') {
            // Generated once per call, not per attempt: a retry then replays the first answer
            // instead of creating a second object.
            $headers[] = 'Idempotency-Key: ' . ($options->idempotencyKey ?? self::uuid4());
        }
        $timeout = $options->timeout ?? $this->timeout;
        $maxRetries = $options->maxNetworkRetries ?? $this->maxNetworkRetries;

        for ($retry = 0; ; $retry++) {
            $attempts = $retry + 1;
            try {
                [$status, $responseHeaders, $responseBody] = $this->send($method, $url, $headers, $body, $timeout);
            } catch (ApiConnectionException $e) {
                if ($retry < $maxRetries) {
                    $this->sleep($this->retryDelay($retry, null));
                    continue;
                }
                throw $attempts > 1
                    ? new ApiConnectionException($e->getMessage() . " Tried $attempts times.", $e->isTimeout())
                    : $e;
            }
            $json = json_decode($responseBody);
            if ($status >= 200 && $status < 300) {
                if ($json === null && json_last_error() !== JSON_ERROR_NONE) {
                    throw new ApiException(
                        "Shika answered HTTP $status with a body that is not JSON.",
                        $status,
                        requestId: $responseHeaders['request-id'] ?? null,
                        httpBody: $responseBody,
                        httpHeaders: $responseHeaders,
                    );
                }
                return $json;
            }
            $error = self::errorFromResponse($status, $responseHeaders, $responseBody, $json);
            if ($retry < $maxRetries && self::shouldRetry($error)) {
                $this->sleep($this->retryDelay($retry, $responseHeaders['retry-after'] ?? null));
                continue;
            }
            throw $error;
        }
    }

    /**
     * Encodes list parameters the way the API spells them: `['created' => ['gte' => 1700000000]]`
     * → `created[gte]=1700000000`. Null values are left out, booleans are `true`/`false`, a
     * DateTimeInterface is Unix seconds.
     *
     * @param array<array-key, mixed> $params
     */
    public static function encodeQuery(array $params, ?string $prefix = null): string
    {
        $pairs = [];
        foreach ($params as $key => $value) {
            $name = $prefix === null ? rawurlencode((string) $key) : $prefix . '[' . rawurlencode((string) $key) . ']';
            if ($value instanceof ShikaObject) {
                $value = $value->toArray();
            }
            if (is_array($value)) {
                $nested = self::encodeQuery($value, $name);
                if ($nested !== '') {
                    $pairs[] = $nested;
                }
                continue;
            }
            $value = match (true) {
                $value === null => null,
                is_bool($value) => $value ? 'true' : 'false',
                is_int($value), is_float($value), is_string($value) => (string) $value,
                $value instanceof \DateTimeInterface => (string) $value->getTimestamp(),
                $value instanceof \Stringable => (string) $value,
                default => throw new InvalidArgumentException(
                    "Cannot send the parameter $name: " . get_debug_type($value) . ' is not a query value.'
                ),
            };
            if ($value !== null) {
                $pairs[] = $name . '=' . rawurlencode($value);
            }
        }
        return implode('&', $pairs);
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return [
            'api_key' => ShikaCreatorsClient::redact(($this->apiKey)()),
            'base_url' => $this->baseUrl,
            'timeout' => $this->timeout,
            'max_network_retries' => $this->maxNetworkRetries,
        ];
    }

    /**
     * One HTTP exchange.
     *
     * @param list<string> $headers
     * @return array{int, array<string, string>, string} status, headers (names lower-cased), body
     * @throws ApiConnectionException when no answer came
     */
    private function send(string $method, string $url, array $headers, ?string $body, float $timeout): array
    {
        $curl = $this->curl ??= curl_init();
        curl_reset($curl);
        $responseHeaders = [];
        $timeoutMs = max(1, (int) ceil($timeout * 1000));
        curl_setopt_array($curl, [
            CURLOPT_URL => $url,
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
            CURLOPT_TIMEOUT_MS => $timeoutMs,
            CURLOPT_CONNECTTIMEOUT_MS => $timeoutMs,
            // Without it, curl's resolver timeouts use signals, which cannot do below a second.
            CURLOPT_NOSIGNAL => true,
            CURLOPT_HEADERFUNCTION => static function ($curl, string $line) use (&$responseHeaders): int {
                if (str_starts_with($line, 'HTTP/')) {
                    $responseHeaders = []; // a new response (after a 100 Continue)
                } elseif (str_contains($line, ':')) {
                    [$name, $value] = explode(':', $line, 2);
                    $responseHeaders[strtolower(trim($name))] = trim($value);
                }
                return strlen($line);
            },
        ]);
        if ($body !== null) {
            curl_setopt($curl, CURLOPT_POSTFIELDS, $body);
        }
        $responseBody = curl_exec($curl);
        if (!is_string($responseBody)) {
            $errno = curl_errno($curl);
            $target = $method . ' ' . (string) parse_url($url, PHP_URL_PATH);
            if ($errno === CURLE_OPERATION_TIMEDOUT) {
                throw new ApiConnectionException("Shika did not answer $target within {$timeout} s "
                    . '(the timeout option).', true);
            }
            throw new ApiConnectionException(sprintf(
                'Could not reach Shika at %s for %s: %s (curl error %d). Check the base URL and '
                . 'that the server is up.',
                $this->baseUrl,
                $target,
                curl_error($curl),
                $errno,
            ));
        }
        return [curl_getinfo($curl, CURLINFO_RESPONSE_CODE), $responseHeaders, $responseBody];
    }

    /**
     * The exception for an error answer: by the error object's `type`, else by the status (a
     * gateway's 503 page has no error object).
     *
     * @param array<string, string> $headers
     */
    private static function errorFromResponse(int $status, array $headers, string $body, mixed $json): ShikaException
    {
        $error = $json instanceof \stdClass && ($json->error ?? null) instanceof \stdClass ? $json->error : null;
        $string = static fn (string $field): ?string => is_string($error->{$field} ?? null) ? $error->{$field} : null;
        $type = $string('type');
        $class = match ($type) {
            'invalid_request_error' => InvalidRequestException::class,
            'authentication_error' => AuthenticationException::class,
            'idempotency_error' => IdempotencyException::class,
            'rate_limit_error' => RateLimitException::class,
            'api_error' => ApiException::class,
            default => match (true) {
                $status === 401 => AuthenticationException::class,
                $status === 429 => RateLimitException::class,
                $status >= 400 && $status < 500 => InvalidRequestException::class,
                default => ApiException::class,
            },
        };
        $message = $string('message') ?? ($error === null
            ? "Shika answered HTTP $status without an error object."
            : "Shika answered HTTP $status.");
        return new $class(
            $message,
            $status,
            $type,
            $string('code'),
            $string('param'),
            $headers['request-id'] ?? null,
            $body,
            $json instanceof \stdClass ? json_decode($body, true) : null,
            $headers,
        );
    }

    /**
     * Retried: 409 idempotency_error (the first request with this key is still running), 429,
     * and 5xx. Never other 4xx: sending the same request again would get the same answer.
     */
    private static function shouldRetry(ShikaException $error): bool
    {
        $status = $error->getHttpStatus() ?? 0;
        return ($status === 409 && $error instanceof IdempotencyException)
            || $status === 429
            || $status >= 500;
    }

    /**
     * Seconds to wait before retry number $retry + 1: the answer's Retry-After when it has one
     * (capped at the maximum delay), else exponential backoff (initial × 2^retry, capped) with
     * jitter between half and all of it, so that many clients do not retry in step.
     */
    private function retryDelay(int $retry, ?string $retryAfter): float
    {
        if ($retryAfter !== null && is_numeric(trim($retryAfter)) && (float) $retryAfter >= 0) {
            return min((float) $retryAfter, $this->maxRetryDelay);
        }
        $delay = min($this->initialRetryDelay * 2 ** $retry, $this->maxRetryDelay);
        return $delay * (0.5 + 0.5 * mt_rand() / mt_getrandmax());
    }

    private function sleep(float $seconds): void
    {
        if ($seconds > 0) {
            usleep((int) round($seconds * 1_000_000));
        }
    }

    /**
     * The JSON body. PHP cannot tell an empty object from an empty list, so an empty array is
     * sent as `{}` (`'metadata' => []` is an object), except as a parameter of LIST_PARAMETERS,
     * which is always sent as a JSON list (`'enabled_events' => []` is `[]`, even after an
     * array_filter() left gaps in its keys).
     *
     * @param array<array-key, mixed> $params
     */
    private static function encodeBody(array $params): string
    {
        $body = [];
        foreach ($params as $name => $value) {
            $body[$name] = in_array($name, self::LIST_PARAMETERS, true) && is_array($value)
                ? array_values($value)
                : self::objectsForEmptyArrays($value);
        }
        try {
            return json_encode(
                $body === [] ? new \stdClass() : $body,
                JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION,
            );
        } catch (\JsonException $e) {
            throw new InvalidArgumentException('Cannot encode the request body as JSON: ' . $e->getMessage(), 0, $e);
        }
    }

    private static function objectsForEmptyArrays(mixed $value): mixed
    {
        if (!is_array($value)) {
            return $value;
        }
        return $value === [] ? new \stdClass() : array_map([self::class, 'objectsForEmptyArrays'], $value);
    }

    /** A random (version 4) UUID. */
    private static function uuid4(): string
    {
        $bytes = random_bytes(16);
        $bytes[6] = chr(ord($bytes[6]) & 0x0f | 0x40);
        $bytes[8] = chr(ord($bytes[8]) & 0x3f | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
    }
}
