// src/services/create-order-service.ts
// template=service version=21347ded created=2026-01-02T03:04:05Z updated=
/**
 * Places an order
 *
 * @module
 */
export interface CreateOrderServiceInput {
  readonly orderId: string;
}

/** What the service needs from the outside, injected for testability. */
export interface CreateOrderServiceDependencies {
  readonly orders: OrderRepository;
}

/** Implemented outside this module; narrow it to what the service uses. */
export interface OrderRepository {
  readonly name?: string;
}

export type CreateOrderServiceResult = { ok: true } | { ok: false; problems: string[] };

export class CreateOrderService {
  constructor(private readonly deps: CreateOrderServiceDependencies) {}

  /** Validates the command and performs it. */
  async execute(command: CreateOrderServiceInput): Promise<CreateOrderServiceResult> {
    const problems = this.validate(command);
    if (problems.length > 0) return { ok: false, problems };
    await this.perform(command);
    return { ok: true };
  }

  protected validate(command: CreateOrderServiceInput): string[] {
    const problems: string[] = [];
    if (command === null || typeof command !== 'object') problems.push('the command must be an object');
    return problems;
  }

  /** The effect of the command, through the injected dependencies. */
  protected async perform(command: CreateOrderServiceInput): Promise<void> {
    void command;
    void this.deps;
  }
}
