/*
 * The metadata @nestjs/websockets' decorators leave, copied from its `constants.js` and
 * `enums/ws-paramtype.enum.js` (12.x): the module must not import the package (an optional peer).
 */

/** `GATEWAY_METADATA`: `true` on a `@WebSocketGateway()` class. */
export const GATEWAY_METADATA = 'websockets:is_gateway';
/** `MESSAGE_MAPPING_METADATA`: `true` on a `@SubscribeMessage()` method. */
export const MESSAGE_MAPPING_METADATA = 'websockets:message_mapping';
/** `MESSAGE_METADATA`: the method's message pattern. */
export const MESSAGE_METADATA = 'message';
/** `WsParamtype.PAYLOAD`: the type of a `@MessageBody()` parameter in Nest's param metadata. */
export const WS_PARAMTYPE_PAYLOAD = 3;
/** Where Nest puts the message data when a handler declares no parameter decorators: `(client, data, ack)`. */
export const DEFAULT_PAYLOAD_INDEX = 1;
