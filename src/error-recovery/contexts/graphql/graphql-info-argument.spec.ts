import 'reflect-metadata';
import type { PipeTransform } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { Args, Info, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { infoArgument } from './graphql-info-argument.js';

class FieldNamePipe implements PipeTransform {
  transform(info: { fieldName: string }): string {
    return info.fieldName;
  }
}

@Resolver()
class Sample {
  @Query(() => String)
  bare(): string {
    return '';
  }

  @Query(() => String)
  withArgs(@Args('a') a: string, @Args('b') b: string): string {
    return a + b;
  }

  @Query(() => String)
  withInfo(@Args('a') a: string, @Info() _info: unknown): string {
    return a;
  }

  @ResolveField(() => String)
  withPipedInfo(@Parent() _parent: unknown, @Info(FieldNamePipe) field: string): string {
    return field;
  }
}

const params = (method: string): Record<string, { index: number; data?: unknown }> => Reflect.getMetadata(ROUTE_ARGS_METADATA, Sample, method) as Record<string, { index: number }>;

describe('infoArgument', () => {
  it("takes graphql-js's fourth argument for a method without parameters, declaring none", () => {
    expect(infoArgument(Sample, 'bare')).toEqual({ index: 3, added: false });
    expect(params('bare')).toBeUndefined();
  });

  it("reuses the resolver's own @Info()", () => {
    expect(infoArgument(Sample, 'withInfo')).toEqual({ index: 1, added: false });
    expect(Object.keys(params('withInfo'))).toHaveLength(2);
  });

  it('declares an INFO parameter after the last one, once', () => {
    expect(infoArgument(Sample, 'withArgs')).toEqual({ index: 2, added: true });
    expect(params('withArgs')['2:2']).toEqual({ index: 2, data: undefined, pipes: [] });
    expect(infoArgument(Sample, 'withArgs')).toEqual({ index: 2, added: true });
    expect(Object.keys(params('withArgs'))).toHaveLength(3);
  });

  it('does not take an @Info() with pipes (what they make of info) for info', () => {
    expect(infoArgument(Sample, 'withPipedInfo')).toEqual({ index: 2, added: true });
  });
});
