<?php

declare(strict_types=1);

namespace ShikaCreators;

/**
 * A page of a search (`object: "search_result"`, `data`, `has_more`, `next_page`, `url`) that
 * is also the whole search: `foreach ($shikacreators->customers->search([...]) as $customer)`
 * walks every match across all pages, newest first, asking for the next page only when this
 * one is used up: the same query and limit with `page` = this page's `next_page` (as
 * stripe-php's SearchResult). `count()` and `data` are this page only.
 *
 * @template TObject of ShikaObject
 * @property-read string $object always "search_result"
 * @property-read list<TObject> $data the matches on this page
 * @property-read bool $has_more whether more matches follow this page
 * @property-read string|null $next_page the `page` that asks for the next page; null on the last
 * @property-read string $url the search's path, e.g. "/v1/customers/search"
 */
class SearchResult extends ShikaObject
{
    /** @var (\Closure(array<string, mixed>): SearchResult<TObject>)|null fetches a page of this search */
    private ?\Closure $fetchPage = null;

    /** @var array<string, mixed> the parameters this page was asked for with */
    private array $params = [];

    /**
     * Lets the page fetch the next one: $fetchPage takes search parameters and returns the page.
     * Called by the services; a SearchResult built by hand walks only its own `data`.
     *
     * @internal
     * @param \Closure(array<string, mixed>): SearchResult<TObject> $fetchPage
     * @param array<string, mixed> $params
     * @return $this
     */
    public function setPager(\Closure $fetchPage, array $params): static
    {
        $this->fetchPage = $fetchPage;
        $this->params = $params;
        return $this;
    }

    /** Every match of the search from this page on, fetching further pages as it goes. */
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
     * The next page of the search (asked for with `page` = this page's `next_page`), or null
     * when this is the last one.
     *
     * @return SearchResult<TObject>|null
     */
    public function nextPage(): ?self
    {
        $token = $this->next_page;
        if ($this->has_more !== true || !is_string($token) || $token === '' || $this->fetchPage === null) {
            return null;
        }
        $params = $this->params;
        $params['page'] = $token;
        return ($this->fetchPage)($params);
    }

    /** The number of matches on this page (iterate to walk the whole search). */
    public function count(): int
    {
        return count($this->data ?? []);
    }

    /** Whether this page holds no matches. */
    public function isEmpty(): bool
    {
        return $this->count() === 0;
    }
}
