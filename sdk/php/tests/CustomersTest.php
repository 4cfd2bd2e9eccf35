<?php

declare(strict_types=1);

namespace ShikaCreators\Tests;

use ShikaCreators\Collection;
use ShikaCreators\Customer;
use ShikaCreators\Exception\InvalidRequestException;
use ShikaCreators\Payment;
use ShikaCreators\SearchResult;
use ShikaCreators\ShikaObject;
use ShikaCreators\Subscription;
use ShikaCreators\Tests\Support\TestCase;

/**
 * Every customers method against the real server (list with its filters, search), and how
 * its answers read in PHP.
 */
final class CustomersTest extends TestCase
{
    public function testCreateRetrieveUpdateDelete(): void
    {
        $shika = self::client();
        $email = self::uniqueEmail('crud');
        $customer = $shika->customers->create([
            'email' => $email,
            'name' => 'Ama Mensah',
            'phone' => '+233241234567',
            'metadata' => ['user_id' => '42'],
        ]);
        self::assertInstanceOf(Customer::class, $customer);
        self::assertMatchesRegularExpression('/^cus_[A-Za-z0-9]{12,}$/', $customer->id);
        self::assertSame($customer->id, $customer['id']);
        self::assertSame('customer', $customer->object);
        self::assertSame($email, $customer->email);
        self::assertSame('Ama Mensah', $customer['name']);
        self::assertSame('+233241234567', $customer->phone);
        self::assertInstanceOf(ShikaObject::class, $customer->metadata);
        self::assertSame('42', $customer->metadata->user_id);
        self::assertSame('42', $customer['metadata']['user_id']);
        self::assertMatchesRegularExpression('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/', $customer->created_at);
        $keys = $customer->keys();
        sort($keys);
        self::assertSame(['created_at', 'email', 'id', 'metadata', 'name', 'object', 'phone', 'updated_at'], $keys);

        $fetched = $shika->customers->retrieve($customer->id);
        self::assertInstanceOf(Customer::class, $fetched);
        self::assertSame($customer->toArray(), $fetched->toArray());

        $updated = $shika->customers->update($customer->id, [
            'name' => 'Ama K. Mensah',
            'phone' => null,
            'metadata' => ['vip' => 'true'],
        ]);
        self::assertSame('Ama K. Mensah', $updated->name);
        self::assertNull($updated->phone, 'null clears a field');
        self::assertSame($email, $updated->email, 'fields not sent stay');
        self::assertSame(['user_id' => '42', 'vip' => 'true'], $updated->metadata->toArray(), 'metadata merges');
        self::assertGreaterThanOrEqual($customer->updated_at, $updated->updated_at);
        self::assertSame($updated->toArray(), $shika->customers->retrieve($customer->id)->toArray());

        $deleted = $shika->customers->delete($customer->id);
        self::assertInstanceOf(Customer::class, $deleted);
        $fields = $deleted->toArray();
        ksort($fields); // the API's field order is not part of the contract
        self::assertSame(['deleted' => true, 'id' => $customer->id, 'object' => 'customer'], $fields);
        self::assertTrue($deleted->deleted);
        self::assertTrue($deleted['deleted']);

        try {
            $shika->customers->retrieve($customer->id);
            self::fail('a deleted customer was retrieved');
        } catch (InvalidRequestException $e) {
            self::assertSame(404, $e->getHttpStatus());
            self::assertSame('resource_missing', $e->getErrorCode());
        }
    }

    public function testCreateWithNoParametersMakesAnEmptyCustomer(): void
    {
        $customer = self::client()->customers->create();
        self::assertNull($customer->email);
        self::assertSame('{}', json_encode($customer->metadata), 'an empty metadata stays a JSON object');
        self::assertSame([], $customer->metadata->toArray());
    }

    public function testUnknownFieldsOfAnswersAreKept(): void
    {
        // The proxy adds `shika_future_field` to the server's answer, as a newer API might.
        $proxy = $this->proxy('extend');
        $customer = self::client(['base_url' => $proxy->url])->customers->create(['name' => 'Later']);
        self::assertInstanceOf(Customer::class, $customer);
        self::assertSame('Later', $customer->name);
        self::assertSame('kept', $customer->shika_future_field->nested->deep);
        self::assertSame('kept', $customer['shika_future_field']['nested']['deep']);
        self::assertSame([1, 2, 3], $customer->shika_future_field->list);
        self::assertSame(['nested' => ['deep' => 'kept'], 'list' => [1, 2, 3]], $customer->toArray()['shika_future_field']);
        self::assertStringContainsString('"shika_future_field":{"nested":{"deep":"kept"}', (string) json_encode($customer));
    }

