<?php

declare(strict_types=1);

namespace ShikaCreators\Tests\Support;

/**
 * An HTTP receiver for the server's webhook deliveries, listening on 127.0.0.1 (a port of its
 * own) in the test's own process. It needs no thread or subprocess: while the test is busy
 * calling the API, the kernel accepts the server's connection and buffers its request, and
 * nextDelivery() takes it from there, waiting for it at most a deadline.
 */
final class WebhookReceiver
{
    /** @var resource */
    private $server;
    /** `http://127.0.0.1:<port>`, without a path */
    public readonly string $url;

    public function __construct()
    {
        $server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        if ($server === false) {
            throw new \RuntimeException("The webhook receiver cannot listen: $errstr");
        }
        $this->server = $server;
        $address = (string) stream_socket_get_name($server, false);
        $this->url = 'http://127.0.0.1:' . substr($address, strrpos($address, ':') + 1);
    }

    /**
     * The next request that comes, read whole and answered `204 No Content`; fails when none
     * came within $timeout seconds.
     *
     * @return array{method: string, target: string, headers: array<string, list<string>>, body: string}
     *         headers named as sent, each a list of its values (PSR-7's shape)
     */
    public function nextDelivery(float $timeout = 20.0): array
    {
        $deadline = microtime(true) + $timeout;
        $conn = @stream_socket_accept($this->server, $timeout);
        if ($conn === false) {
            throw new \RuntimeException("No webhook delivery came within $timeout s.");
        }
        try {
            $data = '';
            while (($end = strpos($data, "\r\n\r\n")) === false) {
                $data .= self::read($conn, $deadline);
            }
            $lines = explode("\r\n", substr($data, 0, $end));
            [$method, $target] = explode(' ', (string) array_shift($lines), 3);
            $headers = [];
            $length = null;
            foreach ($lines as $line) {
                [$name, $value] = array_map('trim', explode(':', $line, 2) + [1 => '']);
                $headers[$name][] = $value;
                if (strtolower($name) === 'content-length') {
                    $length = (int) $value;
                }
            }
            if ($length === null) {
                // The server sends its bodies whole, with their length: anything else is news.
                throw new \RuntimeException("The delivery $method $target has no Content-Length.");
            }
            $body = substr($data, $end + 4);
            while (strlen($body) < $length) {
                $body .= self::read($conn, $deadline);
            }
            fwrite($conn, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
            return ['method' => $method, 'target' => $target, 'headers' => $headers, 'body' => $body];
        } finally {
            fclose($conn);
        }
    }

    public function __destruct()
    {
        fclose($this->server);
    }

    /** @param resource $conn */
    private static function read($conn, float $deadline): string
    {
        $read = [$conn];
        $none = null;
        $left = max(0.0, $deadline - microtime(true));
        if (!@stream_select($read, $none, $none, (int) $left, (int) (($left - floor($left)) * 1_000_000))) {
            throw new \RuntimeException('The webhook delivery was not sent whole in time.');
        }
        $chunk = fread($conn, 65536);
        if ($chunk === false || $chunk === '') {
            throw new \RuntimeException('The server closed the connection in the middle of a delivery.');
        }
        return $chunk;
    }
}
