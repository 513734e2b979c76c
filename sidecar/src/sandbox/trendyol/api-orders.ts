import type { Request, Router } from 'express';
import { SandboxError } from './errors';
import { PACKAGE_STATUSES, type PackageStatus, type ShipmentPackage } from './model';
import { apiRoute, intParam, optionalIntParam, strParam } from './pipeline';
import { claimJson, packageJson } from './serialize';
import type { TrendyolSandboxState } from './state';

/** Shipment packages, status updates, tracking numbers, unsupplied lines, claims and webhooks. */
export function mountOrderRoutes(router: Router, state: TrendyolSandboxState): void {
  const r = (route: string, h: Parameters<typeof apiRoute>[2]) => apiRoute(state, route, h);
  const packageId = (req: Request): number => {
    const id = Number(req.params.packageId);
    if (!Number.isInteger(id)) throw new SandboxError(400, 'package.id.invalid', 'shipmentPackageId geçersiz.');
    return id;
  };

  router.get('/order/sellers/:sellerId/orders', r('/order/sellers/:sellerId/orders', ({ req, seller, now }) => {
    const s = state.settings;
    const offset = s.clockOffsetMs;
    const page = intParam(req, 'page', 0);
    const size = intParam(req, 'size', 50, s.maxOrderPageSize);
    if (size === 0) throw new SandboxError(400, 'size.invalid', 'size en az 1 olmalıdır.');
    if (page * size >= s.maxAccessibleRecords) throw new SandboxError(400, 'page.size.limit', `page x size ${s.maxAccessibleRecords} değerini aşamaz; tarih aralığını daraltınız.`);
    const field = strParam(req, 'orderByField') ?? 'PackageLastModifiedDate';
    if (field !== 'PackageLastModifiedDate' && field !== 'CreatedDate') throw new SandboxError(400, 'order.by.field.invalid', 'orderByField PackageLastModifiedDate ya da CreatedDate olmalıdır.');
    const direction = strParam(req, 'orderByDirection') ?? 'DESC';
    if (direction !== 'ASC' && direction !== 'DESC') throw new SandboxError(400, 'order.by.direction.invalid', 'orderByDirection ASC ya da DESC olmalıdır.');
    const status = strParam(req, 'status');
    if (status !== undefined && !PACKAGE_STATUSES.includes(status as PackageStatus)) throw new SandboxError(400, 'status.invalid', `${status} geçerli bir statü değildir.`);
    const orderNumber = strParam(req, 'orderNumber');
    const ids = strParam(req, 'shipmentPackageIds')?.split(',').map(Number);
    const startParam = optionalIntParam(req, 'startDate');
    const endParam = optionalIntParam(req, 'endDate');
    const hasStart = startParam !== undefined;
    const hasEnd = endParam !== undefined;
    const end = hasEnd ? endParam - offset : now;
    const start = hasStart ? startParam - offset : end - s.maxOrderRangeMs;
    if (end < start) throw new SandboxError(400, 'date.range.invalid', 'endDate startDate’ten önce olamaz.');
    if (end - start > s.maxOrderRangeMs) throw new SandboxError(400, 'date.range.too.long', `Tarih aralığı en fazla ${Math.round(s.maxOrderRangeMs / 86_400_000)} gün olabilir.`);
    if (start < now - s.orderLookbackMs) throw new SandboxError(400, 'date.range.too.old', 'En fazla 3 ay öncesine kadar sorgulama yapılabilir.');
    const byDate = !(orderNumber !== undefined || ids !== undefined) || hasStart || hasEnd;
    const dateOf = (p: ShipmentPackage) => (field === 'CreatedDate' ? p.orderDate : p.lastModifiedDate);
    const all = [...state.orders.packages.values()]
      .filter((p) => p.sellerId === seller.sellerId)
      .filter((p) => status === undefined || p.status === status)
      .filter((p) => orderNumber === undefined || p.orderNumber === orderNumber)
      .filter((p) => ids === undefined || ids.includes(p.id))
      .filter((p) => !byDate || (dateOf(p) >= start && dateOf(p) <= end))
      .sort((a, b) => (dateOf(a) - dateOf(b) || a.id - b.id) * (direction === 'ASC' ? 1 : -1));
    return {
      body: {
        totalElements: all.length,
        totalPages: Math.ceil(all.length / size),
        page,
        size,
        content: all.slice(page * size, (page + 1) * size).map((p) => packageJson(p, offset)),
      },
    };
  }));

  router.put('/order/sellers/:sellerId/shipment-packages/:packageId', r('/order/sellers/:sellerId/shipment-packages/:packageId', ({ req, seller }) => {
    const body = (req.body ?? {}) as { status?: unknown; params?: Record<string, unknown> };
    state.orders.updateStatus(seller.sellerId, packageId(req), body.status, body.params);
    return { status: 200 };
  }));

  router.put('/order/sellers/:sellerId/shipment-packages/:packageId/update-tracking-number', r('/order/sellers/:sellerId/shipment-packages/:packageId/update-tracking-number', ({ req, seller }) => {
    state.orders.setTracking(seller.sellerId, packageId(req), (req.body as { trackingNumber?: unknown } | undefined)?.trackingNumber);
    return { status: 200 };
  }));

  router.put('/order/sellers/:sellerId/shipment-packages/:packageId/items/unsupplied', r('/order/sellers/:sellerId/shipment-packages/:packageId/items/unsupplied', ({ req, seller }) => {
    const body = (req.body ?? {}) as { lines?: unknown; reasonId?: unknown; shouldKeepPreviousStatus?: unknown };
    if (!Array.isArray(body.lines) || body.lines.length === 0) throw new SandboxError(400, 'lines.required', 'lines alanı zorunludur.');
    if (typeof body.reasonId !== 'number' || ![500, 501, 502, 503, 504, 505, 506].includes(body.reasonId)) throw new SandboxError(400, 'reason.id.invalid', 'reasonId geçersiz.');
    const lines = (body.lines as Array<{ lineId?: unknown; quantity?: unknown }>).map((l) => ({ lineId: Number(l.lineId), quantity: Number(l.quantity) }));
    state.orders.cancelLines(seller.sellerId, packageId(req), lines, 'seller', body.shouldKeepPreviousStatus === true);
    return { status: 200 };
  }));

  router.get('/order/sellers/:sellerId/claims', r('/order/sellers/:sellerId/claims', ({ req, seller, now }) => {
    const offset = state.settings.clockOffsetMs;
    const page = intParam(req, 'page', 0);
    const size = intParam(req, 'size', 50, state.settings.maxOrderPageSize);
    if (size === 0) throw new SandboxError(400, 'size.invalid', 'size en az 1 olmalıdır.');
    const itemStatus = strParam(req, 'claimItemStatus');
    const endParam = optionalIntParam(req, 'endDate');
    const startParam = optionalIntParam(req, 'startDate');
    const end = endParam !== undefined ? endParam - offset : now;
    const start = startParam !== undefined ? startParam - offset : end - state.settings.maxOrderRangeMs;
    const all = [...state.orders.claims.values()]
      .filter((c) => c.sellerId === seller.sellerId && c.lastModifiedDate >= start && c.lastModifiedDate <= end)
      .filter((c) => itemStatus === undefined || c.items.some((i) => i.claimItems.some((ci) => ci.claimItemStatus.name === itemStatus)))
      .sort((a, b) => a.lastModifiedDate - b.lastModifiedDate || a.id.localeCompare(b.id));
    return {
      body: { totalElements: all.length, totalPages: Math.ceil(all.length / size), page, size, content: all.slice(page * size, (page + 1) * size).map((c) => claimJson(c, offset)) },
    };
  }));

  const hookJson = (h: ReturnType<typeof state.webhooks.get>) => ({
    id: h.id,
    createdDate: h.createdDate + state.settings.clockOffsetMs,
    lastModifiedDate: h.lastModifiedDate === null ? null : h.lastModifiedDate + state.settings.clockOffsetMs,
    url: h.url,
    username: h.username,
    authenticationType: h.authenticationType,
    status: h.status,
    subscribedStatuses: h.subscribedStatuses,
  });
  const hooks = '/webhook/sellers/:sellerId/webhooks';
  router.post(hooks, r(hooks, ({ req, seller }) => ({ body: { id: state.webhooks.create(seller.sellerId, req.body).id } })));
  router.get(hooks, r(hooks, ({ seller }) => ({ body: state.webhooks.list(seller.sellerId).map(hookJson) })));
  router.put(`${hooks}/:id`, r(`${hooks}/:id`, ({ req, seller }) => ({ body: hookJson(state.webhooks.update(seller.sellerId, String(req.params.id), req.body)) })));
  router.delete(`${hooks}/:id`, r(`${hooks}/:id`, ({ req, seller }) => {
    state.webhooks.remove(seller.sellerId, String(req.params.id));
    return { status: 200 };
  }));
  router.put(`${hooks}/:id/activate`, r(`${hooks}/:id/activate`, ({ req, seller }) => ({ body: hookJson(state.webhooks.setActive(seller.sellerId, String(req.params.id), true)) })));
  router.put(`${hooks}/:id/deactivate`, r(`${hooks}/:id/deactivate`, ({ req, seller }) => ({ body: hookJson(state.webhooks.setActive(seller.sellerId, String(req.params.id), false)) })));
}
