<?php

declare(strict_types=1);

namespace ShikaCreators;

use ShikaCreators\Exception\InvalidArgumentException;
use ShikaCreators\Exception\SignatureVerificationException;

/**
 * Verifies a webhook delivery and returns its event:
 *
 *     $event = \ShikaCreators\Webhook::constructEvent(
 *         file_get_contents('php://input'), getallheaders(), $endpointSecret);
 *
 * Deliveries follow Standard Webhooks (standardwebhooks.com): a POST whose body is the event's
 * JSON, with the headers `webhook-id` (the event's id), `webhook-timestamp` (Unix seconds of
 * the attempt) and `webhook-signature`, a space-separated list of
 * `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed with the base64-decoded part of
 * the endpoint's secret after `whsec_`. For 24 hours after a roll the list also holds a
 * signature by the old secret: one match is enough.
 */
final class Webhook
{
    /** Seconds the timestamp may be from now, either way (Standard Webhooks' five minutes). */
    public const DEFAULT_TOLERANCE = 300;

    private const SECRET_PREFIX = 'whsec_';

    private const HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];

    /**
     * Checks that one of the `v1` signatures is the body's under $secret (compared in constant
     * time) and that the timestamp is within $tolerance seconds of now, then parses the body.
     *
     * @param string|\Stringable $body the raw request body, byte for byte as it came:
     *        `file_get_contents('php://input')`, or a PSR-7 request's getBody(). JSON decoded and
     *        encoded again is other bytes, and fails
     * @param iterable<array-key, mixed> $headers the request's headers, names in any case:
     *        getallheaders(), $_SERVER (`HTTP_WEBHOOK_ID`), a PSR-7 request's getHeaders() or a
     *        Symfony HeaderBag (lists of values)
     * @param string $secret the endpoint's secret, `whsec_…` (or only the base64 after it)
     * @param int $tolerance seconds the timestamp may be before or after now
     * @throws SignatureVerificationException when the delivery cannot be trusted: do not act on
     *         it, answer 400
     */
    public static function constructEvent(
        string|\Stringable $body,
        iterable $headers,
        #[\SensitiveParameter] string $secret,
        int $tolerance = self::DEFAULT_TOLERANCE,
    ): Event {
        if ($tolerance < 1) {
            throw new InvalidArgumentException('The tolerance must be at least one second.');
        }
        $body = (string) $body;
        $values = self::webhookHeaders($headers);
        $sigHeader = isset($values['webhook-signature']) ? implode(' ', $values['webhook-signature']) : null;
        $fail = static fn (string $message): SignatureVerificationException
            => new SignatureVerificationException($message, $body, $sigHeader);

        foreach (self::HEADERS as $name) {
            if (!isset($values[$name])) {
                throw $fail("The delivery has no $name header: pass the request's headers as they came "
                    . "(getallheaders(), \$_SERVER, or a PSR-7 request's getHeaders()).");
            }
        }
        $id = self::single($values, 'webhook-id', $fail);
        $timestamp = self::single($values, 'webhook-timestamp', $fail);
        if (!ctype_digit($timestamp)) {
            throw $fail("The webhook-timestamp header is not Unix seconds: '$timestamp'.");
        }
        $key = base64_decode(str_starts_with($secret, self::SECRET_PREFIX)
            ? substr($secret, strlen(self::SECRET_PREFIX))
            : $secret, true);
        if ($key === false || $key === '') {
            throw $fail('The secret is not a webhook secret: it must be whsec_ followed by base64, as '
                . "webhookEndpoints->create() or rollSecret() answered it (the endpoint's, not an API key).");
        }

        $expected = base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", $key, true));
        $candidates = 0;
        $matched = false;
        foreach (preg_split('/\s+/', (string) $sigHeader, -1, PREG_SPLIT_NO_EMPTY) as $entry) {
            [$version, $signature] = explode(',', $entry, 2) + [1 => ''];
            // Other versions are other schemes (Standard Webhooks' v1a is asymmetric): not ours.
            if ($version === 'v1') {
                $candidates++;
                $matched = $matched || hash_equals($expected, $signature);
            }
        }
        if ($candidates === 0) {
            throw $fail("The webhook-signature header has no v1 signature: '$sigHeader'.");
        }
        if (!$matched) {
            throw $fail(($candidates === 1
                    ? 'The v1 signature of the webhook-signature header does not match'
                    : "None of the $candidates v1 signatures of the webhook-signature header matches")
                . " this body with this secret. Check that the secret is this endpoint's and that the "
                . "body is the raw request body (file_get_contents('php://input')), not JSON decoded "
                . 'and encoded again.');
        }

        // Checked once the signature holds, so that a forged delivery is never told it is only late.
        $age = time() - (int) $timestamp;
        if ($age > $tolerance) {
            throw $fail("The delivery was signed $age seconds ago, more than the tolerance of "
                . "$tolerance seconds: an old delivery replayed, or a clock far off.");
        }
        if (-$age > $tolerance) {
            $ahead = -$age;
            throw $fail("The delivery is signed $ahead seconds in the future, more than the tolerance "
                . "of $tolerance seconds: check this machine's clock.");
        }

        try {
            $event = ShikaObject::constructFrom(json_decode($body, false, 512, JSON_THROW_ON_ERROR));
        } catch (\JsonException $e) {
            throw $fail('The webhook body is signed but is not JSON: ' . $e->getMessage() . '.');
        }
        if (!$event instanceof Event) {
            throw $fail('The webhook body is signed but is not an event (a JSON object with "object": "event").');
        }
        return $event;
    }

    /**
     * The values of the three Standard Webhooks headers, by lower-case name, from whatever
     * shape the headers came in: a header named in any case, or $_SERVER's `HTTP_WEBHOOK_ID`;
     * a value a string or a list of strings (a header sent several times).
     *
     * @param iterable<array-key, mixed> $headers
     * @return array<string, list<string>>
     */
    private static function webhookHeaders(iterable $headers): array
    {
        $found = [];
        foreach ($headers as $name => $value) {
            $name = (string) $name;
            $name = preg_match('/^HTTP_[A-Z0-9_]+$/', $name)
                ? str_replace('_', '-', strtolower(substr($name, 5)))
                : strtolower($name);
            if (!in_array($name, self::HEADERS, true)) {
                continue;
            }
            foreach (is_array($value) ? $value : [$value] as $one) {
                if (is_string($one) && trim($one) !== '') {
                    $found[$name][] = trim($one);
                }
            }
        }
        return $found;
    }

    /**
     * The header's one value. The id and timestamp are signed: with two different ones there
     * is no telling which the signature is of. (The signature header may come several times,
     * its values then being one list.)
     *
     * @param array<string, list<string>> $values
     * @param \Closure(string): SignatureVerificationException $fail
     */
    private static function single(array $values, string $name, \Closure $fail): string
    {
        $distinct = array_values(array_unique($values[$name]));
        if (count($distinct) > 1) {
            throw $fail("The delivery has several different $name headers.");
        }
        return $distinct[0];
    }
}
