/**
 * Where an error happened: an HTTP request, a GraphQL resolver, a microservice message handler, a
 * WebSocket gateway, a scheduled job, a queue worker, an event listener, or the process's last net
 * (an unhandled rejection or uncaught exception). Stored as `error_logs.context_type`.
 */
export type ContextType = 'http' | 'graphql' | 'rpc' | 'ws' | 'job' | 'queue' | 'event' | 'process';

export const CONTEXT_TYPES: readonly ContextType[] = ['http', 'graphql', 'rpc', 'ws', 'job', 'queue', 'event', 'process'];
