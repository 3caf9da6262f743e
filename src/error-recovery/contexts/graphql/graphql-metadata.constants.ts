/**
 * Metadata keys `@nestjs/graphql`'s decorators write, copied by value: the package is an optional
 * peer and is never imported by the module.
 */

/** `RESOLVER_TYPE_METADATA`: `'Query'`, `'Mutation'`, `'Subscription'` on a root resolver method. */
export const RESOLVER_TYPE_METADATA = 'graphql:resolver_type';
/** `RESOLVER_NAME_METADATA`: the field name of a resolver method. */
export const RESOLVER_NAME_METADATA = 'graphql:resolver_name';
/** `RESOLVER_PROPERTY_METADATA`: true on a `@ResolveField()` method. */
export const RESOLVER_PROPERTY_METADATA = 'graphql:resolve_property';
/** `RESOLVER_REFERENCE_METADATA`: true on a federation `@ResolveReference()` method. */
export const RESOLVER_REFERENCE_METADATA = 'graphql:resolve_reference';
/** `GRAPHQL_MODULE_OPTIONS`: the injection token of the options of `GraphQLModule.forRoot()`. */
export const GRAPHQL_MODULE_OPTIONS = 'GqlModuleOptions';
/** `GqlParamtype.INFO`: the parameter type of `@Info()` in Nest's param metadata. */
export const GQL_PARAMTYPE_INFO = 2;
/** Where graphql-js passes `info` to a resolver called without Nest's parameters: `(root, args, context, info)`. */
export const RAW_INFO_INDEX = 3;
