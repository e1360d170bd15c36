import { AttributeType, DataType, type Attribute, type Dimension, type Node, type TensorInit, type ValueInfo } from './proto.ts';

export type AttributeValue = number | readonly number[] | string | { readonly float: number };

/**
 * Collects nodes and initializers for one graph and hands out unique value names. Attribute values are
 * typed by their JavaScript shape: an integer or integer list becomes INT/INTS; `{float: x}` is FLOAT
 * (so that a float that happens to be whole is not mistaken for an int); a string is STRING.
 */
export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: TensorInit[] = [];
  private readonly used = new Set<string>();
  private counter = 0;
  private readonly scalars = new Map<string, string>();

  /** Reserves a name (a graph input, a layer output) so that no generated name collides with it. */
  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`ONNX export: the value name ${name} is used twice`);
    this.used.add(name);
    return name;
  }

  fresh(hint: string): string {
    let name = hint;
    while (this.used.has(name)) name = `${hint}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node; returns its (single) output name. */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}, output?: string): string {
    const out = output ?? this.fresh(`${opType.toLowerCase()}_out`);
    this.nodes.push({
      name: `${opType}_${this.nodes.length}`,
      opType,
      domain: '',
      input: [...inputs],
      output: [out],
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return out;
  }

  floatTensor(hint: string, dims: readonly number[], values: ArrayLike<number>): string {
    checkCount(hint, dims, values.length);
    const raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.addInitializer(hint, dims, DataType.FLOAT, raw);
  }

  int64Tensor(hint: string, dims: readonly number[], values: readonly number[]): string {
    checkCount(hint, dims, values.length);
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    return this.addInitializer(hint, dims, DataType.INT64, raw);
  }

  /** A float scalar initializer, shared by every node that asks for the same hint and value. */
  scalar(hint: string, value: number): string {
    const key = `${hint}=${value}`;
    let name = this.scalars.get(key);
    if (!name) {
      name = this.floatTensor(hint, [], [value]);
      this.scalars.set(key, name);
    }
    return name;
  }

  private addInitializer(hint: string, dims: readonly number[], dataType: number, rawData: Uint8Array): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims: [...dims], dataType, rawData });
    return name;
  }
}

function checkCount(name: string, dims: readonly number[], n: number): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== n) throw new Error(`ONNX export: tensor ${name} of shape [${dims.join(', ')}] needs ${expected} values, got ${n}`);
}

function attribute(name: string, value: AttributeValue): Attribute {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`ONNX export: attribute ${name} = ${value} is not an integer; pass {float: ${value}}`);
    return { name, type: AttributeType.INT, i: value };
  }
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  const ints = [...value];
  if (!ints.every(Number.isInteger)) throw new Error(`ONNX export: attribute ${name} = [${ints.join(', ')}] must hold integers`);
  return { name, type: AttributeType.INTS, ints };
}

/** A float tensor value description; a string dimension is symbolic (the batch size). */
export function floatValueInfo(name: string, dims: readonly (number | string)[], docString?: string): ValueInfo {
  const dim: Dimension[] = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } }, ...(docString ? { docString } : {}) };
}
