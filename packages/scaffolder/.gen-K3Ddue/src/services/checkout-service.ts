// src/services/checkout-service.ts
// template=service version=29330b4f created=2026-01-02T03:04:05Z updated=
export interface CheckoutServiceInput {
}

/** What the service needs from the outside, injected for testability. */
export interface CheckoutServiceDependencies {
  readonly payments: PaymentGateway;
}

/** Implemented outside this module; narrow it to what the service uses. */
export interface PaymentGateway {
  readonly name?: string;
}

export interface CheckoutServiceStep {
  name: string;
  run(input: CheckoutServiceInput, deps: CheckoutServiceDependencies): Promise<void>;
  /** Undoes `run` when a later step fails. */
  compensate?(input: CheckoutServiceInput, deps: CheckoutServiceDependencies): Promise<void>;
}

export type CheckoutServiceOutcome = { ok: true; completed: string[] } | { ok: false; failedStep: string; error: unknown; compensated: string[] };

/** The steps in the order they run. */
export const CHECKOUT_SERVICE_STEPS = ["reserve", "charge", "ship"] as const;

export class CheckoutService {
  constructor(
    private readonly steps: CheckoutServiceStep[],
    private readonly deps: CheckoutServiceDependencies,
  ) {}

  async run(input: CheckoutServiceInput): Promise<CheckoutServiceOutcome> {
    const done: CheckoutServiceStep[] = [];
    for (const step of this.steps) {
      try {
        await step.run(input, this.deps);
        done.push(step);
      } catch (error) {
        const compensated: string[] = [];
        for (const previous of done.reverse()) {
          if (!previous.compensate) continue;
          await previous.compensate(input, this.deps);
          compensated.push(previous.name);
        }
        return { ok: false, failedStep: step.name, error, compensated };
      }
    }
    return { ok: true, completed: done.map((s) => s.name) };
  }
}
