import type { Type } from '@nestjs/common';
import type { ContextAnswer, OperationIntegration } from '../capture/operation-integration.js';
import { GraphqlAnswer } from './graphql/graphql.answer.js';
import { GraphqlIntegration } from './graphql/graphql.integration.js';

/**
 * The integrations of the contexts outside HTTP, as Nest providers of the module. Each reads only
 * metadata to recognise its package's work: none imports its package (optional peers).
 */
export const OPERATION_INTEGRATION_CLASSES: Type<OperationIntegration>[] = [GraphqlIntegration];

/** How the filter answers `graphql`, `rpc` and `ws` hosts. */
export const CONTEXT_ANSWER_CLASSES: Type<ContextAnswer>[] = [GraphqlAnswer];
