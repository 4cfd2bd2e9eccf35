<?php

declare(strict_types=1);

namespace ShikaCreators\Tests;

use ShikaCreators\Operations;
use ShikaCreators\Service\AbstractService;
use ShikaCreators\ShikaCreatorsClient;
use ShikaCreators\Tests\Support\TestCase;

/**
 * The SDK covers the API exactly: every operation of the server's OpenAPI document has a row
 * in Operations::OPERATIONS, every row is an operation of the document, and every row is a
 * method of its service on the client (and every public service method is a row).
 */
final class OpenApiCoverageTest extends TestCase
{
    /**
     * Operations that need no SDK method, by operationId. get_openapi serves the document
     * itself: machine-readable reference for tools, not something an application calls.
     */
    private const EXEMPT = ['get_openapi'];

    private const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

    /** "GET /v1/customers/{}" — placeholders' names are the document's business. */
    private static function operationKey(string $method, string $path): string
    {
        return strtoupper($method) . ' ' . preg_replace('/\{[^}]*\}/', '{}', $path);
    }

    public function testEveryOperationOfTheDocumentHasAMethodAndNoMethodIsExtra(): void
    {
        $curl = curl_init(self::baseUrl() . '/v1/openapi.json');
        curl_setopt_array($curl, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 30]);
        $body = curl_exec($curl);
        self::assertSame(200, curl_getinfo($curl, CURLINFO_RESPONSE_CODE));
        $document = json_decode((string) $body, true, 512, JSON_THROW_ON_ERROR);
        self::assertStringStartsWith('3.1', $document['openapi']);

        $documented = [];
        foreach ($document['paths'] as $path => $item) {
            foreach (array_intersect_key($item, array_flip(self::METHODS)) as $method => $operation) {
                if (!in_array($operation['operationId'] ?? null, self::EXEMPT, true)) {
                    $documented[self::operationKey($method, $path)] = $operation['operationId'] ?? '?';
                }
            }
        }
        $table = [];
        foreach (Operations::OPERATIONS as $resource => $methods) {
            foreach ($methods as $name => [$method, $path]) {
                $table[self::operationKey($method, $path)] = "$resource->$name";
            }
        }
        self::assertGreaterThanOrEqual(14, count($documented));
        self::assertSame([], array_diff_key($documented, $table), 'operations of the document without an SDK method');
        self::assertSame([], array_diff_key($table, $documented), 'SDK methods the document does not have');
    }

    public function testTheTableAndTheServicesAgree(): void
    {
        $client = new ShikaCreatorsClient('sk_test_x', ['base_url' => 'http://127.0.0.1:1']);
        self::assertSame(array_keys(Operations::OPERATIONS), array_keys(Operations::SERVICES));
        foreach (Operations::SERVICES as $resource => $class) {
            $property = new \ReflectionProperty(ShikaCreatorsClient::class, $resource);
            self::assertTrue($property->isPublic() && $property->isReadOnly(), "ShikaCreatorsClient::\$$resource");
            self::assertInstanceOf($class, $client->{$resource});
            $methods = array_map(
                static fn (\ReflectionMethod $m): string => $m->getName(),
                array_filter(
                    (new \ReflectionClass($class))->getMethods(\ReflectionMethod::IS_PUBLIC),
                    static fn (\ReflectionMethod $m): bool => $m->getDeclaringClass()->getName() !== AbstractService::class,
                ),
            );
            sort($methods);
            $rows = array_keys(Operations::OPERATIONS[$resource]);
            sort($rows);
            self::assertSame($rows, $methods, "the public methods of $class are its rows");
            foreach (Operations::OPERATIONS[$resource] as $name => [, $path]) {
                $names = array_map(static fn (\ReflectionParameter $p): string => $p->getName(), (new \ReflectionMethod($class, $name))->getParameters());
                $ids = array_fill(0, preg_match_all('/\{[^}]*\}/', $path), 'id');
                self::assertSame([...$ids, 'params', 'opts'], $names, "$class::$name() takes its path's ids, then params, then opts");
            }
        }
    }
}
