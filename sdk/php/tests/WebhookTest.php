<?php

declare(strict_types=1);

namespace ShikaCreators\Tests;

use ShikaCreators\Customer;
use ShikaCreators\Event;
use ShikaCreators\Exception\ExceptionInterface;
use ShikaCreators\Exception\InvalidArgumentException;
use ShikaCreators\Exception\ShikaException;
use ShikaCreators\Exception\SignatureVerificationException;
use ShikaCreators\ShikaObject;
use ShikaCreators\Tests\Support\TestCase;
use ShikaCreators\Webhook;

/**
 * Webhook::constructEvent() on deliveries signed here, by hash_hmac() as Standard Webhooks
 * describes it (not by the library), and on that specification's published test vector. No
 * server needed.
 */
final class WebhookTest extends TestCase
{
    private const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    private const OTHER_SECRET = 'whsec_c2VjcmV0LW9mLWFub3RoZXItZW5kcG9pbnQ=';
    private const ID = 'evt_1Kwame2Mensah3';
    // Non-ASCII on purpose: the signature is over the bytes, whatever their encoding means.
    private const BODY = '{"id":"evt_1Kwame2Mensah3","object":"event","type":"customer.created","livemode":false,'
        . '"created_at":"2024-01-15T10:00:00.123Z","data":{"object":{"id":"cus_1","object":"customer",'
        . '"name":"Ɛsi Owusu — Kumasi","metadata":{}}}}';

    /** `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the secret's bytes. */
    private static function sign(string $secret, string $id, int $timestamp, string $body): string
    {
        $key = base64_decode(substr($secret, strlen('whsec_')), true);
        return 'v1,' . base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", (string) $key, true));
    }

    /** @return array<string, string> the headers of a delivery of BODY signed now (or at $timestamp) */
    private static function headers(?int $timestamp = null, string $secret = self::SECRET, string $body = self::BODY): array
    {
        $timestamp ??= time();
        return [
            'webhook-id' => self::ID,
            'webhook-timestamp' => (string) $timestamp,
            'webhook-signature' => self::sign($secret, self::ID, $timestamp, $body),
        ];
    }

    /** Runs $verify, which must refuse the delivery with a message containing $words. */
    private static function assertRefused(string $words, callable $verify): SignatureVerificationException
    {
        try {
            $verify();
        } catch (SignatureVerificationException $e) {
            self::assertStringContainsString($words, $e->getMessage());
            return $e;
        }
        self::fail("the delivery was accepted; expected a refusal saying: $words");
    }

    public function testAValidDeliveryGivesItsEventAsObjects(): void
    {
        $event = Webhook::constructEvent(self::BODY, self::headers(), self::SECRET);
        self::assertInstanceOf(Event::class, $event);
        self::assertSame(self::ID, $event->id);
        self::assertSame('customer.created', $event['type']);
        self::assertFalse($event->livemode);
        self::assertInstanceOf(Customer::class, $event->data->object);
        self::assertSame('Ɛsi Owusu — Kumasi', $event->data->object->name);
        self::assertSame('{}', json_encode($event->data->object->metadata));
        self::assertSame(json_decode(self::BODY, true), $event->toArray());
    }

    public function testTheSecretMayBeGivenWithoutItsPrefix(): void
    {
        $event = Webhook::constructEvent(self::BODY, self::headers(), substr(self::SECRET, strlen('whsec_')));
        self::assertSame(self::ID, $event->id);
    }

    public function testTheStandardWebhooksTestVectorIsAccepted(): void
    {
        // The specification's vector is from 2021 and its body no event: a tolerance reaching back
        // to it, and a refusal that comes only after the signature matched.
        $headers = [
            'webhook-id' => 'msg_p5jXN8AQM9LWM0D4loKWxJek',
            'webhook-timestamp' => '1614265330',
            'webhook-signature' => 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
        ];
        self::assertSame($headers['webhook-signature'], self::sign(self::SECRET, $headers['webhook-id'], 1614265330, '{"test": 2432232314}'));
        $tolerance = time() - 1614265330 + 60;
        self::assertRefused('is signed but is not an event', static fn () => Webhook::constructEvent('{"test": 2432232314}', $headers, self::SECRET, $tolerance));
        self::assertRefused('this body with this secret', static fn () => Webhook::constructEvent('{"test": 2432232314}', $headers, self::OTHER_SECRET, $tolerance));
    }

    public function testATamperedBodyIsRefused(): void
    {
        $tampered = str_replace('"livemode":false', '"livemode":true', self::BODY);
        $e = self::assertRefused('this body with this secret', static fn () => Webhook::constructEvent($tampered, self::headers(), self::SECRET));
        self::assertStringContainsString('The v1 signature of the webhook-signature header does not match', $e->getMessage());
        self::assertSame($tampered, $e->getHttpBody());
        self::assertSame(self::headers()['webhook-signature'], $e->getSigHeader());
    }

