// src/services/find-orders-service.ts
// template=service version=2a023f25 created=2026-01-02T03:04:05Z updated=
export interface FindOrdersServiceInput {
  readonly customerId: string;
}

/** What the service needs from the outside, injected for testability. */
export interface FindOrdersServiceDependencies {
}

/** Where the items come from (a repository, an API client...). */
export interface FindOrdersServiceSource<T> {
  list(criteria: FindOrdersServiceInput): Promise<T[]>;
}

export class FindOrdersService<T = unknown> {
  constructor(
    private readonly source: FindOrdersServiceSource<T>,
    private readonly deps: FindOrdersServiceDependencies,
  ) {}

  /** The items matching `criteria`, at most `limit` of them. */
  async query(criteria: FindOrdersServiceInput, limit = 100): Promise<T[]> {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
    void this.deps;
    const items = await this.source.list(criteria);
    return items.slice(0, limit);
  }
}
