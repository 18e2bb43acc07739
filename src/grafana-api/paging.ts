/**
 * Reads every page of a paged Grafana list without trusting the server to page.
 *
 * Some 12.x list endpoints ignore `page`/`limit` when a feature toggle serves them from the app
 * platform (`kubernetesFolders`: GET /api/folders answers the whole list every time; CONTRACT "Found
 * against Grafana's source"). A client that asks for the next page while the previous one was full
 * would then loop forever. Rules, per answer:
 * - shorter than the page size: the last page;
 * - longer than the page size: the server ignored the limit and sent everything — done;
 * - exactly full: ask for the next page; if that page brings nothing new, the server ignores
 *   `page` while honouring the limit, so items beyond the first page are unreachable: throw
 *   (fail closed) instead of returning a silently truncated list.
 */
export class UnpageableListError extends Error {
  constructor(
    readonly path: string,
    readonly pageSize: number
  ) {
    super(
      `${path} answered the same ${pageSize} items for the next page: the server ignores paging and more than ${pageSize} items exist, so the list cannot be read completely. Check Grafana's feature toggles for this API (e.g. kubernetesFolders) or reduce the number of objects, then retry.`
    );
    this.name = 'UnpageableListError';
  }
}

export async function collectPages<T>(
  what: string,
  pageSize: number,
  fetchPage: (page: number) => Promise<T[]>,
  keyOf: (item: T) => string,
  firstPage = 1
): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  for (let page = firstPage; ; page++) {
    const batch = await fetchPage(page);
    const fresh = batch.filter((item) => !seen.has(keyOf(item)));
    if (page > firstPage && batch.length > 0 && fresh.length === 0) {
      throw new UnpageableListError(what, pageSize);
    }
    for (const item of fresh) {
      seen.add(keyOf(item));
      all.push(item);
    }
    if (batch.length !== pageSize) {
      return all;
    }
  }
}
