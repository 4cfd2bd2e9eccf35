<?php

declare(strict_types=1);

namespace ShikaCreators;

/**
 * A page of a list (`object: "list"`, `data`, `has_more`, `url`) that is also the whole list:
 * `foreach ($shikacreators->customers->list() as $customer)` walks every object across all
 * pages in the API's order, asking for the next page only when this one is used up. Without a
 * cursor, or with `starting_after`, it walks towards older objects; when the first page was
 * asked for with `ending_before`, it walks towards newer pages, as the API does (each page
 * still newest first). `count()` and `data` are this page only.
 *
 * @template TObject of ShikaObject
 * @extends Page<TObject>
 * @property-read string $object always "list"
 * @property-read list<TObject> $data the objects on this page
 * @property-read bool $has_more whether more objects lie beyond this page, in the direction of travel
 * @property-read string $url the list's path, e.g. "/v1/customers"
 */
class Collection extends Page
{
    /**
     * Towards older objects (`starting_after` this page's last), or newer ones after
     * `ending_before` (this page's first).
     */
    protected function nextPageParams(array $params): ?array
    {
        $data = $this->data ?? [];
        if ($data === []) {
            return null;
        }
        if (isset($params['ending_before'])) {
            $params['ending_before'] = $data[0]->id;
        } else {
            unset($params['ending_before']);
            $params['starting_after'] = $data[count($data) - 1]->id;
        }
        return $params;
    }
}