    public function testListFiltersByEmailAndCreation(): void
    {
        $shika = self::client();
        $email = self::uniqueEmail('filter');
        $first = $shika->customers->create(['email' => $email, 'name' => 'One']);
        $second = $shika->customers->create(['email' => $email, 'name' => 'Two']);
        $shika->customers->create(['email' => self::uniqueEmail('other')]);

        $page = $shika->customers->list(['email' => strtoupper($email), 'limit' => 10]);
        self::assertInstanceOf(Collection::class, $page);
        self::assertSame('list', $page->object);
        self::assertSame('/v1/customers', $page->url);
        self::assertFalse($page->has_more);
        self::assertSame([$second->id, $first->id], array_map(static fn ($c) => $c->id, $page->data));
        self::assertContainsOnlyInstancesOf(Customer::class, $page->data);

        $since = $shika->customers->list(['email' => $email, 'created' => ['gte' => $first->created_at]]);
        self::assertCount(2, $since);
        $future = $shika->customers->list(['email' => $email, 'created' => ['gte' => new \DateTimeImmutable('+1 day')]]);
        self::assertTrue($future->isEmpty());
        self::assertSame([], iterator_to_array($future));
        $before = $shika->customers->list(['email' => $email, 'created' => ['lt' => time() + 86400, 'gt' => 0]]);
        self::assertCount(2, $before);

        try {
            $shika->customers->list(['created' => ['gte' => 'yesterday-ish']]);
            self::fail('a bad created[gte] was accepted');
        } catch (InvalidRequestException $e) {
            self::assertSame('created[gte]', $e->getParam(), 'the nested parameter reached the server as created[gte]');
        }
    }

    /** @param iterable<ShikaObject> $objects @return list<string> */
    private static function ids(iterable $objects): array
    {
        $ids = [];
        foreach ($objects as $object) {
            $ids[] = $object->id;
        }
        return $ids;
    }

    public function testListFiltersByPhoneHoweverTheNumberIsTyped(): void
    {
        $shika = self::client([], self::newApiKey());
        $kwame = $shika->customers->create(['name' => 'Kwame', 'phone' => '024 123 4567']);
        $shika->customers->create(['name' => 'Ama', 'phone' => '0201112222']);
        $shika->customers->create(['name' => 'No phone']);
        foreach (['0241234567', '024 123 4567', '+233 24 123 4567', '233241234567'] as $typed) {
            self::assertSame([$kwame->id], self::ids($shika->customers->list(['phone' => $typed])), $typed);
        }
        self::assertSame('024 123 4567', $shika->customers->list(['phone' => '+233241234567'])->data[0]->phone, 'as it was given');
        try {
            $shika->customers->list(['phone' => 'kofi']);
            self::fail('a phone that is no number was accepted');
        } catch (InvalidRequestException $e) {
            self::assertSame('phone', $e->getParam());
        }
    }

    public function testListFiltersByMetadataEveryKeyMustMatch(): void
    {
        $key = self::newApiKey();
        $shika = self::client([], $key);
        $email = self::uniqueEmail('meta');
        $a = $shika->customers->create(['email' => self::uniqueEmail('meta'), 'metadata' => ['order_id' => '42', 'tier' => 'gold']]);
        $b = $shika->customers->create(['email' => $email, 'metadata' => ['order_id' => '42']]);
        $shika->customers->create(['metadata' => ['order_id' => '43']]);
        $shika->customers->create();
        self::assertSame([$b->id, $a->id], self::ids($shika->customers->list(['metadata' => ['order_id' => '42']])));
        self::assertSame([$a->id], self::ids($shika->customers->list(['metadata' => ['order_id' => '42', 'tier' => 'gold']])));
        self::assertSame([$b->id], self::ids($shika->customers->list(['metadata' => ['order_id' => '42'], 'email' => $email])));
        self::assertTrue($shika->customers->list(['metadata' => ['order_id' => '4']])->isEmpty());

        // Sent as metadata[key]=value, and kept on every page.
        $proxy = $this->proxy('forward');
        $proxied = self::client(['base_url' => $proxy->url], $key);
        self::assertSame([$b->id, $a->id], self::ids($proxied->customers->list(['metadata' => ['order_id' => '42'], 'limit' => 1])));
        self::assertSame([
            '/v1/customers?metadata[order_id]=42&limit=1',
            "/v1/customers?metadata[order_id]=42&limit=1&starting_after={$b->id}",
        ], array_map(static fn (array $r): string => $r['target'], $proxy->finish()));
    }

