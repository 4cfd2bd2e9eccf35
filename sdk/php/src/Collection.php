<?php

declare(strict_types=1);

namespace ShikaCreators;

/**
 * A page of a list (`object: "list"`, `data`, `has_more`, `url`) that is also the whole list:
 * `foreach ($shikacreators->customers->list() as $customer)` walks every object across all
 * pages in the API's order, asking for the next page only when this one is used up. Without a
 * cursor, or with `starting_after`, it walks towards older objects; when the first page was
 * asked for with `ending_before`, it walks towards newer pages, as the API does (each page
 * still newest first). `count()` and `data` are this page only.
 *
 * @template TObject of ShikaObject
 * @property-read string $object always "list"
 * @property-read list<TObject> $data the objects on this page
 * @property-read bool $has_more whether more objects lie beyond this page, in the direction of travel
 * @property-read string $url the list's path, e.g. "/v1/customers"
 */
class Collection extends ShikaObject
{
    /** @var (\Closure(array<string, mixed>): Collection<TObject>)|null fetches a page of this list */
    private ?\Closure $fetchPage = null;

    /** @var array<string, mixed> the parameters this page was asked for with */
    private array $params = [];

    /**
     * Lets the page fetch its neighbours: $fetchPage takes list parameters and returns the page.
     * Called by the services; a Collection built by hand walks only its own `data`.
     *
     * @internal
     * @param \Closure(array<string, mixed>): Collection<TObject> $fetchPage
     * @param array<string, mixed> $params
     * @return $this
     */
    public function setPager(\Closure $fetchPage, array $params): static
    {
        $this->fetchPage = $fetchPage;
        $this->params = $params;
        return $this;
    }

    /** Every object of the list from this page on, fetching further pages as it goes. */
    public function getIterator(): \Generator
    {
        for ($page = $this; $page !== null; $page = $page->nextPage()) {
            foreach ($page->data ?? [] as $object) {
                yield $object;
            }
        }
    }

    /** The same as iterating the page itself (the name stripe-php users look for). */
    public function autoPagingIterator(): \Generator
    {
        return $this->getIterator();
    }

    /**
     * The next page in the direction of travel (older, or newer after `ending_before`), or null
     * when this is the last one.
     *
     * @return Collection<TObject>|null
     */
    public function nextPage(): ?self
    {
        $data = $this->data ?? [];
        if ($this->has_more !== true || $data === [] || $this->fetchPage === null) {
            return null;
        }
        $params = $this->params;
        if (isset($params['ending_before'])) {
            $params['ending_before'] = $data[0]->id;
        } else {
            unset($params['ending_before']);
            $params['starting_after'] = $data[count($data) - 1]->id;
        }
        return ($this->fetchPage)($params);
    }

    /** The number of objects on this page (iterate to walk the whole list). */
    public function count(): int
    {
        return count($this->data ?? []);
    }

    /** Whether this page holds no objects. */
    public function isEmpty(): bool
    {
        return $this->count() === 0;
    }
}
