<?php

declare(strict_types=1);

namespace ShikaCreators\Tests;

use ShikaCreators\Collection;
use ShikaCreators\SearchResult;
use ShikaCreators\Tests\Support\TestCase;

/**
 * Walking lists across pages both ways, and searches by `next_page`. The class's merchant has
 * exactly seven customers, made in setUpBeforeClass; with `limit: 2` that is four pages. Five of
 * them are named Kwame: a search for them with `limit: 2` is three pages.
 */
final class PaginationTest extends TestCase
{
    /** @var list<string> the seven customers' ids, oldest first */
    private static array $created = [];

    public static function setUpBeforeClass(): void
    {
        $shika = self::client();
        for ($i = 1; $i <= 7; $i++) {
            // Customers 2 and 5 do not match the search.
            $name = in_array($i, [2, 5], true) ? "Customer $i" : "Kwame $i";
            self::$created[] = $shika->customers->create(['name' => $name])->id;
        }
    }

    private const QUERY = 'name~"kwame"';

    /** @return list<string> the search's matches, newest first */
    private static function searchMatches(): array
    {
        [$c1, , $c3, $c4, , $c6, $c7] = self::$created;
        return [$c7, $c6, $c4, $c3, $c1];
    }

    /** @return list<string> */
    private static function ids(iterable $objects): array
    {
        $ids = [];
        foreach ($objects as $object) {
            $ids[] = $object->id;
        }
        return $ids;
    }

    public function testTheFirstPageIsAPage(): void
    {
        $page = self::client()->customers->list(['limit' => 2]);
        self::assertInstanceOf(Collection::class, $page);
        self::assertSame('list', $page->object);
        self::assertSame('/v1/customers', $page['url']);
        self::assertTrue($page->has_more);
        self::assertCount(2, $page->data);
        self::assertCount(2, $page);
        $newest = array_reverse(self::$created);
        self::assertSame(array_slice($newest, 0, 2), self::ids($page->data));

        $last = $page->nextPage()?->nextPage()?->nextPage();
        self::assertInstanceOf(Collection::class, $last);
        self::assertSame([self::$created[0]], self::ids($last->data));
        self::assertFalse($last->has_more);
        self::assertNull($last->nextPage());
    }

    public function testIterationWalksEveryPageForwardFetchingEachOnce(): void
    {
        $proxy = $this->proxy('forward');
        $shika = self::client(['base_url' => $proxy->url]);
        $seen = [];
        foreach ($shika->customers->list(['limit' => 2]) as $key => $customer) {
            $seen[$key] = $customer->id;
        }
        self::assertSame(array_reverse(self::$created), $seen, 'every customer once, newest first, keys 0…6');

        $targets = array_map(static fn (array $r): string => $r['target'], $proxy->finish());
        $newest = array_reverse(self::$created);
        self::assertSame([
            '/v1/customers?limit=2',
            "/v1/customers?limit=2&starting_after={$newest[1]}",
            "/v1/customers?limit=2&starting_after={$newest[3]}",
            "/v1/customers?limit=2&starting_after={$newest[5]}",
        ], $targets);
    }

    public function testIterationWithEndingBeforeWalksTowardsNewerPages(): void
    {
        [$c1, $c2, $c3, $c4, $c5, $c6, $c7] = self::$created;
        $page = self::client()->customers->list(['limit' => 2, 'ending_before' => $c1]);
        self::assertSame([$c3, $c2], self::ids($page->data), 'the page just newer than c1, newest first');
        self::assertTrue($page->has_more, 'more lie beyond, in the newer direction');
        self::assertSame([$c3, $c2, $c5, $c4, $c7, $c6], self::ids($page), 'each page in API order, pages going newer');
        self::assertSame([$c3, $c2, $c5, $c4, $c7, $c6], self::ids($page->autoPagingIterator()));
    }

    public function testIterationFromAStartingAfterCursor(): void
    {
        $newest = array_reverse(self::$created);
        $list = self::client()->customers->list(['limit' => 3, 'starting_after' => $newest[1]]);
        self::assertSame(array_slice($newest, 2), self::ids($list));
    }

    public function testPagesAreFetchedOnlyWhenNeeded(): void
    {
        $proxy = $this->proxy('forward');
        $shika = self::client(['base_url' => $proxy->url]);
        $list = $shika->customers->list(['limit' => 2]);
        $taken = [];
        foreach ($list as $customer) {
            $taken[] = $customer->id;
            if (count($taken) === 3) {
                break;
            }
        }
        self::assertCount(3, $taken);
        self::assertCount(2, $proxy->finish(), 'three customers of two-customer pages: two requests, not four');
    }

