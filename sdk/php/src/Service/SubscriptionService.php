<?php

declare(strict_types=1);

namespace ShikaCreators\Service;

use ShikaCreators\Collection;
use ShikaCreators\RequestOptions;
use ShikaCreators\ShikaObject;
use ShikaCreators\Subscription;

/** `$shikacreators->subscriptions`: create, retrieve, list and cancel subscriptions. */
final class SubscriptionService extends AbstractService
{
    protected const RESOURCE = 'subscriptions';

    /**
     * @param array{
     *     customer: string,
     *     amount: int,
     *     interval: string,
     *     currency?: string,
     *     metadata?: array<string, ?string>,
     * }|null $params
     * @param array<string, mixed>|RequestOptions|null $opts e.g. `['idempotency_key' => …]`
     * @return Subscription
     */
    public function create(?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('create', [], $params, $opts);
    }

    /**
     * @param array<string, mixed>|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Subscription
     */
    public function retrieve(string $id, ?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('retrieve', [$id], $params, $opts);
    }

    /**
     * @param array{
     *     customer?: string,
     *     status?: 'active'|'canceled',
     *     limit?: int,
     *     starting_after?: string,
     *     ending_before?: string,
     *     created?: array<string, int|string|\DateTimeInterface>,
     * }|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Collection<Subscription>
     */
    public function list(?array $params = null, array|RequestOptions|null $opts = null): Collection
    {
        return $this->request('list', [], $params, $opts);
    }

    /**
     * Cancels the subscription (`DELETE`); cancelling a canceled one answers it unchanged.
     *
     * @param array<string, mixed>|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Subscription
     */
    public function cancel(string $id, ?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('cancel', [$id], $params, $opts);
    }
}
