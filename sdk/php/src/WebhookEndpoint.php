<?php

declare(strict_types=1);

namespace ShikaCreators;

/**
 * A webhook endpoint (`we_…`): a URL that receives the events of `enabled_events`, signed with
 * its secret. `secret` is only in the answers of `create()` and `rollSecret()`: keep it then.
 * `webhookEndpoints->delete()` answers one with only `id`, `object` and `deleted: true`.
 *
 * @property-read string $id
 * @property-read string $object "webhook_endpoint"
 * @property-read string $url
 * @property-read list<string> $enabled_events event types, `resource.*` prefixes or "*"
 * @property-read string|null $description
 * @property-read string $status "enabled" or "disabled"
 * @property-read ShikaObject $metadata
 * @property-read string $created_at
 * @property-read string $updated_at
 * @property-read string|null $secret "whsec_…", in the answers of create() and rollSecret() only
 * @property-read bool|null $deleted true on the answer of delete()
 */
class WebhookEndpoint extends ShikaObject
{
}
