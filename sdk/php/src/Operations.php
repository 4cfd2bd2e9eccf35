<?php

declare(strict_types=1);

namespace ShikaCreators;

/**
 * The one table of the API's surface: every operation (resource, method, HTTP method, path),
 * the service class of each resource, and the class of each object type. The services send
 * their requests from OPERATIONS, and the OpenAPI coverage test checks it against the server's
 * document both ways. A new resource is its rows here, a service class with one short method
 * per row, an object class, and a property on ShikaCreatorsClient.
 */
final class Operations
{
    /**
     * resource => method => [HTTP method, path template]; `{id}` takes the method's id argument.
     */
    public const OPERATIONS = [
        'customers' => [
            'create' => ['POST', '/v1/customers'],
            'retrieve' => ['GET', '/v1/customers/{id}'],
            'update' => ['PATCH', '/v1/customers/{id}'],
            'delete' => ['DELETE', '/v1/customers/{id}'],
            'list' => ['GET', '/v1/customers'],
            'search' => ['GET', '/v1/customers/search'],
            'listPayments' => ['GET', '/v1/customers/{id}/payments'],
            'listSubscriptions' => ['GET', '/v1/customers/{id}/subscriptions'],
        ],
        'payments' => [
            'create' => ['POST', '/v1/payments'],
            'retrieve' => ['GET', '/v1/payments/{id}'],
            'list' => ['GET', '/v1/payments'],
        ],
        'subscriptions' => [
            'create' => ['POST', '/v1/subscriptions'],
            'retrieve' => ['GET', '/v1/subscriptions/{id}'],
            'list' => ['GET', '/v1/subscriptions'],
            'cancel' => ['DELETE', '/v1/subscriptions/{id}'],
        ],
        'events' => [
            'retrieve' => ['GET', '/v1/events/{id}'],
            'list' => ['GET', '/v1/events'],
        ],
        'webhookEndpoints' => [
            'create' => ['POST', '/v1/webhook_endpoints'],
            'retrieve' => ['GET', '/v1/webhook_endpoints/{id}'],
            'update' => ['PATCH', '/v1/webhook_endpoints/{id}'],
            'delete' => ['DELETE', '/v1/webhook_endpoints/{id}'],
            'list' => ['GET', '/v1/webhook_endpoints'],
            'rollSecret' => ['POST', '/v1/webhook_endpoints/{id}/roll_secret'],
        ],
    ];

    /** resource => the service class the client exposes it as (`$shikacreators->customers`). */
    public const SERVICES = [
        'customers' => Service\CustomerService::class,
        'payments' => Service\PaymentService::class,
        'subscriptions' => Service\SubscriptionService::class,
        'events' => Service\EventService::class,
        'webhookEndpoints' => Service\WebhookEndpointService::class,
    ];

    /** The API's `object` value => the class its objects become; any other is a ShikaObject. */
    public const OBJECTS = [
        'customer' => Customer::class,
        'payment' => Payment::class,
        'subscription' => Subscription::class,
        'event' => Event::class,
        'webhook_endpoint' => WebhookEndpoint::class,
        'list' => Collection::class,
        'search_result' => SearchResult::class,
    ];
}
