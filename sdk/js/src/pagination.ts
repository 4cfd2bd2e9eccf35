// Lists and searches: the page object the API answers, made async-iterable over every object of
// every page, and `ListPromise` / `SearchPromise`, what `list()` / `search()` return — a Promise
// of the first page that is also async-iterable, fetching further pages only as the loop needs
// them. Lists move by object id (`starting_after`, `ending_before`), searches by the `next_page`
// token of each answer (sent back as `page`), as in stripe-node.

import type { LastResponse } from './http.js';

/** The API's list envelope. */
export interface ListEnvelope<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/**
 * One page of a list, as the API sent it (unknown fields kept), plus `for await` over every object
 * from this page on, and the non-enumerable `lastResponse`.
 */
export type ListPage<T> = ListEnvelope<T> &
  AsyncIterable<T> & {
    readonly lastResponse: LastResponse;
  };

/** Fetches one page; `cursor` is `{starting_after}` or `{ending_before}` (none for the first). */
export type PageFetcher<T> = (cursor: { starting_after?: string; ending_before?: string }) => Promise<ListPage<T>>;

/**
 * Walks every object from `first` on. Forward by default (`starting_after` = the last id of the
 * page); when the first page was asked for with `ending_before`, the walk goes towards newer
 * objects as the API does (`ending_before` = the first id of the page), each page still yielded
 * in the API's order.
 */
async function* walk<T extends { id: string }>(
  first: ListEnvelope<T>,
  backwards: boolean,
  fetchPage: PageFetcher<T>,
): AsyncGenerator<T, void, undefined> {
  let page: ListEnvelope<T> = first;
  for (;;) {
    yield* page.data;
    if (!page.has_more || page.data.length === 0) return;
    page = await fetchPage(
      backwards
        ? { ending_before: page.data[0]!.id }
        : { starting_after: page.data[page.data.length - 1]!.id },
    );
  }
}

/** Turns a list body into a `ListPage`: adds the iterator and `lastResponse`, non-enumerable. */
export function makePage<T extends { id: string }>(
  body: ListEnvelope<T>,
  lastResponse: LastResponse,
  backwards: boolean,
  fetchPage: PageFetcher<T>,
): ListPage<T> {
  Object.defineProperty(body, Symbol.asyncIterator, {
    value: () => walk(body, backwards, fetchPage),
    enumerable: false,
  });
  Object.defineProperty(body, 'lastResponse', { value: lastResponse, enumerable: false });
  return body as ListPage<T>;
}

/** The API's search envelope: a page of matches and the token of the next page. */
export interface SearchEnvelope<T> {
  object: 'search_result';
  data: T[];
  has_more: boolean;
  /** The `page` that asks for the next page of the same search; null on the last page. */
  next_page: string | null;
  url: string;
}

/**
 * One page of a search, as the API sent it (unknown fields kept), plus `for await` over every
 * match from this page on, and the non-enumerable `lastResponse`.
 */
export type SearchPage<T> = SearchEnvelope<T> &
  AsyncIterable<T> & {
    readonly lastResponse: LastResponse;
  };

/** Fetches the search page that `page` (a previous answer's `next_page`) names. */
export type SearchPageFetcher<T> = (page: string) => Promise<SearchPage<T>>;

/** Walks every match from `first` on, following `next_page` until the API says there is none. */
async function* walkSearch<T>(
  first: SearchEnvelope<T>,
  fetchPage: SearchPageFetcher<T>,
): AsyncGenerator<T, void, undefined> {
  let page: SearchEnvelope<T> = first;
  for (;;) {
    yield* page.data;
    if (!page.has_more || typeof page.next_page !== 'string' || page.next_page === '') return;
    page = await fetchPage(page.next_page);
  }
}

/** Turns a search body into a `SearchPage`: adds the iterator and `lastResponse`, non-enumerable. */
export function makeSearchPage<T>(
  body: SearchEnvelope<T>,
  lastResponse: LastResponse,
  fetchPage: SearchPageFetcher<T>,
): SearchPage<T> {
  Object.defineProperty(body, Symbol.asyncIterator, {
    value: () => walkSearch(body, fetchPage),
    enumerable: false,
  });
  Object.defineProperty(body, 'lastResponse', { value: lastResponse, enumerable: false });
  return body as SearchPage<T>;
}

/**
 * What `list()` and `search()` share: `await` it for the first page, or `for await` over it for
 * every object of every page. It is lazy: no request goes out until it is awaited or iterated,
 * and both share the one first request. It is a real Promise (`instanceof Promise`), whose
 * `then` starts the request.
 */
export abstract class PagePromise<P extends AsyncIterable<T>, T> extends Promise<P> implements AsyncIterable<T> {
  // `then` on a PagePromise makes a plain Promise, not another (lazy) one.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  #fetchFirst: () => Promise<P>;
  #first: Promise<P> | undefined;
  #settle: (first: Promise<P>) => void;
  #linked = false;

  constructor(fetchFirst: () => Promise<P>) {
    let settle!: (first: Promise<P>) => void;
    super((resolve) => {
      settle = resolve;
    });
    this.#settle = settle;
    this.#fetchFirst = fetchFirst;
  }

  #firstPage(): Promise<P> {
    this.#first ??= this.#fetchFirst();
    return this.#first;
  }

  override then<R1 = P, R2 = never>(
    onfulfilled?: ((value: P) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    // Link this promise to the request only once someone listens, so that a list that is only
    // iterated leaves no unhandled rejection behind.
    if (!this.#linked) {
      this.#linked = true;
      this.#settle(this.#firstPage());
    }
    return super.then(onfulfilled, onrejected);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const first = this.#firstPage();
    return (async function* () {
      yield* await first;
    })();
  }

  /** Collects objects across pages into an array, stopping after `limit` of them. */
  async autoPagingToArray({ limit }: { limit: number }): Promise<T[]> {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new TypeError('autoPagingToArray needs a positive integer `limit`.');
    }
    const items: T[] = [];
    for await (const item of this) {
      items.push(item);
      if (items.length >= limit) break;
    }
    return items;
  }
}

/**
 * What `list()` returns: `await` it for the first page (a `ListPage`), or `for await` over it
 * for every object, the next page asked for with `starting_after` (or `ending_before`).
 */
export class ListPromise<T extends { id: string }> extends PagePromise<ListPage<T>, T> {}

/**
 * What `search()` returns: `await` it for the first page (a `SearchPage`), or `for await` over
 * it for every match, the next page asked for with `page` = the previous answer's `next_page`.
 */
export class SearchPromise<T> extends PagePromise<SearchPage<T>, T> {}
