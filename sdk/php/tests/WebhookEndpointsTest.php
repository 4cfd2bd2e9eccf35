<?php

declare(strict_types=1);

namespace ShikaCreators\Tests;

use ShikaCreators\Collection;
use ShikaCreators\Customer;
use ShikaCreators\Event;
use ShikaCreators\Exception\InvalidRequestException;
use ShikaCreators\Exception\SignatureVerificationException;
use ShikaCreators\ShikaCreatorsClient;
use ShikaCreators\Tests\Support\TestCase;
use ShikaCreators\Tests\Support\WebhookReceiver;
use ShikaCreators\Webhook;
use ShikaCreators\WebhookEndpoint;

/**
 * webhookEndpoints: every method against the real server, and real deliveries to a receiver
 * in this process (the server must run with SHIKA_WEBHOOK_ALLOW_PRIVATE=1 to deliver to
 * 127.0.0.1), verified with Webhook::constructEvent() and, independently, with hash_hmac().
 */
final class WebhookEndpointsTest extends TestCase
{
    private const SECRET = '/^whsec_[A-Za-z0-9+\/]+={0,2}$/';

    /** @var list<array{ShikaCreatorsClient, string}> endpoints deleted after each test, so none is delivered to later */
    private array $endpoints = [];

    protected function tearDown(): void
    {
        foreach ($this->endpoints as [$shika, $id]) {
            try {
                $shika->webhookEndpoints->delete($id);
            } catch (InvalidRequestException) {
                // the test deleted it itself
            }
        }
        $this->endpoints = [];
        parent::tearDown();
    }

    /** @param array<string, mixed> $params */
    private function createEndpoint(ShikaCreatorsClient $shika, array $params): WebhookEndpoint
    {
        $endpoint = $shika->webhookEndpoints->create($params);
        self::assertInstanceOf(WebhookEndpoint::class, $endpoint);
        $this->endpoints[] = [$shika, $endpoint->id];
        return $endpoint;
    }

    /** @param list<string> $events */
    private function receiverEndpoint(ShikaCreatorsClient $shika, WebhookReceiver $receiver, array $events): WebhookEndpoint
    {
        try {
            return $this->createEndpoint($shika, ['url' => "{$receiver->url}/hook", 'enabled_events' => $events]);
        } catch (InvalidRequestException $e) {
            if ($e->getParam() === 'url') {
                self::fail('The server refuses to deliver to 127.0.0.1: run it with SHIKA_WEBHOOK_ALLOW_PRIVATE=1 '
                    . '(SHIKA_WEBHOOK_ALLOW_PRIVATE=1 end2end/with-server.sh sdk/php/test.sh). It said: ' . $e->getMessage());
            }
            throw $e;
        }
    }

    /** @param iterable<WebhookEndpoint> $endpoints @return list<string> */
    private static function ids(iterable $endpoints): array
    {
        $ids = [];
        foreach ($endpoints as $endpoint) {
            $ids[] = $endpoint->id;
        }
        return $ids;
    }

