<?php

declare(strict_types=1);

namespace ShikaCreators\Tests;

use ShikaCreators\ApiRequestor;
use ShikaCreators\Collection;
use ShikaCreators\Customer;
use ShikaCreators\Exception\ExceptionInterface;
use ShikaCreators\Exception\InvalidArgumentException;
use ShikaCreators\RequestOptions;
use ShikaCreators\ShikaCreatorsClient;
use ShikaCreators\ShikaObject;
use ShikaCreators\Tests\Support\TestCase;

/** The client's configuration, its objects and encodings, and the package's own files. */
final class ClientTest extends TestCase
{
    private const KEY = 'sk_test_DoNotShowThisSecret123';

    public function testBaseUrlComesFromTheOptionThenTheEnvironmentThenTheDefault(): void
    {
        $saved = getenv('SHIKA_BASE_URL');
        try {
            putenv('SHIKA_BASE_URL=http://env.example:1234/');
            self::assertSame('http://env.example:1234', (new ShikaCreatorsClient(self::KEY))->getBaseUrl());
            self::assertSame('http://option.example', (new ShikaCreatorsClient(self::KEY, ['base_url' => 'http://option.example/']))->getBaseUrl());
            putenv('SHIKA_BASE_URL');
            self::assertSame('http://127.0.0.1:3000', (new ShikaCreatorsClient(self::KEY))->getBaseUrl());
            self::assertSame('http://127.0.0.1:3000', ShikaCreatorsClient::DEFAULT_BASE_URL);
        } finally {
            putenv($saved === false ? 'SHIKA_BASE_URL' : "SHIKA_BASE_URL=$saved");
        }
    }

    public function testOptionsMayAlsoComeAsOneArray(): void
    {
        $client = new ShikaCreatorsClient(['api_key' => self::KEY, 'base_url' => 'http://one.example']);
        self::assertSame('http://one.example', $client->getBaseUrl());
    }

    public function testUnknownOrInvalidOptionsAreRefused(): void
    {
        foreach ([
            ['baseUrl' => 'http://x.example'],
            ['timeout' => 0],
            ['timeout' => '30'],
            ['max_network_retries' => -1],
            ['max_network_retries' => 1.5],
            ['base_url' => 'ftp://x.example'],
        ] as $options) {
            try {
                new ShikaCreatorsClient(self::KEY, $options);
                self::fail('accepted ' . json_encode($options));
            } catch (InvalidArgumentException $e) {
                self::assertInstanceOf(ExceptionInterface::class, $e);
            }
        }
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('Unknown request option(s): email');
        RequestOptions::parse(['email' => 'a@example.com']);
    }

    public function testKeysThatCannotBeKeysAreRefusedWithoutEchoingThem(): void
    {
        foreach (['', "sk_test_abc\r\nX-Evil: 1", 'sk test'] as $key) {
            try {
                new ShikaCreatorsClient($key);
                self::fail('accepted a key with whitespace');
            } catch (InvalidArgumentException $e) {
                self::assertStringNotContainsString('abc', $e->getMessage());
            }
        }
    }

    public function testTheKeyIsNeverShownByDumpingTheClient(): void
    {
        $client = new ShikaCreatorsClient(self::KEY, ['base_url' => 'http://127.0.0.1:1']);
        $options = RequestOptions::parse(['api_key' => self::KEY, 'idempotency_key' => 'k']);
        foreach ([$client, $client->customers, $options] as $value) {
            ob_start();
            var_dump($value);
            $dumped = ob_get_clean();
            $dumped .= print_r($value, true) . var_export($value, true) . json_encode($value);
            self::assertStringNotContainsString('DoNotShowThisSecret', $dumped);
        }
        self::assertStringContainsString('sk_test_…(redacted)', print_r($client, true));
        $this->expectException(\Exception::class); // closures refuse serialization, key and all
        serialize($client);
    }

