<?php

/**
 * A small HTTP proxy on 127.0.0.1 that the tests put between the client and the server, to
 * observe requests and to fail the way networks and gateways fail. It serves one connection at
 * a time (the client under test is single-threaded anyway) and closes each after one exchange.
 *
 * Usage: php proxy.php UPSTREAM_URL ACTION...
 * It prints `PORT <n>` once it listens, then, for each request and BEFORE acting on it, one JSON
 * line {"n", "action", "method", "target", "headers" (names lower-cased), "body"}: so by the
 * time the client has its answer (or gave up), the line of every request it sent is written.
 *
 * The n-th request gets the n-th ACTION; the last one repeats:
 *   forward  pass the request on and the answer back
 *   extend   forward, adding a field the client does not know to the JSON answer
 *   drop     pass the request on, read the server's answer, and close without replying
 *   503      answer 503 with an HTML page, as a failing gateway does
 *   429      answer a rate_limit_error with Retry-After: 1, as the server does
 *   hang     never answer: wait until the client gives up and closes the connection
 */

declare(strict_types=1);

[, $upstream] = $argv + [1 => ''];
$actions = array_slice($argv, 2) ?: ['forward'];
$up = parse_url($upstream);
if (!isset($up['host'], $up['port'])) {
    fwrite(STDERR, "usage: php proxy.php http://HOST:PORT ACTION...\n");
    exit(2);
}

$server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
if ($server === false) {
    fwrite(STDERR, "proxy: cannot listen: $errstr\n");
    exit(1);
}
$address = (string) stream_socket_get_name($server, false);
fwrite(STDOUT, 'PORT ' . substr($address, strrpos($address, ':') + 1) . "\n");
fflush(STDOUT);

for ($n = 0; ; ) {
    $client = @stream_socket_accept($server, -1);
    if ($client === false) {
        continue;
    }
    $request = read_request($client);
    if ($request === null) { // opened and closed without a request
        fclose($client);
        continue;
    }
    $action = $actions[min($n, count($actions) - 1)];
    $n++;
    fwrite(STDOUT, json_encode([
        'n' => $n,
        'action' => $action,
        'method' => $request['method'],
        'target' => $request['target'],
        'headers' => $request['headers'],
        'body' => $request['body'],
    ], JSON_UNESCAPED_SLASHES) . "\n");
    fflush(STDOUT);

    switch ($action) {
        case 'forward':
            write_all($client, forward($up['host'], $up['port'], $request));
            break;
        case 'extend':
            write_all($client, extend(forward($up['host'], $up['port'], $request)));
            break;
        case 'drop':
            forward($up['host'], $up['port'], $request); // the server did the work; the answer is lost
            break;
        case '503':
            write_all($client, response(503, 'Service Unavailable', 'text/html',
                "<html><body><h1>503 Service Unavailable</h1></body></html>\n"));
            break;
        case '429':
            write_all($client, response(429, 'Too Many Requests', 'application/json', json_encode(['error' => [
                'type' => 'rate_limit_error',
                'message' => 'Too many requests (from the test proxy).',
            ]]), ['Retry-After: 1']));
            break;
        case 'hang':
            // Read until the client closes: it has given up.
            while (!feof($client) && fread($client, 8192) !== '') {
            }
            break;
        default:
            fwrite(STDERR, "proxy: unknown action $action\n");
            exit(2);
    }
    fclose($client);
}

/** @return array{method: string, target: string, headers: array<string, string>, raw_headers: list<string>, body: string}|null */
function read_request($conn): ?array
{
    $data = '';
    while (($end = strpos($data, "\r\n\r\n")) === false) {
        $chunk = fread($conn, 8192);
        if ($chunk === false || $chunk === '') {
            return null;
        }
        $data .= $chunk;
    }
    $lines = explode("\r\n", substr($data, 0, $end));
    $body = substr($data, $end + 4);
    [$method, $target] = explode(' ', array_shift($lines), 3);
    $headers = [];
    foreach ($lines as $line) {
        [$name, $value] = explode(':', $line, 2) + [1 => ''];
        $headers[strtolower(trim($name))] = trim($value);
    }
    $length = (int) ($headers['content-length'] ?? 0);
    while (strlen($body) < $length) {
        $chunk = fread($conn, $length - strlen($body));
        if ($chunk === false || $chunk === '') {
            break;
        }
        $body .= $chunk;
    }
    return ['method' => $method, 'target' => $target, 'headers' => $headers, 'raw_headers' => $lines, 'body' => $body];
}

/** Sends the request upstream on a connection of its own and returns the raw answer. */
function forward(string $host, int $port, array $request): string
{
    $conn = stream_socket_client("tcp://$host:$port", $errno, $errstr, 10);
    if ($conn === false) {
        return response(502, 'Bad Gateway', 'text/plain', "proxy: $errstr\n");
    }
    $head = "{$request['method']} {$request['target']} HTTP/1.1\r\nHost: $host:$port\r\nConnection: close\r\n";
    foreach ($request['raw_headers'] as $line) {
        $name = strtolower(trim(explode(':', $line, 2)[0]));
        if (!in_array($name, ['host', 'connection', 'keep-alive'], true)) {
            $head .= $line . "\r\n";
        }
    }
    write_all($conn, $head . "\r\n" . $request['body']);
    $answer = (string) stream_get_contents($conn); // the server closes: Connection: close
    fclose($conn);
    return $answer;
}

/** The answer with `shika_future_field` added to its JSON object, as a newer server might. */
function extend(string $answer): string
{
    [$head, $body] = explode("\r\n\r\n", $answer, 2) + [1 => ''];
    $lines = explode("\r\n", $head);
    $kept = [];
    $chunked = false;
    foreach ($lines as $line) {
        $name = strtolower(trim(explode(':', $line, 2)[0]));
        $chunked = $chunked || ($name === 'transfer-encoding' && stripos($line, 'chunked') !== false);
        if (!in_array($name, ['content-length', 'transfer-encoding'], true)) {
            $kept[] = $line;
        }
    }
    if ($chunked) {
        $plain = '';
        while (preg_match('/^([0-9a-fA-F]+)[^\r]*\r\n/', $body, $m) && ($size = hexdec($m[1])) > 0) {
            $plain .= substr($body, strlen($m[0]), $size);
            $body = substr($body, strlen($m[0]) + $size + 2);
        }
        $body = $plain;
    }
    $json = json_decode($body, true);
    $json['shika_future_field'] = ['nested' => ['deep' => 'kept'], 'list' => [1, 2, 3]];
    $body = json_encode($json, JSON_UNESCAPED_SLASHES);
    return implode("\r\n", $kept) . "\r\nContent-Length: " . strlen($body) . "\r\n\r\n" . $body;
}

/** @param list<string> $extra */
function response(int $status, string $reason, string $type, string $body, array $extra = []): string
{
    return "HTTP/1.1 $status $reason\r\nContent-Type: $type\r\nContent-Length: " . strlen($body)
        . "\r\nConnection: close\r\n" . implode('', array_map(static fn ($h) => "$h\r\n", $extra)) . "\r\n" . $body;
}

function write_all($conn, string $data): void
{
    while ($data !== '') {
        $written = @fwrite($conn, $data);
        if ($written === false || $written === 0) {
            return; // the client is gone
        }
        $data = substr($data, $written);
    }
}