    public function testCreateRetrieveListUpdateDisableRollAndDelete(): void
    {
        $shika = self::client([], self::newApiKey()); // a merchant of its own: the full list is known
        $orders = $this->createEndpoint($shika, [
            'url' => 'https://example.com/hooks/orders',
            'enabled_events' => ['customer.*', 'payment.created'],
            'description' => 'Orders',
            'metadata' => ['team' => 'billing'],
        ]);
        self::assertMatchesRegularExpression('/^we_\w+$/', $orders->id);
        self::assertSame('webhook_endpoint', $orders->object);
        self::assertSame('https://example.com/hooks/orders', $orders->url);
        self::assertSame(['customer.*', 'payment.created'], $orders->enabled_events);
        self::assertSame('Orders', $orders['description']);
        self::assertSame('enabled', $orders->status);
        self::assertSame(['team' => 'billing'], $orders->metadata->toArray());
        self::assertMatchesRegularExpression('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/', $orders->created_at);
        self::assertMatchesRegularExpression(self::SECRET, $orders->secret);
        self::assertGreaterThanOrEqual(24, strlen((string) base64_decode(substr($orders->secret, 6), true)));

        $fetched = $shika->webhookEndpoints->retrieve($orders->id);
        self::assertInstanceOf(WebhookEndpoint::class, $fetched);
        self::assertNotContains('secret', $fetched->keys(), 'the secret is only in the answer to the create');
        self::assertEquals(array_diff_key($orders->toArray(), ['secret' => 0]), $fetched->toArray());

        $all = $this->createEndpoint($shika, ['url' => 'https://example.com/hooks/all', 'enabled_events' => ['*']]);
        self::assertNull($all->description);
        self::assertSame('{}', json_encode($all->metadata));
        self::assertNotSame($orders->secret, $all->secret);

        $page = $shika->webhookEndpoints->list();
        self::assertInstanceOf(Collection::class, $page);
        self::assertSame('/v1/webhook_endpoints', $page->url);
        self::assertContainsOnlyInstancesOf(WebhookEndpoint::class, $page->data);
        self::assertSame([$all->id, $orders->id], self::ids($page));
        self::assertSame([], array_filter($page->data, static fn (WebhookEndpoint $e): bool => isset($e->secret)), 'no secret in a list');
        self::assertSame([$all->id, $orders->id], self::ids($shika->webhookEndpoints->list(['limit' => 1])), 'across pages of one');

        $updated = $shika->webhookEndpoints->update($orders->id, [
            'url' => 'https://example.com/hooks/orders-v2',
            'enabled_events' => ['customer.deleted'],
            'description' => 'Orders, v2',
        ]);
        self::assertInstanceOf(WebhookEndpoint::class, $updated);
        self::assertSame('https://example.com/hooks/orders-v2', $updated->url);
        self::assertSame(['customer.deleted'], $updated->enabled_events);
        self::assertSame('Orders, v2', $updated->description);
        self::assertSame(['team' => 'billing'], $updated->metadata->toArray(), 'fields not sent stay');
        self::assertNull($updated->secret);
        self::assertGreaterThanOrEqual($orders->updated_at, $updated->updated_at);
        self::assertNull($shika->webhookEndpoints->update($orders->id, ['description' => null])->description, 'null clears it');

        $disabled = $shika->webhookEndpoints->update($orders->id, ['disabled' => true]);
        self::assertSame('disabled', $disabled->status);
        self::assertSame('disabled', $shika->webhookEndpoints->retrieve($orders->id)->status);
        self::assertSame('enabled', $shika->webhookEndpoints->update($orders->id, ['disabled' => false])->status);

        $rolled = $shika->webhookEndpoints->rollSecret($orders->id);
        self::assertInstanceOf(WebhookEndpoint::class, $rolled);
        self::assertSame($orders->id, $rolled->id);
        self::assertMatchesRegularExpression(self::SECRET, $rolled->secret);
        self::assertNotSame($orders->secret, $rolled->secret);
        self::assertNotContains('secret', $shika->webhookEndpoints->retrieve($orders->id)->keys());

        $deleted = $shika->webhookEndpoints->delete($orders->id);
        self::assertInstanceOf(WebhookEndpoint::class, $deleted);
        $fields = $deleted->toArray();
        ksort($fields);
        self::assertSame(['deleted' => true, 'id' => $orders->id, 'object' => 'webhook_endpoint'], $fields);
        try {
            $shika->webhookEndpoints->retrieve($orders->id);
            self::fail('a deleted endpoint was retrieved');
        } catch (InvalidRequestException $e) {
            self::assertSame(404, $e->getHttpStatus());
            self::assertSame('resource_missing', $e->getErrorCode());
        }
        self::assertSame([$all->id], self::ids($shika->webhookEndpoints->list()));
    }

    public function testEnabledEventsIsSentAsAListAndBadOnesAreRefusedNamingTheParameter(): void
    {
        $proxy = $this->proxy('forward');
        $shika = self::client(['base_url' => $proxy->url, 'max_network_retries' => 0]);
        $refused = static function (array $params) use ($shika): InvalidRequestException {
            try {
                $shika->webhookEndpoints->create($params);
            } catch (InvalidRequestException $e) {
                self::assertSame(400, $e->getHttpStatus());
                return $e;
            }
            self::fail('created an endpoint with ' . json_encode($params));
        };
        self::assertSame('enabled_events', $refused(['url' => 'https://example.com/h', 'enabled_events' => []])->getParam());
        self::assertSame('enabled_events', $refused(['url' => 'https://example.com/h', 'enabled_events' => ['customer.exploded']])->getParam());
        self::assertSame('url', $refused(['url' => 'ftp://example.com/h', 'enabled_events' => ['*']])->getParam());
        // The keys array_filter() leaves do not turn the list into a JSON object.
        $endpoint = $shika->webhookEndpoints->create(['url' => 'https://example.com/h', 'enabled_events' => array_filter(['', 'customer.created'])]);
        $this->endpoints[] = [self::client(), $endpoint->id]; // not through the proxy, stopped by then
        self::assertSame(['customer.created'], $endpoint->enabled_events);

        $bodies = array_column($proxy->finish(), 'body');
        self::assertCount(4, $bodies);
        self::assertStringContainsString('"enabled_events":[]', $bodies[0], 'sent as [], not {}');
        self::assertStringContainsString('"enabled_events":["customer.created"]', $bodies[3]);
    }