    public function testObjectsGiveFieldAccessBothWaysAndStayReadOnly(): void
    {
        $json = '{"id":"cus_1","object":"customer","email":null,"metadata":{},"tags":["a",{"b":1}],"later":{"x":2}}';
        $customer = ShikaObject::constructFrom(json_decode($json));
        self::assertInstanceOf(Customer::class, $customer);
        self::assertSame('cus_1', $customer->id);
        self::assertSame('cus_1', $customer['id']);
        self::assertNull($customer->email);
        self::assertFalse(isset($customer->email), 'isset() is false for null, like arrays');
        self::assertTrue(isset($customer['later']));
        self::assertNull($customer->missing);
        self::assertSame(2, $customer->later->x);
        self::assertSame(2, $customer['later']['x']);
        self::assertSame(1, $customer->tags[1]->b);
        self::assertSame(['id', 'object', 'email', 'metadata', 'tags', 'later'], $customer->keys());
        self::assertCount(6, $customer);
        self::assertSame(['x' => 2], iterator_to_array($customer->later));
        // An empty JSON object stays an object both ways; toArray() gives plain arrays.
        self::assertSame($json, json_encode($customer));
        self::assertSame(json_decode($json, true), $customer->toArray());
        self::assertStringStartsWith('ShikaCreators\Customer JSON: {', (string) $customer);

        foreach ([
            static function () use ($customer): void { $customer->email = 'x@example.com'; },
            static function () use ($customer): void { $customer['email'] = 'x@example.com'; },
            static function () use ($customer): void { unset($customer['email']); },
        ] as $write) {
            try {
                $write();
                self::fail('an object was written to');
            } catch (\LogicException $e) {
                self::assertStringContainsString('read-only', $e->getMessage());
            }
        }
    }

    public function testAListPageBuiltByHandWalksOnlyItsOwnData(): void
    {
        $page = ShikaObject::constructFrom(json_decode(
            '{"object":"list","data":[{"id":"cus_2","object":"customer"},{"id":"cus_1","object":"customer"}],"has_more":true,"url":"/v1/customers"}'
        ));
        self::assertInstanceOf(Collection::class, $page);
        self::assertCount(2, $page);
        self::assertSame(['cus_2', 'cus_1'], array_map(static fn ($c) => $c->id, iterator_to_array($page)));
        self::assertNull($page->nextPage());
    }

    public function testQueryParametersAreEncodedAsTheApiSpellsThem(): void
    {
        self::assertSame(
            'limit=2&created[gte]=1700000000&created[lt]=2024-01-15T10%3A00%3A00Z&metadata[a%20b]=c%26d&flag=true',
            ApiRequestor::encodeQuery([
                'limit' => 2,
                'created' => ['gte' => new \DateTimeImmutable('@1700000000'), 'lt' => '2024-01-15T10:00:00Z'],
                'metadata' => ['a b' => 'c&d'],
                'skipped' => null,
                'flag' => true,
            ]),
        );
    }

    public function testIdsAreCheckedAndEscapedBeforeAnythingIsSent(): void
    {
        $client = new ShikaCreatorsClient(self::KEY, ['base_url' => 'http://127.0.0.1:1', 'max_network_retries' => 0]);
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('retrieve() needs a non-empty id');
        $client->customers->retrieve(' ');
    }

    public function testInitPhpRequiresEverySourceFile(): void
    {
        $root = dirname(__DIR__);
        preg_match_all("~require_once __DIR__ \\. '/(src/[^']+)';~", (string) file_get_contents("$root/init.php"), $m);
        $files = [];
        $iterator = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator("$root/src", \FilesystemIterator::SKIP_DOTS));
        foreach ($iterator as $file) {
            $files[] = substr($file->getPathname(), strlen($root) + 1);
        }
        sort($files);
        $required = $m[1];
        sort($required);
        self::assertSame($files, $required, 'init.php must require every file under src/');
        // Every class is loaded already, without an autoloader (the bootstrap requires init.php).
        foreach ($files as $file) {
            $class = 'ShikaCreators\\' . str_replace('/', '\\', substr($file, 4, -4));
            self::assertTrue(class_exists($class, false) || interface_exists($class, false), "$class is not loaded");
        }
    }

    public function testComposerJsonDescribesThePackage(): void
    {
        $composer = json_decode((string) file_get_contents(dirname(__DIR__) . '/composer.json'), true, 512, JSON_THROW_ON_ERROR);
        self::assertSame('shikacreators/shikacreators-php', $composer['name']);
        self::assertSame(ShikaCreatorsClient::VERSION, $composer['version']);
        self::assertSame(['php' => '>=8.1', 'ext-curl' => '*', 'ext-json' => '*'], $composer['require']);
        self::assertSame(['ShikaCreators\\' => 'src/'], $composer['autoload']['psr-4']);
        self::assertArrayNotHasKey('require-dev', $composer);
    }
}
