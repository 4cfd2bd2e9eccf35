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
 * @extends Page<TObject>
 * @property-read string $object always "search_result"
 * @property-read list<TObject> $data the matches on this page
 * @property-read bool $has_more whether more matches follow this page
 * @property-read string|null $next_page the `page` that asks for the next page; null on the last
 * @property-read string $url the search's path, e.g. "/v1/customers/search"
 */
class SearchResult extends Page
{
    /** The same query and limit with `page` = this page's `next_page`. */
    protected function nextPageParams(array $params): ?array
    {
        $token = $this->next_page;
        if (!is_string($token) || $token === '') {
            return null;
        }
        $params['page'] = $token;
        return $params;
    }
}