    public function testSearchBySubstringMetadataPhoneAndEmail(): void
    {
        $shika = self::client([], self::newApiKey());
        $email = self::uniqueEmail('search');
        $mensah = $shika->customers->create(['name' => 'Kwame Mensah', 'phone' => '+233241234567', 'metadata' => ['tier' => 'gold']]);
        $boateng = $shika->customers->create(['name' => 'Kwame Boateng', 'metadata' => ['tier' => 'silver']]);
        $nkrumah = $shika->customers->create(['name' => 'Ama Kwame-Nkrumah', 'email' => $email, 'metadata' => ['tier' => 'gold']]);
        $shika->customers->create(['name' => 'Esi Owusu', 'phone' => '0201112222']);

        $page = $shika->customers->search(['query' => 'name~"kwame"']);
        self::assertInstanceOf(SearchResult::class, $page);
        self::assertSame('search_result', $page->object);
        self::assertSame('/v1/customers/search', $page['url']);
        self::assertFalse($page->has_more);
        self::assertNull($page->next_page);
        self::assertCount(3, $page);
        self::assertSame([$nkrumah->id, $boateng->id, $mensah->id], self::ids($page->data));
        self::assertContainsOnlyInstancesOf(Customer::class, $page->data);
        self::assertSame($shika->customers->retrieve($boateng->id)->toArray(), $page->data[1]->toArray());

        self::assertSame([$nkrumah->id, $mensah->id], self::ids($shika->customers->search(['query' => 'name~"kwame" AND metadata["tier"]:"gold"'])));
        self::assertSame([$boateng->id], self::ids($shika->customers->search(['query' => 'name~"kwame" AND -metadata["tier"]:"gold"'])));
        foreach (['0241234567', '024 123 4567', '+233 24 123 4567'] as $typed) {
            self::assertSame([$mensah->id], self::ids($shika->customers->search(['query' => "phone:\"$typed\""])), $typed);
        }
        self::assertSame([$nkrumah->id], self::ids($shika->customers->search(['query' => 'email:"' . strtoupper($email) . '"'])));
        self::assertCount(2, $shika->customers->search(['query' => 'name~"boateng" OR phone:"020 111 2222"']));
        $none = $shika->customers->search(['query' => 'name~"nobody"']);
        self::assertTrue($none->isEmpty());
        self::assertSame([], iterator_to_array($none));

        // An update is found at once.
        $shika->customers->update($boateng->id, ['name' => 'Kofi Boateng']);
        self::assertSame([$boateng->id], self::ids($shika->customers->search(['query' => 'name~"kofi"'])));
    }

    /** @return iterable<string, array{string, string}> */
    public static function unparsableQueries(): iterable
    {
        yield 'no operator' => ['name=kwame', 'expected an operator after name'];
        yield 'unknown field' => ['colour:red', "unknown field 'colour'"];
        yield 'open quote' => ['name:"kwame', 'never closed'];
        yield 'short substring' => ['name~ab', 'at least 3 characters'];
    }

    /** @dataProvider unparsableQueries */
    public function testASearchQueryThatDoesNotParseSaysWhere(string $query, string $words): void
    {
        try {
            self::client()->customers->search(['query' => $query], ['max_network_retries' => 0]);
            self::fail("the query $query was accepted");
        } catch (InvalidRequestException $e) {
            self::assertSame(400, $e->getHttpStatus());
            self::assertSame('invalid_request_error', $e->getType());
            self::assertSame('parameter_invalid', $e->getErrorCode());
            self::assertSame('query', $e->getParam());
            self::assertStringContainsString($words, $e->getMessage());
            self::assertStringContainsString('character', $e->getMessage());
            self::assertStringStartsWith('req_', (string) $e->getRequestId());
        }
    }

    public function testASearchWithoutAQueryOrWithABadPage(): void
    {
        $shika = self::client();
        try {
            $shika->customers->search();
            self::fail('a search without a query was accepted');
        } catch (InvalidRequestException $e) {
            self::assertSame(['parameter_missing', 'query'], [$e->getErrorCode(), $e->getParam()]);
        }
        try {
            $shika->customers->search(['query' => 'name~"kwame"', 'page' => 'nope']);
            self::fail('a bad page token was accepted');
        } catch (InvalidRequestException $e) {
            self::assertSame(['parameter_invalid', 'page'], [$e->getErrorCode(), $e->getParam()]);
        }
    }

    public function testListPaymentsAndSubscriptionsOfACustomer(): void
    {
        $shika = self::client();
        $customer = $shika->customers->create(['email' => self::uniqueEmail('owner')]);
        $other = $shika->customers->create(['email' => self::uniqueEmail('other')]);
        $p1 = $shika->payments->create(['amount' => 1000, 'customer' => $customer->id]);
        $p2 = $shika->payments->create(['amount' => 2000, 'customer' => $customer->id]);
        $shika->payments->create(['amount' => 3000, 'customer' => $other->id]);
        $sub = $shika->subscriptions->create(['customer' => $customer->id, 'amount' => 500, 'interval' => 'month']);
        $shika->subscriptions->create(['customer' => $other->id, 'amount' => 500, 'interval' => 'month']);

        $payments = $shika->customers->listPayments($customer->id);
        self::assertSame("/v1/customers/{$customer->id}/payments", $payments->url);
        self::assertContainsOnlyInstancesOf(Payment::class, $payments->data);
        self::assertSame([$p2->id, $p1->id], array_map(static fn ($p) => $p->id, iterator_to_array($payments)));

        $subscriptions = $shika->customers->listSubscriptions($customer->id, ['limit' => 5]);
        self::assertContainsOnlyInstancesOf(Subscription::class, $subscriptions->data);
        self::assertSame([$sub->id], array_map(static fn ($s) => $s->id, iterator_to_array($subscriptions)));

        $this->expectException(InvalidRequestException::class);
        $shika->customers->listPayments('cus_doesnotexist000');
    }
}
