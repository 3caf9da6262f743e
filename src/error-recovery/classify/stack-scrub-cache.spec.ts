import { scrubString } from '../common/scrub.js';
import { StackScrubCache } from './stack-scrub-cache.js';

const frames = [
  '    at connect (postgres://app:s3cret@db.internal:5432/app:10:5)',
  '    at Client.query (/app/node_modules/pg/lib/client.js:526:17)',
  '    at Orders.get (/app/src/orders.ts:10:3) token=abc123',
].join('\n');

describe('StackScrubCache', () => {
  it.each([
    ['a plain stack', `Error: boom 1\n${frames}`],
    ['a secret in the message', `Error: login failed password=hunter2 for Bearer abcDEF123\n${frames}`],
    ['a multi-line message ending in a key', `Error: config\napiKey: "k-123"\nsecret=\n${frames}`],
    ['a card number on the last message line', `Error: card 4111 1111 1111 1111\n${frames}`],
    ['no frames at all', 'Error: password=hunter2'],
    ['frames only', frames],
    ['a message with a line that looks like a frame', `Error: x\n  at password=hunter2\n${frames}`],
  ])('scrubs %s exactly as scrubString does', (_, stack) => {
    const cache = new StackScrubCache(10);
    expect(cache.scrub(stack)).toBe(scrubString(stack));
    expect(cache.scrub(stack)).toBe(scrubString(stack));
  });

  it('scrubs the frames of a shape once', () => {
    const cache = new StackScrubCache(10);
    const shape = `${'    at deep (/app/src/x.ts:1:1)\n'.repeat(50)}    at top (/app/src/y.ts:2:2)`;
    const first = cache.scrub(`Error: boom 1\n${shape}`);
    const secondShape = cache.scrub(`Error: boom 2\n${shape}`);
    expect(secondShape).toBe(first.replace('boom 1', 'boom 2'));
  });
});
