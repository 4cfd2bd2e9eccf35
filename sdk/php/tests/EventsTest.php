<?php

declare(strict_types=1);

namespace ShikaCreators\Tests;

use ShikaCreators\Collection;
use ShikaCreators\Customer;
use ShikaCreators\Event;
use ShikaCreators\Exception\InvalidRequestException;
use ShikaCreators\Payment;
use ShikaCreators\Tests\Support\TestCase;

/** events: what a customer's changes record, listed with the type filter, and retrieved. */
final class EventsTest extends TestCase
{
    /** @param iterable<Event> $events @return list<string> */
    private static function types(iterable $events): array
    {
        $types = [];
        foreach ($events as $event) {
            $types[] = $event->type;
        }
        return $types;
    }

    public function testACustomersChangesAreEventsToListFilterAndRetrieve(): void
    {
        $shika = self::client([], self::newApiKey()); // a merchant of its own: every event is known
        $customer = $shika->customers->create(['name' => 'Ama', 'metadata' => ['tier' => 'gold']]);
        $updated = $shika->customers->update($customer->id, ['name' => 'Ama Mensah', 'metadata' => ['vip' => 'yes']]);
        $payment = $shika->payments->create(['amount' => 1000, 'customer' => $customer->id]);

        $page = $shika->events->list(['type' => 'customer.*']);
        self::assertInstanceOf(Collection::class, $page);
        self::assertSame('/v1/events', $page->url);
        self::assertFalse($page->has_more);
        self::assertContainsOnlyInstancesOf(Event::class, $page->data);
        self::assertSame(['customer.updated', 'customer.created'], self::types($page));
        [$updateEvent, $createEvent] = $page->data;

        self::assertMatchesRegularExpression('/^evt_\w+$/', $createEvent->id);
        self::assertSame('event', $createEvent->object);
        self::assertFalse($createEvent->livemode);
        self::assertMatchesRegularExpression('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/', $createEvent->created_at);
        self::assertInstanceOf(Customer::class, $createEvent->data->object);
        self::assertEquals($customer->toArray(), $createEvent->data->object->toArray(), 'the customer as create() answered it');
        self::assertNull($createEvent->data->previous_attributes, 'only updates have previous_attributes');

        self::assertEquals($updated->toArray(), $updateEvent->data->object->toArray(), 'the customer after the update');
        self::assertEquals(
            ['name' => 'Ama', 'metadata' => ['vip' => null], 'updated_at' => $customer->updated_at],
            $updateEvent->data->previous_attributes->toArray(),
            'the old value of each top-level field that changed; of metadata, only the changed keys (a new one as null)',
        );

        $retrieved = $shika->events->retrieve($createEvent->id);
        self::assertInstanceOf(Event::class, $retrieved);
        self::assertEquals($createEvent->toArray(), $retrieved->toArray());

        $payments = $shika->events->list(['type' => 'payment.created']);
        self::assertSame(['payment.created'], self::types($payments));
        self::assertInstanceOf(Payment::class, $payments->data[0]->data->object);
        self::assertSame($payment->id, $payments->data[0]->data->object->id);

        // Every event, newest first, across pages of one.
        self::assertSame(['payment.created', 'customer.updated', 'customer.created'], self::types($shika->events->list(['limit' => 1])));
        self::assertTrue($shika->events->list(['created' => ['gt' => new \DateTimeImmutable('+1 day')]])->isEmpty());
        self::assertTrue($shika->events->list(['type' => 'subscription.*'])->isEmpty());
    }

    public function testAnotherMerchantsEventsDoNotExist(): void
    {
        $mine = self::client([], self::newApiKey());
        $mine->customers->create(['name' => 'Mine']);
        $event = $mine->events->list()->data[0];
        try {
            self::client([], self::newApiKey())->events->retrieve($event->id);
            self::fail("another merchant's event was retrieved");
        } catch (InvalidRequestException $e) {
            self::assertSame(404, $e->getHttpStatus());
            self::assertSame('resource_missing', $e->getErrorCode());
        }
    }

    public function testATypeThatIsNeitherATypeNorAPrefixIsRefused(): void
    {
        foreach (['customer', 'customer*', '*.created'] as $type) {
            try {
                self::client()->events->list(['type' => $type]);
                self::fail("the type $type was accepted");
            } catch (InvalidRequestException $e) {
                self::assertSame(400, $e->getHttpStatus());
                self::assertSame('type', $e->getParam(), $type);
            }
        }
    }
}
