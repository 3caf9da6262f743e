import { FingerprintCache } from '../capture/fingerprint.js';
import { scrubString } from '../capture/scrub.js';
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

/**
 * The same classification as `classifyError`, with only what the answer and the plan need computed
 * now (type, category, severity, status, transient, Retry-After, user message). The scrubbed message,
 * the scrubbed stack and the fingerprint are computed the first time they are read, once, with the
 * caches — by the writer's batch, or earlier by whoever needs them (an alert, a strategy, details
 * shown in development). The thrown value is read for its stack only then. Never throws.
 */
export function classifyDeferred(error: unknown, options: ClassifierOptions, caches: ClassificationCaches): Classification {
  let facts: ReturnType<typeof answerFacts>;
  try {
    facts = answerFacts(error, options);
  } catch {
    return fallbackClassification();
  }
  const { answer, rawMessage } = facts;
  let message: string | undefined;
  let stack: { value: string | undefined } | undefined;
  let print: string | undefined;
  const scrubbedMessage = (): string => (message ??= safely(() => scrubString(rawMessage), ''));
  const scrubbedStack = (): string | undefined =>
    (stack ??= {
      value: safely(() => {
        const raw = rawStackOf(error, options);
        return raw === undefined ? undefined : caches.stacks.scrub(raw);
      }, undefined),
    }).value;
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
