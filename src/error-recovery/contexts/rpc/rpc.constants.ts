/*
 * What `@nestjs/microservices` (12.x) leaves on a handler, copied by value: the package is an
 * optional peer and is never imported by the module.
 */

/** `PATTERN_METADATA`: the handler's patterns (an array). */
export const PATTERN_METADATA = 'microservices:pattern';
/** `PATTERN_HANDLER_METADATA`: `PatternHandler.MESSAGE` or `PatternHandler.EVENT`. */
export const PATTERN_HANDLER_METADATA = 'microservices:handler_type';
/** `PatternHandler.MESSAGE`: `@MessagePattern()`, the caller waits for an answer. */
export const MESSAGE_HANDLER = 1;
/** `PatternHandler.EVENT`: `@EventPattern()`, nobody waits. */
export const EVENT_HANDLER = 2;
/** `RpcParamtype.PAYLOAD`: `@Payload()`. */
export const PAYLOAD_PARAM = 3;
/** `RpcParamtype.CONTEXT`: `@Ctx()`. */
export const CONTEXT_PARAM = 6;
