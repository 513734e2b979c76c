/**
 * What the change pump hands to planners: change-log rows coalesced per product and per order.
 * A stock UPDATE, an option-value UPDATE and an admin save's special DELETE + INSERT of one product
 * become one ProductChange; the planner decides what (if anything) each marketplace needs.
 */

export type ProductEntity = 'product' | 'option_value' | 'special';
export type ChangeOp = 'I' | 'U' | 'D';

export interface ProductChange {
  kind: 'product';
  productId: number;
  /** Distinct, sorted. */
  entities: ProductEntity[];
  /** Distinct, sorted (D, I, U). */
  ops: ChangeOp[];
  /** For each entity seen, its distinct ops. */
  opsByEntity: Partial<Record<ProductEntity, ChangeOp[]>>;
  /** product_option_value_ids whose rows changed (stock lives per option value). */
  optionValueIds: number[];
  /** The product row itself was deleted (and not re-inserted afterwards). */
  productDeleted: boolean;
  /** 'trigger' and/or 'snapshot'. */
  sources: string[];
  /** meschain_change_log ids folded into this change, ascending. */
  changeIds: number[];
  firstChangedAt: Date;
  lastChangedAt: Date;
}

export interface OrderChange {
  kind: 'order';
  orderId: number;
  /** oc_order_history rows added (status changes) in this batch. */
  historyRows: number;
  sources: string[];
  changeIds: number[];
  firstChangedAt: Date;
  lastChangedAt: Date;
}

export type Change = ProductChange | OrderChange;

/** A meschain_change_log row as read by the pump. */
export interface ChangeRow {
  id: number;
  entity: string;
  entity_id: number;
  product_id: number | null;
  op: string;
  source: string;
  changed_at: string;
}

const PRODUCT_ENTITIES = new Set<string>(['product', 'option_value', 'special']);
const OPS = new Set<string>(['I', 'U', 'D']);

function utc(s: string): Date {
  return new Date(`${s.replace(' ', 'T')}Z`);
}

const sorted = <T extends string | number>(set: Set<T>): T[] => [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

interface ProductAcc {
  productId: number;
  byEntity: Map<ProductEntity, Set<ChangeOp>>;
  optionValueIds: Set<number>;
  productDeleted: boolean;
  sources: Set<string>;
  ids: number[];
  first: string;
  last: string;
}

interface OrderAcc {
  orderId: number;
  rows: number;
  sources: Set<string>;
  ids: number[];
  first: string;
  last: string;
}

/**
 * Folds rows (in id order) into one change per product and one per order, ordered by their first row.
 * Rows that cannot be attributed (an unknown entity, a product row without a product id) come back in
 * `unusable` so the caller can log them; they carry nothing a planner could act on.
 */
export function coalesceChanges(rows: readonly ChangeRow[]): { changes: Change[]; unusable: ChangeRow[] } {
  const ordered = [...rows].sort((a, b) => Number(a.id) - Number(b.id));
  const products = new Map<number, ProductAcc>();
  const orders = new Map<number, OrderAcc>();
  const firstSeen: Array<['p' | 'o', number]> = [];
  const unusable: ChangeRow[] = [];

  for (const row of ordered) {
    const id = Number(row.id);
    const op = row.op as ChangeOp;
    if (row.entity === 'order_history') {
      const orderId = Number(row.entity_id);
      let acc = orders.get(orderId);
      if (!acc) {
        acc = { orderId, rows: 0, sources: new Set(), ids: [], first: row.changed_at, last: row.changed_at };
        orders.set(orderId, acc);
        firstSeen.push(['o', orderId]);
      }
      acc.rows++;
      acc.sources.add(row.source);
      acc.ids.push(id);
      if (row.changed_at < acc.first) acc.first = row.changed_at;
      if (row.changed_at > acc.last) acc.last = row.changed_at;
      continue;
    }
    // Specials are logged keyed by product (their ids change on every admin save).
    const productId = row.product_id ?? (row.entity === 'product' || row.entity === 'special' ? row.entity_id : null);
    if (!PRODUCT_ENTITIES.has(row.entity) || !OPS.has(op) || productId === null || productId === undefined) {
      unusable.push(row);
      continue;
    }
    const pid = Number(productId);
    let acc = products.get(pid);
    if (!acc) {
      acc = { productId: pid, byEntity: new Map(), optionValueIds: new Set(), productDeleted: false, sources: new Set(), ids: [], first: row.changed_at, last: row.changed_at };
      products.set(pid, acc);
      firstSeen.push(['p', pid]);
    }
    const entity = row.entity as ProductEntity;
    const ops = acc.byEntity.get(entity) ?? new Set<ChangeOp>();
    ops.add(op);
    acc.byEntity.set(entity, ops);
    if (entity === 'option_value') acc.optionValueIds.add(Number(row.entity_id));
    if (entity === 'product') acc.productDeleted = op === 'D';
    acc.sources.add(row.source);
    acc.ids.push(id);
    if (row.changed_at < acc.first) acc.first = row.changed_at;
    if (row.changed_at > acc.last) acc.last = row.changed_at;
  }

  const changes: Change[] = firstSeen.map(([kind, key]) => {
    if (kind === 'o') {
      const o = orders.get(key) as OrderAcc;
      return { kind: 'order', orderId: o.orderId, historyRows: o.rows, sources: sorted(o.sources), changeIds: o.ids, firstChangedAt: utc(o.first), lastChangedAt: utc(o.last) };
    }
    const p = products.get(key) as ProductAcc;
    const allOps = new Set<ChangeOp>();
    const opsByEntity: Partial<Record<ProductEntity, ChangeOp[]>> = {};
    for (const [entity, ops] of p.byEntity) {
      opsByEntity[entity] = sorted(ops);
      for (const op of ops) allOps.add(op);
    }
    return {
      kind: 'product',
      productId: p.productId,
      entities: sorted(new Set(p.byEntity.keys())),
      ops: sorted(allOps),
      opsByEntity,
      optionValueIds: sorted(p.optionValueIds),
      productDeleted: p.productDeleted,
      sources: sorted(p.sources),
      changeIds: p.ids,
      firstChangedAt: utc(p.first),
      lastChangedAt: utc(p.last),
    };
  });
  return { changes, unusable };
}
