<?php

declare(strict_types=1);

namespace ShikaCreators\Tests;

use ShikaCreators\Customer;
use ShikaCreators\Exception\ApiConnectionException;
use ShikaCreators\Exception\ApiException;
use ShikaCreators\Exception\InvalidRequestException;
use ShikaCreators\Tests\Support\TestCase;

/**
 * What goes over the wire, seen through the test proxy: headers, retries (which, how many,
 * with which Idempotency-Key), the lost answer, timeouts.
 */
final class TransportTest extends TestCase
{
    private const UUID4 = '/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/';

    public function testHeadersOfEveryRequest(): void
    {
        $proxy = $this->proxy('forward');
        $shika = self::client(['base_url' => $proxy->url]);
        $customer = $shika->customers->create(['name' => 'Headers', 'metadata' => ['k' => 'v']]);
        $shika->customers->create(['name' => 'Mine'], ['idempotency_key' => 'my-own-key-1']);
        $shika->customers->update($customer->id, ['name' => 'Headers 2']);
        $shika->customers->retrieve($customer->id);

        [$create, $createWithKey, $update, $retrieve] = $proxy->finish();
        foreach ([$create, $createWithKey, $update, $retrieve] as $request) {
            self::assertSame('shikacreators-php/0.1.0', $request['headers']['user-agent']);
            self::assertSame('Bearer ' . self::apiKey(), $request['headers']['authorization']);
            self::assertSame('application/json', $request['headers']['accept']);
        }
        self::assertSame('POST', $create['method']);
        self::assertSame('/v1/customers', $create['target']);
        self::assertSame('application/json', $create['headers']['content-type']);
        self::assertSame('{"name":"Headers","metadata":{"k":"v"}}', $create['body']);
        self::assertMatchesRegularExpression(self::UUID4, $create['headers']['idempotency-key']);
        self::assertSame('my-own-key-1', $createWithKey['headers']['idempotency-key']);
        self::assertSame('PATCH', $update['method']);
        self::assertSame('{"name":"Headers 2"}', $update['body']);
        self::assertArrayNotHasKey('idempotency-key', $update['headers'], 'only POSTs carry one');
        self::assertSame('GET', $retrieve['method']);
        self::assertSame("/v1/customers/{$customer->id}", $retrieve['target']);
        self::assertSame('', $retrieve['body']);
        self::assertArrayNotHasKey('idempotency-key', $retrieve['headers']);
    }

    public function testEachPostGetsItsOwnIdempotencyKey(): void
    {
        $proxy = $this->proxy('forward');
        $shika = self::client(['base_url' => $proxy->url]);
        $shika->customers->create(['name' => 'A']);
        $shika->customers->create(['name' => 'A']);
        [$first, $second] = $proxy->finish();
        self::assertNotSame($first['headers']['idempotency-key'], $second['headers']['idempotency-key']);
    }

    public function testALostAnswerIsRetriedWithTheSameKeyAndCreatesOneCustomer(): void
    {
        // The proxy passes the first POST to the server, reads its answer, and hangs up
        // without replying: the customer exists, the client does not know it.
        $proxy = $this->proxy('drop', 'forward');
        $email = self::uniqueEmail('lost-answer');
        $customer = self::client(['base_url' => $proxy->url])->customers->create(['email' => $email, 'name' => 'Once']);

        [$lost, $retry] = $proxy->finish() + [1 => null];
        self::assertSame('drop', $lost['action']);
        self::assertNotNull($retry, 'the client retried');
        self::assertSame('forward', $retry['action']);
        self::assertSame($lost['headers']['idempotency-key'], $retry['headers']['idempotency-key']);
        self::assertSame($lost['body'], $retry['body']);

        $found = self::client()->customers->list(['email' => $email]);
        self::assertCount(1, $found, 'exactly one customer, though the server saw the POST twice');
        self::assertInstanceOf(Customer::class, $customer);
        self::assertSame($found->data[0]->id, $customer->id, 'the answer is that customer');
        self::assertSame('Once', $customer->name);
    }

