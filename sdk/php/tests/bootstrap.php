<?php

/**
 * PHPUnit's bootstrap: the library through init.php (the no-Composer path users take), then
 * the tests' support classes.
 */

declare(strict_types=1);

require __DIR__ . '/../init.php';
require __DIR__ . '/Support/Proxy.php';
require __DIR__ . '/Support/TestCase.php';
require __DIR__ . '/Support/WebhookReceiver.php';
