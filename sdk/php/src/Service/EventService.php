<?php

declare(strict_types=1);

namespace ShikaCreators\Service;

use ShikaCreators\Collection;
use ShikaCreators\Event;
use ShikaCreators\RequestOptions;
use ShikaCreators\ShikaObject;

/** `$shikacreators->events`: retrieve and list the events of this key's mode. */
final class EventService extends AbstractService
{
    protected const RESOURCE = 'events';

    /**
     * @param array<string, mixed>|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Event
     */
    public function retrieve(string $id, ?array $params = null, array|RequestOptions|null $opts = null): ShikaObject
    {
        return $this->request('retrieve', [$id], $params, $opts);
    }

    /**
     * `type` is an exact type (`customer.updated`) or a prefix ending in `.*` (`customer.*`).
     *
     * @param array{
     *     type?: string,
     *     limit?: int,
     *     starting_after?: string,
     *     ending_before?: string,
     *     created?: array<string, int|string|\DateTimeInterface>,
     * }|null $params
     * @param array<string, mixed>|RequestOptions|null $opts
     * @return Collection<Event> the first page; iterate it for every event, newest first
     */
    public function list(?array $params = null, array|RequestOptions|null $opts = null): Collection
    {
        return $this->request('list', [], $params, $opts);
    }
}