    public function testABodyDecodedAndEncodedAgainIsRefused(): void
    {
        // The same JSON, other bytes: PHP escapes the non-ASCII and the slashes by default.
        $reencoded = (string) json_encode(json_decode(self::BODY));
        self::assertNotSame(self::BODY, $reencoded);
        self::assertRefused('not JSON decoded and encoded again', static fn () => Webhook::constructEvent($reencoded, self::headers(), self::SECRET));
    }

    public function testAStringableBodyIsReadAsItsBytes(): void
    {
        // As a PSR-7 request's getBody() is: a stream whose __toString() is the whole body.
        $stream = new class (self::BODY) implements \Stringable {
            public function __construct(private readonly string $bytes)
            {
            }

            public function __toString(): string
            {
                return $this->bytes;
            }
        };
        self::assertSame(self::ID, Webhook::constructEvent($stream, self::headers(), self::SECRET)->id);
        // A body in another encoding is other bytes, so not what was signed.
        $utf16 = (string) mb_convert_encoding(self::BODY, 'UTF-16LE', 'UTF-8');
        self::assertRefused('does not match this body', static fn () => Webhook::constructEvent($utf16, self::headers(), self::SECRET));
    }

    public function testAnotherEndpointsSecretIsRefused(): void
    {
        self::assertRefused('this body with this secret', static fn () => Webhook::constructEvent(self::BODY, self::headers(), self::OTHER_SECRET));
    }

    public function testASecretThatIsNoSecretIsRefused(): void
    {
        foreach (['', 'whsec_', 'whsec_not base64!', 'sk_test_abc123'] as $secret) {
            self::assertRefused('is not a webhook secret', static fn () => Webhook::constructEvent(self::BODY, self::headers(), $secret));
        }
    }

    public function testTimestampsFurtherThanTheToleranceEitherWayAreRefused(): void
    {
        self::assertSame(300, Webhook::DEFAULT_TOLERANCE);
        $now = time();
        // Just inside the five minutes, both ways (a second of slack for the clock ticking).
        self::assertSame(self::ID, Webhook::constructEvent(self::BODY, self::headers($now - 299), self::SECRET)->id);
        self::assertSame(self::ID, Webhook::constructEvent(self::BODY, self::headers($now + 299), self::SECRET)->id);

        $e = self::assertRefused('more than the tolerance of 300 seconds', static fn () => Webhook::constructEvent(self::BODY, self::headers($now - 400), self::SECRET));
        self::assertStringContainsString('ago', $e->getMessage());
        $e = self::assertRefused('more than the tolerance of 300 seconds', static fn () => Webhook::constructEvent(self::BODY, self::headers($now + 400), self::SECRET));
        self::assertStringContainsString('in the future', $e->getMessage());

        // The tolerance argument, both ways.
        self::assertSame(self::ID, Webhook::constructEvent(self::BODY, self::headers($now - 400), self::SECRET, 600)->id);
        self::assertRefused('more than the tolerance of 10 seconds', static fn () => Webhook::constructEvent(self::BODY, self::headers($now - 60), self::SECRET, 10));
        $this->expectException(InvalidArgumentException::class);
        Webhook::constructEvent(self::BODY, self::headers(), self::SECRET, 0);
    }

    public function testAForgedDeliveryIsToldItIsForgedNotThatItIsLate(): void
    {
        self::assertRefused('this body with this secret', static fn () => Webhook::constructEvent(self::BODY, self::headers(time() - 4000, self::OTHER_SECRET), self::SECRET));
    }

    public function testAMalformedTimestampIsRefused(): void
    {
        foreach (['2024-01-15T10:00:00Z', '-5', '1.5e9', '17000000 00'] as $timestamp) {
            $headers = ['webhook-timestamp' => $timestamp] + self::headers();
            self::assertRefused('The webhook-timestamp header is not Unix seconds', static fn () => Webhook::constructEvent(self::BODY, $headers, self::SECRET));
        }
    }

    public function testOneMatchingSignatureOfSeveralIsEnough(): void
    {
        // After a roll: the new secret's signature and the old one's. A receiver holding either
        // secret accepts; one holding neither refuses, saying how many it tried.
        $now = time();
        $new = self::sign(self::OTHER_SECRET, self::ID, $now, self::BODY);
        $old = self::sign(self::SECRET, self::ID, $now, self::BODY);
        $headers = ['webhook-signature' => "$new $old"] + self::headers($now);
        self::assertSame(self::ID, Webhook::constructEvent(self::BODY, $headers, self::SECRET)->id, 'only the second matches');
        self::assertSame(self::ID, Webhook::constructEvent(self::BODY, $headers, self::OTHER_SECRET)->id, 'only the first matches');
        $third = 'whsec_' . base64_encode(str_repeat('3', 24));
        self::assertRefused('None of the 2 v1 signatures', static fn () => Webhook::constructEvent(self::BODY, $headers, $third));

        // Other schemes' entries are passed over; so are extra spaces.
        $headers['webhook-signature'] = "v1a,AAAA  v2,BBBB \t$old ";
        self::assertSame(self::ID, Webhook::constructEvent(self::BODY, $headers, self::SECRET)->id);
        $headers['webhook-signature'] = 'v1a,' . substr($old, 3);
        self::assertRefused('has no v1 signature', static fn () => Webhook::constructEvent(self::BODY, $headers, self::SECRET));
        $headers['webhook-signature'] = substr($old, 3);
        self::assertRefused('has no v1 signature', static fn () => Webhook::constructEvent(self::BODY, $headers, self::SECRET));
    }

