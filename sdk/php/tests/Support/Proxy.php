<?php

declare(strict_types=1);

namespace ShikaCreators\Tests\Support;

/**
 * Runs tests/proxy.php as a subprocess (PHP has no threads to run it in) and reads what it
 * reports. Readiness is its `PORT <n>` line, not a delay; each request it received is a JSON
 * line written before it acted, so once a client call has returned, its lines are all there.
 */
final class Proxy
{
    /** How long to wait for a line the proxy must already have written, before failing. */
    private const DEADLINE_SECONDS = 15;

    /** @var resource */
    private $process;
    /** @var resource */
    private $stdout;
    public readonly string $url;

    /** @param string ...$actions see tests/proxy.php: forward, extend, drop, 503, 429, hang */
    public function __construct(string $upstream, string ...$actions)
    {
        $process = proc_open(
            [PHP_BINARY, __DIR__ . '/../proxy.php', $upstream, ...$actions],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR],
            $pipes,
        );
        if ($process === false) {
            throw new \RuntimeException('Cannot start tests/proxy.php');
        }
        fclose($pipes[0]);
        $this->process = $process;
        $this->stdout = $pipes[1];
        $line = $this->readLine();
        if ($line === null || !preg_match('/^PORT (\d+)$/', $line, $m)) {
            throw new \RuntimeException('tests/proxy.php did not report its port: ' . var_export($line, true));
        }
        $this->url = 'http://127.0.0.1:' . $m[1];
    }

    /**
     * The next request the proxy received.
     *
     * @return array{n: int, action: string, method: string, target: string, headers: array<string, string>, body: string}
     */
    public function nextRequest(): array
    {
        $line = $this->readLine();
        if ($line === null) {
            throw new \RuntimeException('The proxy reported no further request.');
        }
        return json_decode($line, true, 512, JSON_THROW_ON_ERROR);
    }

    /**
     * Stops the proxy and returns every request it received that was not read yet: the
     * complete rest, since lines are written before the proxy answers.
     *
     * @return list<array{n: int, action: string, method: string, target: string, headers: array<string, string>, body: string}>
     */
    public function finish(): array
    {
        $this->stop();
        $requests = [];
        while (($line = $this->readLine()) !== null) {
            $requests[] = json_decode($line, true, 512, JSON_THROW_ON_ERROR);
        }
        return $requests;
    }

    public function stop(): void
    {
        if (is_resource($this->process) && proc_get_status($this->process)['running']) {
            proc_terminate($this->process);
        }
    }

    public function __destruct()
    {
        $this->stop();
        fclose($this->stdout);
        proc_close($this->process); // reaps it (it is terminated, so this does not block)
    }

    private function readLine(): ?string
    {
        $read = [$this->stdout];
        $none = null;
        if (!@stream_select($read, $none, $none, self::DEADLINE_SECONDS)) {
            throw new \RuntimeException('The proxy wrote nothing within ' . self::DEADLINE_SECONDS . ' s.');
        }
        $line = fgets($this->stdout);
        return $line === false ? null : rtrim($line, "\n");
    }
}
