<?php

declare(strict_types=1);

namespace ShikaCreators\Tests;

use ShikaCreators\Subscription;
use ShikaCreators\Tests\Support\TestCase;

/** subscriptions: create, retrieve, list with the customer and status filters, cancel. */
final class SubscriptionsTest extends TestCase
{
    public function testCreateRetrieveListAndCancel(): void
    {
        $shika = self::client();
        $customer = $shika->customers->create(['email' => self::uniqueEmail('subscriber')]);
        $other = $shika->customers->create(['email' => self::uniqueEmail('other')]);
        $monthly = $shika->subscriptions->create(['customer' => $customer->id, 'amount' => 5000, 'interval' => 'month']);
        $weekly = $shika->subscriptions->create(['customer' => $customer->id, 'amount' => 900, 'interval' => 'week', 'metadata' => ['plan' => 'basic']]);
        $shika->subscriptions->create(['customer' => $other->id, 'amount' => 100, 'interval' => 'day']);

        self::assertInstanceOf(Subscription::class, $monthly);
        self::assertMatchesRegularExpression('/^sub_/', $monthly->id);
        self::assertSame('subscription', $monthly->object);
        self::assertSame($customer->id, $monthly->customer);
        self::assertSame('active', $monthly['status']);
        self::assertSame(5000, $monthly->amount);
        self::assertSame('GHS', $monthly->currency);
        self::assertSame('month', $monthly->interval);
        self::assertNull($monthly->canceled_at);
        self::assertNotNull($monthly->current_period_end);
        self::assertSame('basic', $weekly->metadata->plan);
        self::assertSame($monthly->toArray(), $shika->subscriptions->retrieve($monthly->id)->toArray());

        $ids = static fn (iterable $list): array => array_map(static fn ($s) => $s->id, [...$list]);
        self::assertSame([$weekly->id, $monthly->id], $ids($shika->subscriptions->list(['customer' => $customer->id])));

        $canceled = $shika->subscriptions->cancel($monthly->id);
        self::assertInstanceOf(Subscription::class, $canceled);
        self::assertSame($monthly->id, $canceled->id);
        self::assertSame('canceled', $canceled->status);
        self::assertNotNull($canceled->canceled_at);
        self::assertSame($canceled->toArray(), $shika->subscriptions->cancel($monthly->id)->toArray(), 'cancelling again changes nothing');

        self::assertSame([$monthly->id], $ids($shika->subscriptions->list(['customer' => $customer->id, 'status' => 'canceled'])));
        self::assertSame([$weekly->id], $ids($shika->subscriptions->list(['customer' => $customer->id, 'status' => 'active'])));
    }

    public function testDeletingACustomerCancelsItsSubscriptionsAndUnlinksItsPayments(): void
    {
        $shika = self::client();
        $customer = $shika->customers->create(['email' => self::uniqueEmail('leaving')]);
        $subscription = $shika->subscriptions->create(['customer' => $customer->id, 'amount' => 100, 'interval' => 'year']);
        $payment = $shika->payments->create(['amount' => 100, 'customer' => $customer->id]);

        self::assertTrue($shika->customers->delete($customer->id)->deleted);
        $after = $shika->subscriptions->retrieve($subscription->id);
        self::assertSame('canceled', $after->status);
        self::assertNotNull($after->canceled_at);
        self::assertNull($shika->payments->retrieve($payment->id)->customer);
    }
}
