<?php

declare(strict_types=1);

namespace ShikaCreators\Tests;

use ShikaCreators\Exception\InvalidRequestException;
use ShikaCreators\Payment;
use ShikaCreators\Tests\Support\TestCase;

/** payments: create, retrieve, list with the customer filter. */
final class PaymentsTest extends TestCase
{
    public function testCreateRetrieveAndListByCustomer(): void
    {
        $shika = self::client([], self::newApiKey()); // a merchant of its own: the full list is known
        $customer = $shika->customers->create(['email' => self::uniqueEmail('payer')]);
        $payment = $shika->payments->create([
            'amount' => 2500,
            'currency' => 'ghs',
            'customer' => $customer->id,
            'description' => 'Two tickets',
            'metadata' => ['order' => 'A-17'],
        ]);
        self::assertInstanceOf(Payment::class, $payment);
        self::assertMatchesRegularExpression('/^pay_/', $payment->id);
        self::assertSame('payment', $payment['object']);
        self::assertSame(2500, $payment->amount);
        self::assertSame('GHS', $payment->currency);
        self::assertSame($customer->id, $payment->customer);
        self::assertSame('Two tickets', $payment->description);
        self::assertSame('succeeded', $payment->status);
        self::assertSame('A-17', $payment->metadata['order']);

        self::assertSame($payment->toArray(), $shika->payments->retrieve($payment->id)->toArray());

        $unlinked = $shika->payments->create(['amount' => 99]);
        self::assertNull($unlinked->customer);
        self::assertSame('GHS', $unlinked->currency, 'currency defaults to GHS');

        $mine = $shika->payments->list(['customer' => $customer->id]);
        self::assertSame('/v1/payments', $mine->url);
        self::assertSame([$payment->id], array_map(static fn ($p) => $p->id, iterator_to_array($mine)));
        $all = array_map(static fn ($p) => $p->id, iterator_to_array($shika->payments->list(['limit' => 1])));
        self::assertSame([$unlinked->id, $payment->id], $all, 'newest first, across pages of one');
    }

    public function testTheSameIdempotencyKeyAndBodyReplaysTheFirstPayment(): void
    {
        $shika = self::client();
        $key = 'order-' . bin2hex(random_bytes(8));
        $first = $shika->payments->create(['amount' => 700], ['idempotency_key' => $key]);
        $again = $shika->payments->create(['amount' => 700], ['idempotency_key' => $key]);
        self::assertSame($first->id, $again->id);
        $other = $shika->payments->create(['amount' => 700]);
        self::assertNotSame($first->id, $other->id, 'without the key, a new payment');
    }

    public function testAnUnknownCustomerIsRefused(): void
    {
        try {
            self::client()->payments->create(['amount' => 100, 'customer' => 'cus_doesnotexist000']);
            self::fail('a payment for an unknown customer was made');
        } catch (InvalidRequestException $e) {
            self::assertSame(400, $e->getHttpStatus());
            self::assertSame('resource_missing', $e->getErrorCode());
            self::assertSame('customer', $e->getParam());
        }
    }
}