    public function testEachMissingHeaderIsNamed(): void
    {
        foreach (['webhook-id', 'webhook-timestamp', 'webhook-signature'] as $name) {
            $headers = self::headers();
            unset($headers[$name]);
            self::assertRefused("The delivery has no $name header", static fn () => Webhook::constructEvent(self::BODY, $headers, self::SECRET));
            $headers[$name] = '   ';
            self::assertRefused("The delivery has no $name header", static fn () => Webhook::constructEvent(self::BODY, $headers, self::SECRET));
        }
        $e = self::assertRefused('The delivery has no webhook-id header', static fn () => Webhook::constructEvent(self::BODY, [], self::SECRET));
        self::assertNull($e->getSigHeader());
    }

    public function testHeaderNamesInAnyCaseAndTheShapesPhpGivesThem(): void
    {
        $headers = self::headers();
        $shapes = [
            'getallheaders()' => ['Webhook-Id' => $headers['webhook-id'], 'Webhook-Timestamp' => $headers['webhook-timestamp'],
                'Webhook-Signature' => $headers['webhook-signature'], 'Content-Type' => 'application/json'],
            'upper case' => array_change_key_case($headers, CASE_UPPER),
            '$_SERVER' => ['HTTP_WEBHOOK_ID' => $headers['webhook-id'], 'HTTP_WEBHOOK_TIMESTAMP' => $headers['webhook-timestamp'],
                'HTTP_WEBHOOK_SIGNATURE' => $headers['webhook-signature'], 'REQUEST_METHOD' => 'POST', 'argv' => []],
            'PSR-7 getHeaders()' => ['Webhook-Id' => [$headers['webhook-id']], 'webhook-TIMESTAMP' => [$headers['webhook-timestamp']],
                'Webhook-Signature' => [$headers['webhook-signature']]],
            'a Traversable (Symfony HeaderBag)' => new \ArrayIterator(array_map(static fn (string $v): array => [$v], $headers)),
        ];
        foreach ($shapes as $shape => $given) {
            self::assertSame(self::ID, Webhook::constructEvent(self::BODY, $given, self::SECRET)->id, $shape);
        }

        // A signature header sent twice is one list; two different ids leave nothing to check.
        $old = self::sign(self::OTHER_SECRET, self::ID, (int) $headers['webhook-timestamp'], self::BODY);
        $twice = ['webhook-signature' => [$old, $headers['webhook-signature']]] + $headers;
        self::assertSame(self::ID, Webhook::constructEvent(self::BODY, $twice, self::SECRET)->id);
        $twoIds = ['Webhook-Id' => 'evt_other', 'webhook-id' => self::ID] + $headers;
        self::assertRefused('several different webhook-id headers', static fn () => Webhook::constructEvent(self::BODY, $twoIds, self::SECRET));
        // The same value given twice, as a framework may, is one value.
        $sameTwice = ['webhook-id' => [self::ID, self::ID]] + $headers;
        self::assertSame(self::ID, Webhook::constructEvent(self::BODY, $sameTwice, self::SECRET)->id);
    }

    public function testASignedBodyThatIsNoEventIsRefused(): void
    {
        foreach (['not json' => 'is signed but is not JSON', '' => 'is signed but is not JSON',
            '[1,2]' => 'is signed but is not an event', '{"object":"customer","id":"cus_1"}' => 'is signed but is not an event'] as $body => $words) {
            $body = (string) $body;
            self::assertRefused($words, static fn () => Webhook::constructEvent($body, self::headers(body: $body), self::SECRET));
        }
    }

    public function testTheExceptionIsTheLibrarysButNoApiError(): void
    {
        $e = self::assertRefused('does not match', static fn () => Webhook::constructEvent(self::BODY, self::headers(), self::OTHER_SECRET));
        self::assertInstanceOf(ExceptionInterface::class, $e);
        self::assertNotInstanceOf(ShikaException::class, $e);
        self::assertStringNotContainsString(substr(self::OTHER_SECRET, 6), $e->getMessage() . $e->getTraceAsString());
        self::assertInstanceOf(ShikaObject::class, Webhook::constructEvent(self::BODY, self::headers(), self::SECRET));
    }
}
