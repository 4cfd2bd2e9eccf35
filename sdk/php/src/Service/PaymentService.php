<?php

declare(strict_types=1);

namespace ShikaCreators\Service;

use ShikaCreators\Collection;
use ShikaCreators\Payment;
use ShikaCreators\RequestOptions;
use ShikaCreators\ShikaObject;

/** `$shikacreators->payments`: create, retrieve and list payments. */
final class PaymentService extends AbstractService
{
    protected const RESOURCE = 'payments';

    /**
     * @param array{
     *     amount: int,
     *     currency?: string,
     *     customer?: ?string,
     *     description?: ?string,
     *     metadata?: array<string, ?string>,
     * }|null $params
     * @param array<string, mixed>|RequestOptions|null $opts e.g. `['idempotency_key' => …]`
     * @return Payment
     */
    public function create(?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('create', [], $params, $opts);
    }

    /**
     * @param array<string, mixed>|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Payment
     */
    public function retrieve(string $id, ?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('retrieve', [$id], $params, $opts);
    }

    /**
     * @param array{
     *     customer?: string,
     *     limit?: int,
     *     starting_after?: string,
     *     ending_before?: string,
     *     created?: array<string, int|string|\DateTimeInterface>,
     * }|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Collection<Payment>
     */
    public function list(?array $params = null, array|RequestOptions|null $opts = null): Collection
    {
        return $this->request('list', [], $params, $opts);
    }
}