    public function testTheFirstSearchPageIsAPageWithNextPage(): void
    {
        $shika = self::client();
        $page = $shika->customers->search(['query' => self::QUERY, 'limit' => 2]);
        self::assertInstanceOf(SearchResult::class, $page);
        self::assertSame('search_result', $page->object);
        self::assertTrue($page->has_more);
        self::assertStringStartsWith('pg_', $page->next_page);
        self::assertSame(array_slice(self::searchMatches(), 0, 2), self::ids($page->data));

        // By hand: `page` = next_page, or nextPage().
        $second = $shika->customers->search(['query' => self::QUERY, 'limit' => 2, 'page' => $page->next_page]);
        self::assertSame(array_slice(self::searchMatches(), 2, 2), self::ids($second->data));
        self::assertSame(self::ids($second->data), self::ids($page->nextPage()?->data ?? []));
        $last = $second->nextPage();
        self::assertInstanceOf(SearchResult::class, $last);
        self::assertSame([self::searchMatches()[4]], self::ids($last->data));
        self::assertFalse($last->has_more);
        self::assertNull($last->next_page);
        self::assertNull($last->nextPage());
        // A page iterates from itself on.
        self::assertSame(array_slice(self::searchMatches(), 2), self::ids($second));
    }

    public function testSearchIterationWalksEveryPageOnceByNextPage(): void
    {
        $proxy = $this->proxy('forward');
        $shika = self::client(['base_url' => $proxy->url]);
        $first = $shika->customers->search(['query' => self::QUERY, 'limit' => 2]);
        $seen = [];
        foreach ($first as $key => $customer) {
            $seen[$key] = $customer->id;
        }
        self::assertSame(self::searchMatches(), $seen, 'every match once, newest first, keys 0…4');
        self::assertSame(self::searchMatches(), self::ids($first->autoPagingIterator()), 'again from the first page');

        $requests = $proxy->finish();
        $walk = array_slice($requests, 0, 3);
        $query = rawurlencode(self::QUERY);
        self::assertSame('/v1/customers/search?query=' . $query . '&limit=2', $walk[0]['target']);
        self::assertSame("/v1/customers/search?query=$query&limit=2&page={$first->next_page}", $walk[1]['target']);
        self::assertStringStartsWith("/v1/customers/search?query=$query&limit=2&page=pg_", $walk[2]['target']);
        self::assertNotSame($walk[1]['target'], $walk[2]['target']);
        self::assertCount(5, $requests, 'three pages, then two more for the second walk (the first page is kept)');
    }

    public function testSearchPagesAreFetchedOnlyWhenNeeded(): void
    {
        $proxy = $this->proxy('forward');
        $shika = self::client(['base_url' => $proxy->url]);
        $taken = [];
        foreach ($shika->customers->search(['query' => self::QUERY, 'limit' => 2]) as $customer) {
            $taken[] = $customer->id;
            if (count($taken) === 2) {
                break;
            }
        }
        self::assertSame(array_slice(self::searchMatches(), 0, 2), $taken);
        self::assertCount(1, $proxy->finish(), 'the first page\'s two matches: one request');

        $proxy = $this->proxy('forward');
        $shika = self::client(['base_url' => $proxy->url]);
        $taken = [];
        foreach ($shika->customers->search(['query' => self::QUERY, 'limit' => 2]) as $customer) {
            $taken[] = $customer->id;
            if (count($taken) === 3) {
                break;
            }
        }
        self::assertSame(array_slice(self::searchMatches(), 0, 3), $taken);
        self::assertCount(2, $proxy->finish(), 'three matches of two-match pages: two requests, not three');
    }

    public function testCustomerSubListsPaginateWithTheirPath(): void
    {
        $shika = self::client([], self::newApiKey());
        $customer = $shika->customers->create();
        $payments = [];
        for ($i = 1; $i <= 5; $i++) {
            $payments[] = $shika->payments->create(['amount' => $i * 100, 'customer' => $customer->id])->id;
        }
        self::assertSame(array_reverse($payments), self::ids($shika->customers->listPayments($customer->id, ['limit' => 2])));
        self::assertSame(array_reverse($payments), self::ids($shika->payments->list(['customer' => $customer->id, 'limit' => 2])));
    }
}
