<?php

declare(strict_types=1);

namespace ShikaCreators\Tests;

use ShikaCreators\Collection;
use ShikaCreators\Customer;
use ShikaCreators\Exception\InvalidRequestException;
use ShikaCreators\ShikaCreatorsClient;
use ShikaCreators\Tests\Support\TestCase;

/**
 * The seed's PHP snippets (tests/fixtures/seed_snippets.php, copied verbatim) run as written
 * with `$shikacreators` in scope, then the rest of the seed's walk-through in its order.
 */
final class SeedTest extends TestCase
{
    private const FIXTURE = __DIR__ . '/fixtures/seed_snippets.php';
    /** The project's seed sits beside the repository (`../shared/`), where it is checked out. */
    private const SEED = __DIR__ . '/../../../../shared/seed/customers-api.txt';

    /**
     * Runs the fixture as the seed shows it: in a scope where `$shikacreators` is the client,
     * returning the variables it defined.
     *
     * @return array<string, mixed>
     */
    private static function runSnippets(ShikaCreatorsClient $shikacreators): array
    {
        include self::FIXTURE;
        $defined = get_defined_vars();
        unset($defined['shikacreators']);
        return $defined;
    }

    public function testTheFixtureIsTheSeedsTextVerbatim(): void
    {
        $fixture = (string) file_get_contents(self::FIXTURE);
        $code = substr($fixture, strpos($fixture, '$customer = '));
        self::assertStringStartsWith('$customer = $shikacreators->customers->create([', $code);
        if (!is_file(self::SEED)) {
            // The seed lives outside the repository; where it is present, hold the copy to it.
            self::assertStringEndsWith("]);\n", $code);
            return;
        }
        self::assertStringContainsString(rtrim($code), (string) file_get_contents(self::SEED));
    }

    public function testTheSeedsSnippetsRunAsWritten(): void
    {
        $shikacreators = self::client([], self::newApiKey()); // a merchant of its own: the list is known

        // Create (the seed's own PHP, verbatim).
        $customer = self::runSnippets($shikacreators)['customer'];
        self::assertInstanceOf(Customer::class, $customer);
        self::assertSame('customer@example.com', $customer->email);
        self::assertSame('John Doe', $customer->name);
        self::assertSame('0241234567', $customer->phone);
        self::assertSame(['user_id' => '123'], $customer->metadata->toArray());
        $id = $customer->id; // the server's id, where the seed's examples show cus_abc123def456

        // The seed shows the remaining steps in curl, JavaScript and Python only; in PHP, in its order:
        // retrieve,
        $retrieved = $shikacreators->customers->retrieve($id);
        self::assertSame($customer->toArray(), $retrieved->toArray());

        // update,
        $updated = $shikacreators->customers->update($id, [
            'name' => 'Jane Doe',
            'metadata' => ['vip' => 'true'],
        ]);
        self::assertSame('Jane Doe', $updated->name);
        self::assertSame(['user_id' => '123', 'vip' => 'true'], $updated->metadata->toArray());

        // list, and iterate through all customers,
        $customers = $shikacreators->customers->list([
            'limit' => 10,
        ]);
        self::assertInstanceOf(Collection::class, $customers);
        $visited = [];
        foreach ($shikacreators->customers->list() as $c) {
            $visited[] = $c->id;
        }
        self::assertSame([$id], $visited, 'the loop visited the customer');

        // the customer's payments and subscriptions,
        $payments = $shikacreators->payments->list([
            'customer' => $id,
        ]);
        self::assertSame([], $payments->data);
        $subscriptions = $shikacreators->subscriptions->list([
            'customer' => $id,
        ]);
        self::assertSame([], $subscriptions->data);

        // and delete, last.
        $deleted = $shikacreators->customers->delete($id);
        $fields = $deleted->toArray();
        ksort($fields); // the API's field order is not part of the contract
        self::assertSame(['deleted' => true, 'id' => $id, 'object' => 'customer'], $fields);
        $this->expectException(InvalidRequestException::class);
        $shikacreators->customers->retrieve($id);
    }
}
