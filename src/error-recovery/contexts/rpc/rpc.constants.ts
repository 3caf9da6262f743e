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
/** `TRANSPORT_METADATA`: the transport a handler is bound to, when it names one. */
export const TRANSPORT_METADATA = 'microservices:transport';
/** `Transport.GRPC`: `@GrpcMethod()` and its kin. */
export const GRPC_TRANSPORT = 4;
/** `RpcParamtype.PAYLOAD`: `@Payload()`. */
export const PAYLOAD_PARAM = 3;
/** `RpcParamtype.CONTEXT`: `@Ctx()`. */
export const CONTEXT_PARAM = 6;
/** `RpcParamtype.GRPC_CALL`: `@GrpcCall()`. */
export const GRPC_CALL_PARAM = 9;
