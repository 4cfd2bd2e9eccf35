<?php

declare(strict_types=1);

namespace ShikaCreators\Tests;

use ShikaCreators\Collection;
use ShikaCreators\Tests\Support\TestCase;

/**
 * Walking lists across pages both ways. The class's merchant has exactly seven customers,
 * made in setUpBeforeClass; with `limit: 2` that is four pages.
 */
final class PaginationTest extends TestCase
{
    /** @var list<string> the seven customers' ids, oldest first */
    private static array $created = [];

    public static function setUpBeforeClass(): void
    {
        $shika = self::client();
        for ($i = 1; $i <= 7; $i++) {
            self::$created[] = $shika->customers->create(['name' => "Customer $i"])->id;
        }
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
