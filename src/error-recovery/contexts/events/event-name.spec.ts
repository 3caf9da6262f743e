import { listenedEvents } from './event-name.js';

describe('listenedEvents', () => {
  it('names the event of each @OnEvent() of a method', () => {
    expect(listenedEvents([{ event: 'order.created', options: {} }])).toBe('order.created');
    expect(listenedEvents([{ event: ['order', '*'] }])).toBe('order.*');
    expect(listenedEvents([{ event: Symbol('paid') }])).toBe('paid');
    expect(listenedEvents([{ event: 'a' }, { event: 'b' }, { event: 'a' }])).toBe('a | b');
  });

  it('is null for metadata it does not know', () => {
    expect(listenedEvents(undefined)).toBeNull();
    expect(listenedEvents([{ event: 7 }])).toBeNull();
    expect(listenedEvents('order.created')).toBeNull();
  });
});
