<?php

declare(strict_types=1);

namespace ShikaCreators\Service;

use ShikaCreators\ApiRequestor;
use ShikaCreators\Collection;
use ShikaCreators\Exception\ApiException;
use ShikaCreators\Exception\InvalidArgumentException;
use ShikaCreators\Operations;
use ShikaCreators\RequestOptions;
use ShikaCreators\SearchResult;
use ShikaCreators\ShikaObject;

/**
 * What the services share: each public method of a service is one row of
 * Operations::OPERATIONS, sent through request(). Every method takes its ids, then the
 * request's parameters (query or body), then the per-request options.
 */
abstract class AbstractService
{
    /** This service's key in Operations::OPERATIONS. */
    protected const RESOURCE = '';

    public function __construct(private readonly ApiRequestor $requestor)
    {
    }

    /**
     * Sends the operation $operation of this resource. A list or search answer comes back able
     * to fetch its further pages with the same parameters and options.
     *
     * @param list<string> $ids the path's `{…}` placeholders, in order
     * @param array<string, mixed>|null $params
     * @param array<string, mixed>|RequestOptions|null $options
     */
    protected function request(
        string $operation,
        array $ids,
        ?array $params,
        array|RequestOptions|null $options,
    ): ShikaObject
    {
        [$method, $template] = Operations::OPERATIONS[static::RESOURCE][$operation];
        $options = RequestOptions::parse($options);
        $params ??= [];
        $path = self::path($template, $ids, $operation);
        $answer = ShikaObject::constructFrom($this->requestor->request($method, $path, $params, $options));
        if (!$answer instanceof ShikaObject) {
            throw new ApiException("Shika answered $method $path with something that is not an object.");
        }
        if ($answer instanceof Collection || $answer instanceof SearchResult) {
            $answer->setPager(
                fn (array $pageParams): ShikaObject => $this->request($operation, $ids, $pageParams, $options),
                $params,
            );
        }
        return $answer;
    }

    /** @param list<string> $ids */
    private static function path(string $template, array $ids, string $operation): string
    {
        return (string) preg_replace_callback('/\{[a-z_]+\}/', static function () use (&$ids, $operation): string {
            $id = array_shift($ids);
            // An empty id would turn "/v1/customers/{id}" into the list's path.
            if (!is_string($id) || trim($id) === '') {
                throw new InvalidArgumentException("$operation() needs a non-empty id.");
            }
            return rawurlencode($id);
        }, $template);
    }
}
