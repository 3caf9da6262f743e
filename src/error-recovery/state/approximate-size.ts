/**
 * About how many bytes a response value takes once sent as JSON: strings count their UTF-16 length
 * plus quotes, numbers and booleans their text, objects their keys and values. Walks at most until
 * the count passes `cap` and then answers `cap + 1`, so a huge value costs no more than a small one
 * over the limit. Cycles count once; typed arrays and Buffers count their bytes. An estimate for a
 * memory bound, not an exact `JSON.stringify(value).length`.
 */
export function approximateSize(value: unknown, cap: number): number {
  const seen = new WeakSet<object>();
  const stack: unknown[] = [value];
  let size = 0;
  while (stack.length > 0) {
    if (size > cap) return cap + 1;
    const item = stack.pop();
    switch (typeof item) {
      case 'string':
        size += item.length + 2;
        continue;
      case 'number':
      case 'bigint':
      case 'boolean':
        size += String(item).length;
        continue;
      case 'object':
        break;
      default:
        // undefined, functions, symbols: left out of JSON.
        continue;
    }
    if (item === null) {
      size += 4;
      continue;
    }
    if (seen.has(item)) continue;
    seen.add(item);
    if (ArrayBuffer.isView(item)) {
      size += item.byteLength;
      continue;
    }
    if (item instanceof Date) {
      size += 26;
      continue;
    }
    size += 2;
    if (Array.isArray(item)) {
      size += item.length;
      if (size > cap) return cap + 1;
      for (const element of item as unknown[]) stack.push(element);
      continue;
    }
    for (const key of Object.keys(item)) {
      size += key.length + 4;
      if (size > cap) return cap + 1;
      stack.push((item as Record<string, unknown>)[key]);
    }
  }
  return size > cap ? cap + 1 : size;
}
