import { FingerprintCache } from './fingerprint.js';
import { scrubString } from '../common/scrub.js';
import type { Classification, ClassifierOptions } from './classification.interface.js';
import { answerFacts, fallbackClassification, rawStackOf } from './error-classifier.js';
import { StackScrubCache } from './stack-scrub-cache.js';

/** What a deferred classification remembers across errors: fingerprints and scrubbed frames by stack shape. */
export class ClassificationCaches {
  readonly fingerprints: FingerprintCache;
  readonly stacks: StackScrubCache;

  constructor(appRoot: string, maxShapes: number) {
    this.fingerprints = new FingerprintCache(appRoot, maxShapes);
    this.stacks = new StackScrubCache(maxShapes);
  }
}

/** `compute()`, or `fallback` should it ever throw: a field read later must not throw into its reader. */
function safely<T>(compute: () => T, fallback: T): T {
  try {
    return compute();
  } catch {
    return fallback;
  }
}

/** The raw stack, or undefined; a function of its own so that no closure below holds the thrown value. */
function readRawStack(error: unknown, options: ClassifierOptions): string | undefined {
  try {
    return rawStackOf(error, options);
  } catch {
    return undefined;
  }
}

/**
 * The same classification as `classifyError`, with only what the answer and the plan need computed
 * now (type, category, severity, status, transient, Retry-After, user message) and the raw message
 * and stack read. Scrubbing them and the fingerprint are done the first time they are read, once,
 * with the caches — by the writer's batch, or earlier by whoever needs them (an alert, a strategy,
 * details shown in development). Never throws.
 */
export function classifyDeferred(error: unknown, options: ClassifierOptions, caches: ClassificationCaches): Classification {
  let facts: ReturnType<typeof answerFacts>;
  try {
    facts = answerFacts(error, options);
  } catch {
    return fallbackClassification();
  }
  const { answer, rawMessage } = facts;
  // Read now, while the request is in hand: the thrown value is not kept. An unformatted stack holds
  // every frame's function and receiver, which a queue of thousands of errors must not keep alive.
  const rawStack = readRawStack(error, options);
  let message: string | undefined;
  let stack: { value: string | undefined } | undefined;
  let print: string | undefined;
  const scrubbedMessage = (): string => (message ??= safely(() => scrubString(rawMessage), ''));
  const scrubbedStack = (): string | undefined =>
    (stack ??= { value: rawStack === undefined ? undefined : safely(() => caches.stacks.scrub(rawStack), undefined) }).value;
  return {
    ...answer,
    get fingerprint(): string {
      return (print ??= safely(() => caches.fingerprints.fingerprint(answer.errorType, scrubbedMessage(), scrubbedStack()), fallbackClassification().fingerprint));
    },
    get message(): string {
      return scrubbedMessage();
    },
    get stack(): string | undefined {
      return scrubbedStack();
    },
  };
}
