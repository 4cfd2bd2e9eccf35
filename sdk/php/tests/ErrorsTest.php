<?php

declare(strict_types=1);

namespace ShikaCreators\Tests;

use ShikaCreators\Exception\ApiConnectionException;
use ShikaCreators\Exception\ApiException;
use ShikaCreators\Exception\AuthenticationException;
use ShikaCreators\Exception\ExceptionInterface;
use ShikaCreators\Exception\IdempotencyException;
use ShikaCreators\Exception\InvalidRequestException;
use ShikaCreators\Exception\RateLimitException;
use ShikaCreators\Exception\ShikaException;
use ShikaCreators\Tests\Support\TestCase;

/** Each exception class, from a real failing call, with what it carries. */
final class ErrorsTest extends TestCase
{
    /**
     * Runs $call, which must throw $class, and returns the exception.
     *
     * @template T of ShikaException
     * @param class-string<T> $class
     * @return T
     */
    private static function thrown(string $class, callable $call): ShikaException
    {
        try {
            $call();
        } catch (ShikaException $e) {
            self::assertInstanceOf($class, $e, 'message: ' . $e->getMessage());
            self::assertInstanceOf(ExceptionInterface::class, $e);
            return $e;
        }
        self::fail("nothing was thrown; expected $class");
    }

    private static function assertRequestId(ShikaException $e): void
    {
        self::assertMatchesRegularExpression('/^req_\w+$/', (string) $e->getRequestId());
        self::assertSame($e->getRequestId(), $e->getHttpHeaders()['request-id']);
    }

    public function testAnInvalidParameterNamesIt(): void
    {
        $e = self::thrown(InvalidRequestException::class, static fn () => self::client()->customers->create(['email' => 'not-an-email']));
        self::assertSame(400, $e->getHttpStatus());
        self::assertSame(400, $e->getCode(), 'getCode() is the HTTP status');
        self::assertSame('invalid_request_error', $e->getType());
        self::assertSame('parameter_invalid', $e->getErrorCode());
        self::assertSame('email', $e->getParam());
        self::assertStringContainsString('not-an-email', $e->getMessage());
        self::assertSame('email', $e->getJsonBody()['error']['param']);
        self::assertStringContainsString('"invalid_request_error"', (string) $e->getHttpBody());
        self::assertRequestId($e);
    }

    public function testAnUnknownParameterNamesIt(): void
    {
        $e = self::thrown(InvalidRequestException::class, static fn () => self::client()->customers->list(['colour' => 'blue']));
        self::assertSame('parameter_unknown', $e->getErrorCode());
        self::assertSame('colour', $e->getParam());
    }

    public function testAnUnknownIdIsResourceMissing(): void
    {
        $e = self::thrown(InvalidRequestException::class, static fn () => self::client()->customers->retrieve('cus_doesnotexist000'));
        self::assertSame(404, $e->getHttpStatus());
        self::assertSame('invalid_request_error', $e->getType());
        self::assertSame('resource_missing', $e->getErrorCode());
        self::assertSame('id', $e->getParam());
        self::assertSame("No such customer: 'cus_doesnotexist000'", $e->getMessage());
        self::assertRequestId($e);
    }

    public function testABadKeyIsAnAuthenticationErrorThatDoesNotShowTheKey(): void
    {
        $key = 'sk_test_' . bin2hex(random_bytes(12));
        $e = self::thrown(AuthenticationException::class, static fn () => self::client([], $key)->customers->list());
        self::assertSame(401, $e->getHttpStatus());
        self::assertSame('authentication_error', $e->getType());
        self::assertRequestId($e);
        self::assertStringNotContainsString(substr($key, 8), $e->getMessage() . $e->getTraceAsString() . (string) $e);

        // The per-request api_key option overrides the client's key, both ways.
        $e = self::thrown(AuthenticationException::class, static fn () => self::client()->customers->list([], ['api_key' => $key]));
        self::assertSame(401, $e->getHttpStatus());
        self::assertCount(0, self::client([], $key)->customers->list(['limit' => 1], ['api_key' => self::newApiKey()]));
    }

    public function testAKeyReusedWithAnotherBodyIsAnIdempotencyError(): void
    {
        $shika = self::client();
        $key = 'idem-' . bin2hex(random_bytes(8));
        $shika->customers->create(['name' => 'First'], ['idempotency_key' => $key]);
        $e = self::thrown(IdempotencyException::class, static fn () => $shika->customers->create(['name' => 'Second'], ['idempotency_key' => $key]));
        self::assertSame(400, $e->getHttpStatus());
        self::assertSame('idempotency_error', $e->getType());
        self::assertRequestId($e);
    }

    public function testExhaustingTheKeysRateLimitIsARateLimitError(): void
    {
        if (getenv('SHIKA_RATE_LIMIT') === '0') {
            self::markTestSkipped('the server runs without a rate limit (SHIKA_RATE_LIMIT=0)');
        }
        // A merchant of its own, so no other test meets its limit; retries off, so the 429 surfaces.
        $shika = self::client(['max_network_retries' => 0], self::newApiKey());
        $e = self::thrown(RateLimitException::class, static function () use ($shika): void {
            for ($i = 0; $i < 2000; $i++) { // the burst is 200: this is far beyond
                $shika->customers->list(['limit' => 1]);
            }
        });
        self::assertSame(429, $e->getHttpStatus());
        self::assertSame('rate_limit_error', $e->getType());
        self::assertGreaterThanOrEqual(1, $e->getRetryAfter());
        self::assertRequestId($e);
    }

    public function testAGatewaysServiceUnavailableIsAnApiError(): void
    {
        $proxy = $this->proxy('503');
        $e = self::thrown(ApiException::class, static fn () => self::client(['base_url' => $proxy->url, 'max_network_retries' => 0])->customers->list());
        self::assertSame(503, $e->getHttpStatus());
        self::assertNull($e->getType(), 'a gateway page has no error object');
        self::assertNull($e->getErrorCode());
        self::assertNull($e->getRequestId());
        self::assertStringContainsString('503 Service Unavailable', (string) $e->getHttpBody());
        self::assertSame('Shika answered HTTP 503 without an error object.', $e->getMessage());
        self::assertCount(1, $proxy->finish(), 'retries off: one request');
    }

    public function testAClosedPortIsAConnectionError(): void
    {
        $port = self::closedPort();
        $e = self::thrown(ApiConnectionException::class, static fn () => self::client(['base_url' => "http://127.0.0.1:$port", 'max_network_retries' => 1])->customers->create());
        self::assertNull($e->getHttpStatus());
        self::assertSame(0, $e->getCode());
        self::assertNull($e->getType());
        self::assertNull($e->getRequestId());
        self::assertFalse($e->isTimeout());
        self::assertStringContainsString("http://127.0.0.1:$port", $e->getMessage());
        self::assertStringContainsString('Tried 2 times.', $e->getMessage());
    }

    public function testEveryExceptionSharesOneBaseClass(): void
    {
        foreach ([ApiConnectionException::class, ApiException::class, AuthenticationException::class,
            IdempotencyException::class, InvalidRequestException::class, RateLimitException::class] as $class) {
            self::assertTrue(is_subclass_of($class, ShikaException::class), $class);
        }
    }
}
