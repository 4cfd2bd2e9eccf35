<?php

declare(strict_types=1);

namespace ShikaCreators;

/**
 * What lists and searches share: a page of the API's answer that is also every object from it
 * on. `foreach` walks this page's `data`, then asks for the next page only when this one is used
 * up; `count()` and `data` are this page only. Each kind says how its next page is asked for.
 *
 * @template TObject of ShikaObject
 */
abstract class Page extends ShikaObject
{
    /** @var (\Closure(array<string, mixed>): static)|null fetches a page of the same kind */
    private ?\Closure $fetchPage = null;

    /** @var array<string, mixed> the parameters this page was asked for with */
    private array $params = [];

    /**
     * Lets the page fetch the next one: $fetchPage takes the parameters and returns the page.
     * Called by the services; a page built by hand walks only its own `data`.
     *
     * @internal
     * @param \Closure(array<string, mixed>): static $fetchPage
     * @param array<string, mixed> $params
     * @return $this
     */
    public function setPager(\Closure $fetchPage, array $params): static
    {
        $this->fetchPage = $fetchPage;
        $this->params = $params;
        return $this;
    }

    /**
     * The parameters that ask for the page after this one, from those this page was asked for
     * with; null when there is none.
     *
     * @param array<string, mixed> $params
     * @return array<string, mixed>|null
     */
    abstract protected function nextPageParams(array $params): ?array;

    /** Every object from this page on, fetching further pages as it goes. */
    public function getIterator(): \Generator
    {
        for ($page = $this; $page !== null; $page = $page->nextPage()) {
            foreach ($page->data ?? [] as $object) {
                yield $object;
            }
        }
    }

    /** The same as iterating the page itself (the name stripe-php users look for). */
    public function autoPagingIterator(): \Generator
    {
        return $this->getIterator();
    }

    /**
     * The next page, or null when this is the last one.
     *
     * @return static|null
     */
    public function nextPage(): ?static
    {
        if ($this->has_more !== true || $this->fetchPage === null) {
            return null;
        }
        $params = $this->nextPageParams($this->params);
        return $params === null ? null : ($this->fetchPage)($params);
    }

    /** The number of objects on this page (iterate to walk them all). */
    public function count(): int
    {
        return count($this->data ?? []);
    }

    /** Whether this page holds no objects. */
    public function isEmpty(): bool
    {
        return $this->count() === 0;
    }
}
