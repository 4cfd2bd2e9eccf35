<?php

declare(strict_types=1);

namespace ShikaCreators\Tests\Support;

use ShikaCreators\ShikaCreatorsClient;

/**
 * What the tests share: the server end2end/with-server.sh started (SHIKA_BASE_URL, SHIKA_BIN,
 * SHIKA_DATABASE_URL), a merchant of their own per test class (so its lists hold only its
 * objects and its rate limit is its own), clients, proxies and unique emails.
 */
abstract class TestCase extends \PHPUnit\Framework\TestCase
{
    /** @var array<class-string, string> the test secret key of each test class's merchant */
    private static array $apiKeys = [];

    /** @var list<Proxy> stopped after each test */
    private array $proxies = [];

    protected function tearDown(): void
    {
        foreach ($this->proxies as $proxy) {
            $proxy->stop();
        }
        $this->proxies = [];
    }

    protected static function baseUrl(): string
    {
        $url = getenv('SHIKA_BASE_URL');
        if (!is_string($url) || $url === '') {
            self::fail('SHIKA_BASE_URL is not set: run the tests through end2end/with-server.sh sdk/php/test.sh');
        }
        return $url;
    }

    /** A new merchant's test secret key (`shika merchant create` on the server's database). */
    protected static function newApiKey(): string
    {
        $bin = getenv('SHIKA_BIN');
        $database = getenv('SHIKA_DATABASE_URL');
        if (!is_string($bin) || !is_string($database)) {
            self::fail('SHIKA_BIN and SHIKA_DATABASE_URL must be set (end2end/with-server.sh does).');
        }
        $command = [$bin, 'merchant', 'create', '--email', self::uniqueEmail('merchant'),
            '--password', 'correct horse battery', '--name', 'Test'];
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null,
            ['DATABASE_URL' => $database] + getenv());
        self::assertIsResource($process);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $status = proc_close($process);
        self::assertSame(0, $status, "shika merchant create failed: $err");
        $merchant = json_decode((string) $out, true);
        self::assertIsArray($merchant, "shika merchant create printed: $out");
        self::assertStringStartsWith('sk_test_', $merchant['test_secret_key']);
        return $merchant['test_secret_key'];
    }

    /** This test class's merchant's key, made on first use. */
    protected static function apiKey(): string
    {
        return self::$apiKeys[static::class] ??= self::newApiKey();
    }

    /**
     * A client of this class's merchant on the test server (or $options['base_url']). Retries
     * back off from 10 ms rather than 500 ms, to keep retried tests short.
     *
     * @param array<string, mixed> $options
     */
    protected static function client(array $options = [], ?string $apiKey = null): ShikaCreatorsClient
    {
        return new ShikaCreatorsClient($apiKey ?? self::apiKey(), $options + [
            'base_url' => self::baseUrl(),
            'initial_network_retry_delay' => 0.01,
        ]);
    }

    /** A proxy in front of the test server, stopped after the test. */
    protected function proxy(string ...$actions): Proxy
    {
        return $this->proxies[] = new Proxy(self::baseUrl(), ...$actions);
    }

    protected static function uniqueEmail(string $tag): string
    {
        return $tag . '-' . bin2hex(random_bytes(6)) . '@example.com';
    }

    /** A port on 127.0.0.1 that nothing listens on: bound by us, then released. */
    protected static function closedPort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        self::assertIsResource($socket);
        $name = (string) stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr($name, strrpos($name, ':') + 1);
    }
}