    /**
     * Receives one delivery and checks it as a receiver must: the signature of the raw body
     * and headers with the endpoint's secret. Returns the verified event.
     *
     * @param array{method: string, target: string, headers: array<string, list<string>>, body: string} $delivery
     */
    private static function assertSignedDelivery(array $delivery, string $secret): Event
    {
        self::assertSame('POST', $delivery['method']);
        self::assertSame('/hook', $delivery['target']);
        $headers = array_change_key_case(array_map(static fn (array $values): string => implode(' ', $values), $delivery['headers']));
        self::assertStringStartsWith('application/json', $headers['content-type']);

        $event = Webhook::constructEvent($delivery['body'], $delivery['headers'], $secret);
        self::assertSame($headers['webhook-id'], $event->id, 'webhook-id is the event id');
        self::assertEqualsWithDelta(time(), (int) $headers['webhook-timestamp'], 60);
        // Independently of the library, as Standard Webhooks defines it.
        $key = base64_decode(substr($secret, strlen('whsec_')), true);
        $expected = base64_encode(hash_hmac('sha256', "{$headers['webhook-id']}.{$headers['webhook-timestamp']}.{$delivery['body']}", (string) $key, true));
        self::assertContains("v1,$expected", explode(' ', $headers['webhook-signature']));
        return $event;
    }

    public function testADeliveryIsSignedAndCarriesTheEnabledEvent(): void
    {
        $shika = self::client([], self::newApiKey());
        $receiver = new WebhookReceiver();
        $endpoint = $this->receiverEndpoint($shika, $receiver, ['customer.created']);
        // An event the endpoint does not take, first: the delivery that comes must still be the customer's.
        $shika->payments->create(['amount' => 700]);
        $customer = $shika->customers->create(['name' => 'Kofi Delivered', 'email' => self::uniqueEmail('hook')]);

        $delivery = $receiver->nextDelivery(20);
        $event = self::assertSignedDelivery($delivery, $endpoint->secret);
        self::assertInstanceOf(Event::class, $event);
        self::assertSame('customer.created', $event->type);
        self::assertInstanceOf(Customer::class, $event->data->object);
        self::assertSame($customer->id, $event->data->object->id);
        self::assertEquals($customer->toArray(), $event->data->object->toArray());
        self::assertEquals($shika->events->retrieve($event->id)->toArray(), $event->toArray(), 'the event as the API has it');

        // The same delivery with another endpoint's secret, or a byte changed, is refused.
        $other = $this->createEndpoint($shika, ['url' => "{$receiver->url}/other", 'enabled_events' => ['customer.deleted']]);
        foreach ([[$delivery['body'], $other->secret], [$delivery['body'] . ' ', $endpoint->secret]] as [$body, $secret]) {
            try {
                Webhook::constructEvent($body, $delivery['headers'], $secret);
                self::fail('a delivery was verified with the wrong secret or body');
            } catch (SignatureVerificationException $e) {
                self::assertStringContainsString('does not match this body with this secret', $e->getMessage());
            }
        }
    }

    public function testAfterARollDeliveriesAreSignedWithTheNewAndTheOldSecret(): void
    {
        $shika = self::client([], self::newApiKey());
        $receiver = new WebhookReceiver();
        $endpoint = $this->receiverEndpoint($shika, $receiver, ['customer.*']);
        $rolled = $shika->webhookEndpoints->rollSecret($endpoint->id);
        $customer = $shika->customers->create(['name' => 'Rolled']);

        $delivery = $receiver->nextDelivery(20);
        $signatures = explode(' ', implode(' ', array_change_key_case($delivery['headers'])['webhook-signature']));
        self::assertCount(2, $signatures, 'one signature per secret');
        foreach ([$rolled->secret, $endpoint->secret] as $secret) {
            $event = self::assertSignedDelivery($delivery, $secret);
            self::assertSame($customer->id, $event->data->object->id);
        }
    }
}
