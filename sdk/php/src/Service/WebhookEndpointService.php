<?php

declare(strict_types=1);

namespace ShikaCreators\Service;

use ShikaCreators\Collection;
use ShikaCreators\RequestOptions;
use ShikaCreators\ShikaObject;
use ShikaCreators\WebhookEndpoint;

/**
 * `$shikacreators->webhookEndpoints`: create, retrieve, update, delete and list webhook
 * endpoints, and roll their signing secret. Verify what they receive with
 * Webhook::constructEvent().
 */
final class WebhookEndpointService extends AbstractService
{
    protected const RESOURCE = 'webhookEndpoints';

    /**
     * The answer is the only one, with rollSecret()'s, to carry the endpoint's `secret`.
     *
     * @param array{
     *     url: string,
     *     enabled_events: list<string>,
     *     description?: ?string,
     *     metadata?: array<string, ?string>,
     * }|null $params
     * @param array<string, mixed>|RequestOptions|null $opts e.g. `['idempotency_key' => …]`
     * @return WebhookEndpoint
     */
    public function create(?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('create', [], $params, $opts);
    }

    /**
     * @param array<string, mixed>|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return WebhookEndpoint without its `secret`
     */
    public function retrieve(string $id, ?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('retrieve', [$id], $params, $opts);
    }

    /**
     * Changes only the fields given; `'disabled' => true` stops deliveries to the endpoint
     * (`status` "disabled"), false resumes them.
     *
     * @param array{
     *     url?: string,
     *     enabled_events?: list<string>,
     *     description?: ?string,
     *     metadata?: array<string, ?string>|null,
     *     disabled?: bool,
     * }|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return WebhookEndpoint
     */
    public function update(string $id, ?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('update', [$id], $params, $opts);
    }

    /**
     * Deletes the endpoint: no delivery to it is attempted afterwards.
     *
     * @param array<string, mixed>|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return WebhookEndpoint `{id, object: "webhook_endpoint", deleted: true}`
     */
    public function delete(string $id, ?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('delete', [$id], $params, $opts);
    }

    /**
     * @param array{
     *     limit?: int,
     *     starting_after?: string,
     *     ending_before?: string,
     *     created?: array<string, int|string|\DateTimeInterface>,
     * }|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Collection<WebhookEndpoint>
     */
    public function list(?array $params = null, array|RequestOptions|null $opts = null): Collection
    {
        return $this->request('list', [], $params, $opts);
    }

    /**
     * Gives the endpoint a new secret, in the answer. For 24 hours deliveries are signed with
     * the old secret too, so receivers can switch without refusing any.
     *
     * @param array<string, mixed>|null $params
     * @param array<string, mixed>|RequestOptions|null $opts e.g. `['idempotency_key' => …]`
     * @return WebhookEndpoint with its new `secret`
     */
    public function rollSecret(string $id, ?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('rollSecret', [$id], $params, $opts);
    }
}