    public function testA503ThenSuccessSucceedsWithRetriesOn(): void
    {
        $proxy = $this->proxy('503', '503', 'forward');
        $customer = self::client(['base_url' => $proxy->url, 'max_network_retries' => 2])->customers->create(['name' => 'Third time']);
        self::assertSame('Third time', $customer->name);
        $requests = $proxy->finish();
        self::assertSame(['503', '503', 'forward'], array_column($requests, 'action'));
        self::assertCount(1, array_unique(array_map(static fn ($r) => $r['headers']['idempotency-key'], $requests)));
    }

    public function testRetriesStopAtMaxNetworkRetries(): void
    {
        $proxy = $this->proxy('503');
        $shika = self::client(['base_url' => $proxy->url, 'max_network_retries' => 2]);
        try {
            $shika->customers->list();
            self::fail('an endless 503 succeeded');
        } catch (ApiException $e) {
            self::assertSame(503, $e->getHttpStatus());
        }
        try {
            $shika->customers->list([], ['max_network_retries' => 0]); // the per-request option wins
            self::fail('an endless 503 succeeded');
        } catch (ApiException $e) {
            self::assertSame(503, $e->getHttpStatus());
        }
        self::assertCount(3 + 1, $proxy->finish());
    }

    public function testOther4xxAreNotRetried(): void
    {
        $proxy = $this->proxy('forward');
        $shika = self::client(['base_url' => $proxy->url, 'max_network_retries' => 2]);
        $this->assertThrowsInvalidRequest(static fn () => $shika->customers->create(['email' => 'not-an-email']));
        $this->assertThrowsInvalidRequest(static fn () => $shika->customers->retrieve('cus_doesnotexist000'));
        self::assertCount(2, $proxy->finish(), 'one request each');
    }

    public function testA429IsRetriedAfterItsRetryAfter(): void
    {
        $proxy = $this->proxy('429', 'forward');
        $started = microtime(true);
        $page = self::client(['base_url' => $proxy->url, 'max_network_retries' => 1])->customers->list(['limit' => 1]);
        $elapsed = microtime(true) - $started;
        self::assertSame('list', $page->object);
        self::assertSame(['429', 'forward'], array_column($proxy->finish(), 'action'));
        // The backoff here starts at 10 ms: only Retry-After: 1 explains a wait of a second.
        self::assertGreaterThanOrEqual(0.95, $elapsed);
    }

    public function testATimeoutIsAConnectionErrorAndIsRetriedWithTheSameKey(): void
    {
        $proxy = $this->proxy('hang');
        $shika = self::client(['base_url' => $proxy->url, 'timeout' => 0.3, 'max_network_retries' => 1]);
        $started = microtime(true);
        try {
            $shika->customers->create(['name' => 'Slow']);
            self::fail('a hung request succeeded');
        } catch (ApiConnectionException $e) {
            self::assertTrue($e->isTimeout());
            self::assertStringContainsString('did not answer POST /v1/customers within 0.3 s', $e->getMessage());
            self::assertStringContainsString('Tried 2 times.', $e->getMessage());
        }
        $elapsed = microtime(true) - $started;
        self::assertGreaterThanOrEqual(0.6, $elapsed, 'two attempts of 0.3 s');
        self::assertLessThan(5, $elapsed, 'the timeout cut both attempts short');
        [$first, $second] = $proxy->finish();
        self::assertSame($first['headers']['idempotency-key'], $second['headers']['idempotency-key']);

        // The per-request timeout overrides the client's.
        $proxy = $this->proxy('hang');
        $shika = self::client(['base_url' => $proxy->url, 'max_network_retries' => 0]);
        $started = microtime(true);
        try {
            $shika->customers->list([], ['timeout' => 0.2]);
            self::fail('a hung request succeeded');
        } catch (ApiConnectionException $e) {
            self::assertTrue($e->isTimeout());
        }
        self::assertLessThan(5, microtime(true) - $started);
    }

    private function assertThrowsInvalidRequest(callable $call): void
    {
        try {
            $call();
            self::fail('no InvalidRequestException');
        } catch (InvalidRequestException $e) {
            self::assertGreaterThanOrEqual(400, $e->getHttpStatus());
        }
    }
}
