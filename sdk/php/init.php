<?php

/**
 * Loads the whole library without Composer: `require 'sdk/php/init.php';`. Every file under
 * src/ is listed here, parents before the classes that extend them (a test checks the list is
 * complete). With Composer, its PSR-4 autoloader does this instead.
 */

declare(strict_types=1);

require_once __DIR__ . '/src/Exception/ExceptionInterface.php';
require_once __DIR__ . '/src/Exception/InvalidArgumentException.php';
require_once __DIR__ . '/src/Exception/ShikaException.php';
require_once __DIR__ . '/src/Exception/ApiConnectionException.php';
require_once __DIR__ . '/src/Exception/ApiException.php';
require_once __DIR__ . '/src/Exception/AuthenticationException.php';
require_once __DIR__ . '/src/Exception/IdempotencyException.php';
require_once __DIR__ . '/src/Exception/InvalidRequestException.php';
require_once __DIR__ . '/src/Exception/RateLimitException.php';
require_once __DIR__ . '/src/Exception/SignatureVerificationException.php';

require_once __DIR__ . '/src/ShikaObject.php';
require_once __DIR__ . '/src/Page.php';
require_once __DIR__ . '/src/Collection.php';
require_once __DIR__ . '/src/SearchResult.php';
require_once __DIR__ . '/src/Customer.php';
require_once __DIR__ . '/src/Payment.php';
require_once __DIR__ . '/src/Subscription.php';
require_once __DIR__ . '/src/Event.php';
require_once __DIR__ . '/src/WebhookEndpoint.php';

require_once __DIR__ . '/src/Operations.php';
require_once __DIR__ . '/src/RequestOptions.php';
require_once __DIR__ . '/src/ApiRequestor.php';

require_once __DIR__ . '/src/Service/AbstractService.php';
require_once __DIR__ . '/src/Service/CustomerService.php';
require_once __DIR__ . '/src/Service/PaymentService.php';
require_once __DIR__ . '/src/Service/SubscriptionService.php';
require_once __DIR__ . '/src/Service/EventService.php';
require_once __DIR__ . '/src/Service/WebhookEndpointService.php';

require_once __DIR__ . '/src/Webhook.php';

require_once __DIR__ . '/src/ShikaCreatorsClient.php';
