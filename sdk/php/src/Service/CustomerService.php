<?php

declare(strict_types=1);

namespace ShikaCreators\Service;

use ShikaCreators\Collection;
use ShikaCreators\Customer;
use ShikaCreators\Payment;
use ShikaCreators\RequestOptions;
use ShikaCreators\SearchResult;
use ShikaCreators\ShikaObject;
use ShikaCreators\Subscription;

/**
 * `$shikacreators->customers`: create, retrieve, update, delete, list and search customers, and
 * list a customer's payments and subscriptions. The last argument of each method is the per-request
 * options (see RequestOptions).
 */
final class CustomerService extends AbstractService
{
    protected const RESOURCE = 'customers';

    /**
     * @param array{
     *     email?: ?string,
     *     name?: ?string,
     *     phone?: ?string,
     *     metadata?: array<string, ?string>,
     * }|null $params
     * @param array<string, mixed>|RequestOptions|null $opts e.g. `['idempotency_key' => …]`
     * @return Customer
     */
    public function create(?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('create', [], $params, $opts);
    }

    /**
     * @param array<string, mixed>|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Customer
     */
    public function retrieve(string $id, ?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('retrieve', [$id], $params, $opts);
    }

    /**
     * Changes only the fields given; `null` or `''` clears one, metadata merges key by key.
     *
     * @param array{
     *     email?: ?string,
     *     name?: ?string,
     *     phone?: ?string,
     *     metadata?: array<string, ?string>|null,
     * }|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Customer
     */
    public function update(string $id, ?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('update', [$id], $params, $opts);
    }

    /**
     * Deletes the customer (its active subscriptions are canceled, its payments unlinked).
     *
     * @param array<string, mixed>|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Customer `{id, object: "customer", deleted: true}`
     */
    public function delete(string $id, ?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('delete', [$id], $params, $opts);
    }

    /**
     * `phone` matches any form of the same number (`0241234567`, `024 123 4567`,
     * `+233 24 123 4567`); `metadata` => ['order_id' => '42'] (sent as `metadata[order_id]=42`)
     * matches exact values, every key given.
     *
     * @param array{
     *     limit?: int,
     *     starting_after?: string,
     *     ending_before?: string,
     *     email?: string,
     *     phone?: string,
     *     metadata?: array<string, string>,
     *     created?: array<string, int|string|\DateTimeInterface>,
     * }|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Collection<Customer> the first page; iterate it for every customer
     */
    public function list(?array $params = null, array|RequestOptions|null $opts = null): Collection
    {
        return $this->request('list', [], $params, $opts);
    }

    /**
     * The customers matching `query`, newest first: `['query' => 'name~"kwame" AND
     * metadata["tier"]:"gold"']`. A query that does not parse throws InvalidRequestException
     * with param `query`, its message saying at which character and what was expected.
     *
     * @param array{
     *     query: string,
     *     limit?: int,
     *     page?: string,
     * }|null $params `page` is a previous page's `next_page` (iteration sends it itself)
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return SearchResult<Customer> the first page; iterate it for every match
     */
    public function search(?array $params = null, array|RequestOptions|null $opts = null): SearchResult
    {
        return $this->request('search', [], $params, $opts);
    }

    /**
     * @param array{
     *     limit?: int,
     *     starting_after?: string,
     *     ending_before?: string,
     *     created?: array<string, int|string|\DateTimeInterface>,
     * }|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Collection<Payment>
     */
    public function listPayments(string $id, ?array $params = null, array|RequestOptions|null $opts = null): Collection
    {
        return $this->request('listPayments', [$id], $params, $opts);
    }

    /**
     * @param array{
     *     limit?: int,
     *     starting_after?: string,
     *     ending_before?: string,
     *     created?: array<string, int|string|\DateTimeInterface>,
     * }|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Collection<Subscription>
     */
    public function listSubscriptions(string $id, ?array $params = null, array|RequestOptions|null $opts = null): Collection
    {
        return $this->request('listSubscriptions', [$id], $params, $opts);
    }
}
