import type { Type } from '@nestjs/common';
import type { ContextAnswer, OperationIntegration } from '../capture/operation-integration.js';
import { EventListenerIntegration } from './events/event-listener.integration.js';
import { GraphqlAnswer } from './graphql/graphql.answer.js';
import { GraphqlIntegration } from './graphql/graphql.integration.js';
import { JobIntegration } from './jobs/job.integration.js';
import { QueueIntegration } from './queue/queue.integration.js';
import { RpcAnswer } from './rpc/rpc.answer.js';
import { RpcEventIntegration } from './rpc/rpc-event.integration.js';
import { RpcMessageIntegration } from './rpc/rpc-message.integration.js';
import { WsAnswer } from './ws/ws-answer.js';
import { WsGatewayIntegration } from './ws/ws-gateway.integration.js';

/**
 * The integrations of the contexts outside HTTP, as Nest providers of the module. Each reads only
 * metadata to recognise its package's work: none imports its package (optional peers).
 */
export const OPERATION_INTEGRATION_CLASSES: Type<OperationIntegration>[] = [GraphqlIntegration, RpcEventIntegration, RpcMessageIntegration, JobIntegration, QueueIntegration, EventListenerIntegration, WsGatewayIntegration];

/** How the filter answers `graphql`, `rpc` and `ws` hosts. */
export const CONTEXT_ANSWER_CLASSES: Type<ContextAnswer>[] = [GraphqlAnswer, RpcAnswer, WsAnswer];
