import { createMarketplaceHttp, type MarketplaceHttp } from '../../src/marketplaces/http';
import { createAdapter, getMarketplace } from '../../src/marketplaces/registry';
import type { ListingItem } from '../../src/marketplaces/types';
import { ATTRIBUTES, startTrendyolSandbox, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import { describeAdapterConformance } from './conformance';
import { trendyolAccount } from './support';

const value = (attributeId: number, name: string): string => {
  const v = ATTRIBUTES.find((a) => a.id === attributeId)?.values.find((x) => x.name === name);
  if (!v) throw new Error(`no value ${name} for attribute ${attributeId}`);
  return String(v.id);
};

function tshirt(n: number): ListingItem {
  return {
    ref: `listing-${n}`,
    sku: `TS-${n}`,
    barcode: `CONF${String(n).padStart(6, '0')}`,
    groupId: 'TS-GROUP',
    title: `Bisiklet Yaka Tişört ${n}`,
    description: '<p>Pamuklu tişört</p>',
    brand: { id: '100', name: 'MesChain Basics' },
    categoryId: '1012',
    attributes: [
      { attributeId: '47', valueId: value(47, 'Siyah') },
      { attributeId: '338', valueId: value(338, ['S', 'M', 'L'][n % 3] as string) },
      { attributeId: '14', customValue: 'Pamuk' },
    ],
    images: ['https://cdn.example.com/ts.jpg'],
    quantity: 10,
    price: '199.90',
    listPrice: '249.90',
    currency: 'TRY',
    vatRate: 20,
  };
}

const definition = getMarketplace('trendyol');

describeAdapterConformance('Trendyol against its sandbox over HTTP', definition, async () => {
  const sandbox: TrendyolSandbox = await startTrendyolSandbox({ settings: { batchDelayMs: 5, webhookRetryDelayMs: 20 } });
  const http: MarketplaceHttp = createMarketplaceHttp({ limiterStore: 'memory' });
  const webhook = { apiKey: 'conformance-webhook-key' };
  const account = trendyolAccount(sandbox, 11, { webhook });
  const adapter = createAdapter(account, { http });
  const badAdapter = createAdapter(trendyolAccount(sandbox, 12, { apiSecret: 'wrong' }), { http });
  return {
    adapter,
    badAdapter,
    fixture: {
      definition,
      listing: tshirt,
      rejectedListing: (n) => ({ ...tshirt(n), attributes: tshirt(n).attributes.filter((x) => x.attributeId !== '338') }),
      leafCategoryWithRequired: '1012',
      knownBrand: 'Koton',
      remote: async (barcode) => {
        const p = sandbox.control.product(barcode);
        return p ? { quantity: p.quantity, price: p.salePrice.toFixed(2) } : null;
      },
      placeOrder: async (barcode, quantity, awaiting) => {
        const pkg = sandbox.control.createOrder({ lines: [{ barcode, quantity }], status: awaiting ? 'Awaiting' : 'Created' });
        return { orderId: String(pkg.orderNumber), packageId: String(pkg.id) };
      },
      returnPackage: async (packageId) => {
        sandbox.control.movePackage(Number(packageId), 'ship');
        sandbox.control.movePackage(Number(packageId), 'deliver');
        sandbox.control.movePackage(Number(packageId), 'return');
      },
      webhookCredentials: account.credentials,
      webhooksIdle: () => sandbox.control.webhooksIdle(),
    },
    close: async () => {
      await http.close();
      await sandbox.close();
    },
  };
});
