import { demoAdapter } from './demo-adapter.js';

describe("the demo's ADAPTER", () => {
  it('is Express by default, also when empty', () => {
    expect(demoAdapter({})).toBe('express');
    expect(demoAdapter({ ADAPTER: '' })).toBe('express');
  });

  it('is Fastify with ADAPTER=fastify, in any case and with stray spaces', () => {
    expect(demoAdapter({ ADAPTER: 'fastify' })).toBe('fastify');
    expect(demoAdapter({ ADAPTER: ' Fastify ' })).toBe('fastify');
    expect(demoAdapter({ ADAPTER: 'express' })).toBe('express');
  });

  it('refuses an adapter it does not know, saying what to use (no silent fallback to Express)', () => {
    expect(() => demoAdapter({ ADAPTER: 'koa' })).toThrow('ADAPTER=koa is not an adapter the demo runs on: use ADAPTER=express (the default) or ADAPTER=fastify.');
  });
});
